package dev.nvme4j.ctrl;

import static dev.nvme4j.ctrl.QueueFailurePathsTest.BOUND;
import static dev.nvme4j.ctrl.QueueFailurePathsTest.config;
import static dev.nvme4j.ctrl.QueueFailurePathsTest.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Retries of one queue pair's commands: an error without DNR is retried (bounded, after the
 * command retry delay, without blocking the owner or timing out meanwhile), one with DNR is not.
 * The other failure paths of a queue pair are in {@link QueueFailurePathsTest}.
 */
class CommandRetryTest {
    private static final int INTERNAL_ERROR = NvmeStatus.INTERNAL_ERROR.code(false);

    /** An error status without DNR is retried: the read succeeds, the retries are counted. */
    @Test
    void anErrorWithoutDnrIsRetriedAndTheReadSucceeds() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                Namespace ns = f.ctrl.namespace(1);
                buf.segment().fill((byte) 0x33);
                qp.writeSync(ns, 5, 1, buf);
                buf.segment().fill((byte) 0);
                long before = f.mock.counters().ioCommands();
                f.mock.faults().completeWithStatus(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(2),
                        INTERNAL_ERROR);
                qp.readSync(ns, 5, 1, buf);
                assertEquals(0x33, buf.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xFF);
                assertEquals(3, f.mock.counters().ioCommands() - before, "tried three times on the device");
                assertEquals(2, qp.counters().retried(), qp.counters().toString());
                assertEquals(2, qp.counters().errors(), qp.counters().toString());
            }
        });
    }

    /** Without DNR but failing every time: retried 5 times (as Linux), then the error is reported. */
    @Test
    void retriesAreBoundedThenTheErrorIsReported() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                long before = f.mock.counters().ioCommands();
                f.mock.faults().completeWithStatus(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ), INTERNAL_ERROR);
                int[] st = {-1};
                int[] calls = {0};
                assertTrue(qp.read(f.ctrl.namespace(1), 0, 1, buf, (t, s) -> { st[0] = s; calls[0]++; }, 0));
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(1, calls[0]);
                assertEquals(INTERNAL_ERROR, st[0], dev.nvme4j.api.Status.describe(st[0]));
                assertEquals(6, f.mock.counters().ioCommands() - before, "the first attempt and five retries");
                assertEquals(5, qp.counters().retried());
            }
        });
    }

    /** With DNR the error is final: reported at once, the command ran once. */
    @Test
    void anErrorWithDnrIsNotRetried() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                int dnr = NvmeStatus.INTERNAL_ERROR.code(true);
                long before = f.mock.counters().ioCommands();
                f.mock.faults().completeWithStatus(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(1), dnr);
                NvmeException e = assertThrows(NvmeException.class,
                        () -> qp.readSync(f.ctrl.namespace(1), 0, 1, buf));
                assertEquals(dnr, e.status());
                assertEquals(1, f.mock.counters().ioCommands() - before);
                assertEquals(0, qp.counters().retried());
            }
        });
    }

    /**
     * A controller puts a Command Retry Delay into a status only after the host enabled ACRE
     * (Host Behavior Support): the driver does so at bring-up and again after a reset, which
     * clears it.
     */
    @Test
    void retryDelaysAreEnabledAtBringUpAndAgainAfterAReset() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 DmaBuffer hbs = f.ctrl.allocateBuffer(4096)) {
                assertEquals(1, acre(f, hbs), "ACRE after bring-up");
                f.ctrl.reset();
                assertEquals(1, acre(f, hbs), "ACRE after a reset");
                try (IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                     DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                    f.mock.faults().completeWithStatus(FaultMatch.any().queue(qp.queueId()).opcode(Opcodes.NVM_READ)
                            .times(1), INTERNAL_ERROR | (1 << 11));
                    long start = System.nanoTime();
                    qp.readSync(f.ctrl.namespace(1), 0, 1, buf);
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(waited >= 90, "waited CRDT1 (100 ms) after the reset: " + waited + " ms");
                    assertEquals(1, qp.counters().retried());
                }
            }
        });
    }

    private static int acre(MockFixture f, DmaBuffer buf) throws Exception {
        buf.segment().fill((byte) 0x55);
        Completion c = f.ctrl.adminPassthrough(RawCommand.of(Opcodes.ADMIN_GET_FEATURES, 0)
                .withCdw10(Opcodes.FEAT_HOST_BEHAVIOR_SUPPORT), buf).get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(c.isSuccess(), dev.nvme4j.api.Status.describe(c.status()));
        return buf.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 1;
    }

    /**
     * CRD 2 selects CRDT2 (the mock reports 300 ms): the retry waits that long, without
     * blocking the owner, whose polls return at once meanwhile.
     */
    @Test
    void aRetryWaitsTheCommandRetryDelayWithoutBlockingTheOwner() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                int crd2 = INTERNAL_ERROR | (2 << 11);
                f.mock.faults().completeWithStatus(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(1), crd2);
                int[] st = {-1};
                long start = System.nanoTime();
                long[] doneAt = {0};
                assertTrue(qp.read(f.ctrl.namespace(1), 0, 1, buf, (t, s) -> {
                    st[0] = s;
                    doneAt[0] = System.nanoTime();
                }, 0));
                long longestPoll = 0;
                while (qp.outstanding() > 0 && System.nanoTime() - start < Duration.ofSeconds(5).toNanos()) {
                    long p = System.nanoTime();
                    qp.poll();
                    longestPoll = Math.max(longestPoll, System.nanoTime() - p);
                }
                assertEquals(0, st[0], dev.nvme4j.api.Status.describe(st[0]));
                long waited = (doneAt[0] - start) / 1_000_000;
                assertTrue(waited >= 290, "waited CRDT2 (300 ms) before the retry: " + waited + " ms");
                assertTrue(longestPoll < Duration.ofMillis(200).toNanos(), "no poll blocked: longest "
                        + longestPoll / 1_000_000 + " ms");
                assertEquals(1, qp.counters().retried());
            }
        });
    }

    /**
     * A command waiting for its retry is not at the device: however long its owner stays away,
     * the timeout ladder (re-ring, Abort, reset) leaves it alone, and the owner's next poll
     * re-issues it.
     */
    @Test
    void aCommandWaitingForItsRetryIsNotTimedOutWhileTheOwnerIsAway() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofMillis(200)));
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                int crd3 = INTERNAL_ERROR | (3 << 11); // the mock's CRDT3: 1 s
                f.mock.faults().completeWithStatus(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(1), crd3);
                int[] st = {-1};
                assertTrue(qp.read(f.ctrl.namespace(1), 0, 1, buf, (t, s) -> st[0] = s, 0));
                long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (qp.counters().errors() == 0 && System.nanoTime() < until) {
                    qp.poll();
                }
                assertEquals(1, qp.counters().errors(), "the error was reaped; the retry waits 1 s");
                Thread.sleep(2000); // the owner is away past the retry time plus the I/O timeout
                assertEquals(0, qp.counters().timeouts(), qp.counters().toString());
                assertEquals(0, qp.counters().aborts(), qp.counters().toString());
                assertEquals(-1, st[0]);
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(0, st[0], dev.nvme4j.api.Status.describe(st[0]));
                assertEquals(1, qp.counters().retried());
                assertEquals(0, f.ctrl.counters().resets());
            }
        });
    }
}
