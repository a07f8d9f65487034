package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockCounters;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Aborts on the recovery ladder: never more outstanding than the controller's Abort Command
 * Limit (ACL, 0's based), and an Abort still waiting in software when a reset starts is dropped:
 * sent afterwards it would name a CID that a resubmitted command may be using by then.
 */
class AbortLimitTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private static MockConfig config(int acl) {
        return MockConfig.builder().mode(ExecutionMode.THREADED).acl(acl).namespace(NamespaceConfig.ram(1 << 16, 512))
                .build();
    }

    /** Submits {@code n} one-block writes and processes until all complete; returns their statuses. */
    private static int[] writeAndDrain(IoQueuePair qp, MockFixture f, DmaBuffer buf, int n) {
        int[] status = new int[n];
        int[] calls = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            assertTrue(qp.write(f.ctrl.namespace(1), i, 1, buf.slice(i * 512L, 512), (t, s) -> {
                status[k] = s;
                calls[k]++;
            }, i));
        }
        assertTrue(qp.drain(Duration.ofSeconds(20)), "every command completes");
        for (int i = 0; i < n; i++) {
            assertEquals(1, calls[i], "command " + i + " completed once");
        }
        return status;
    }

    /**
     * ACL 0: one Abort at a time. Three writes hang, and so do their Aborts: one Abort is sent,
     * the other two wait for it; the reset that follows drops them. Nothing exceeds the limit
     * (the mock records a violation when it must answer Abort Command Limit Exceeded).
     */
    @Test
    void atMostAclPlusOneAbortsAreOutstandingAndTheRestWaitForTheReset() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(0), RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(8 * 512)) {
                assertEquals(1, f.ctrl.info().abortCommandLimit());
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_WRITE).times(3), true);
                int[] status = writeAndDrain(qp, f, buf, 3);
                for (int i = 0; i < 3; i++) {
                    assertTrue(Status.isSuccess(status[i]), "write " + i + " resubmitted after the reset: "
                            + Status.describe(status[i]));
                }
                ControllerCounters c = f.ctrl.counters();
                MockCounters m = f.mock.counters();
                assertEquals(1, m.abortsReceived(), "Aborts the device saw: " + m + " / " + c);
                assertEquals(1, c.resets(), c.toString());
                assertEquals(ControllerState.READY, f.ctrl.state());
                f.mock.assertNoViolations();
            }
        });
    }

    /**
     * A full admin queue: the Aborts of twelve hung writes cannot all be issued (the admin queue
     * of depth 4 holds 3, AERs included); the ones waiting in software when the reset starts are
     * never sent, not after the reset either (where they would abort resubmitted commands).
     */
    @Test
    void abortsWaitingInSoftwareWhenAResetStartsAreNeverSent() {
        assertTimeoutPreemptively(BOUND, () -> {
            ControllerOptions options = RecoveryTest.fastRecovery().toBuilder().adminQueueDepth(4).build();
            try (MockFixture f = new MockFixture(config(255), options);
                 IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(16 * 512)) {
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_WRITE).times(12), true);
                int[] status = writeAndDrain(qp, f, buf, 12);
                for (int i = 0; i < 12; i++) {
                    assertTrue(Status.isSuccess(status[i]) || NvmeStatus.of(status[i])
                            == NvmeStatus.COMMAND_ABORTED_BY_HOST, "write " + i + ": " + Status.describe(status[i]));
                }
                // Let anything the admin queue still holds go out (a reset is over, the queue resumed).
                Thread.sleep(300);
                MockCounters m = f.mock.counters();
                ControllerCounters c = f.ctrl.counters();
                assertTrue(c.resets() >= 1, c.toString());
                assertTrue(m.abortsReceived() <= 3, "at most the admin queue's 3 slots of Aborts before the reset, none"
                        + " after: the device saw " + m.abortsReceived() + " (" + c + ")");
                assertEquals(ControllerState.READY, f.ctrl.state());
                f.mock.assertNoViolations();
            }
        });
    }
}
