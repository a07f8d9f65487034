package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A device that vanishes without the kernel's request (surprise removal): its registers read all
 * ones. The controller must end REMOVED (not FAILED), every command in flight or queued in
 * software must complete exactly once with Host Pathing Error (DNR), close must be bounded, and
 * no register or doorbell write may reach the device once the removal was seen.
 */
class SurpriseRemovalTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final int REMOVED = NvmeStatus.HOST_PATHING_ERROR.code(true);

    private static MockConfig threaded() {
        // mdts 2: 16 KiB per command, so a 64 KiB write is 4 parts (more than the pair has room for).
        return MockConfig.builder().mode(ExecutionMode.THREADED).mdts(2).namespace(NamespaceConfig.ram(1 << 16, 512))
                .build();
    }

    /** The watchdog looks often; deadlines are far away, so no ladder step interferes. */
    private static ControllerOptions options() {
        return ControllerOptions.builder().watchdogPeriod(Duration.ofMillis(10)).ioTimeout(Duration.ofSeconds(30))
                .adminTimeout(Duration.ofSeconds(30)).adminQueueDepth(8).shutdownTimeout(Duration.ofSeconds(2))
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CompletionMode.class, names = {"POLL", "INTERRUPT"})
    void cstsReadingAllOnesEndsRemovedAndCompletesEveryCommandOnceWithoutWritingToTheDevice(CompletionMode mode) {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded())) {
                Controller ctrl = Nvme.open(mock, options());
                IoQueuePair qp = ctrl.createQueuePair(8, mode);
                DmaBuffer buf = ctrl.allocateBuffer(64 * 1024 + 4 * 512);
                Namespace ns = ctrl.namespace(1);
                mock.faults().hangCommands(FaultMatch.any().queue(qp.queueId()), false);
                mock.faults().hangCommands(FaultMatch.any().queue(0).opcode(Opcodes.ADMIN_GET_FEATURES), false);

                // 4 one-block writes and one 4-part write: 7 trackers, so one part waits in software.
                int n = 5;
                int[] status = new int[n];
                int[] calls = new int[n];
                for (int i = 0; i < n; i++) {
                    int k = i;
                    int blocks = i == 4 ? 128 : 1;
                    assertTrue(qp.write(ns, i * 128L, blocks, buf.slice(i * 512L, blocks * 512L), (t, s) -> {
                        status[k] = s;
                        calls[k]++;
                    }, i), "room for command " + i);
                }
                qp.flushSubmissions();
                // Admin commands on the device (hung) and waiting behind a full admin queue.
                List<CompletableFuture<Completion>> admin = new ArrayList<>();
                for (int i = 0; i < 12; i++) {
                    admin.add(ctrl.adminPassthrough(RawCommand.of(Opcodes.ADMIN_GET_FEATURES, 0).withCdw10(7), null));
                }
                Thread.sleep(50); // the device fetched what it could; it all hangs there
                qp.poll();
                assertEquals(n, qp.outstanding());

                mock.faults().surpriseRemoval();
                long removedAt = System.nanoTime();
                waitFor(() -> ctrl.counters().removals() == 1, "the removal seen (state " + ctrl.state() + ")");
                long seenMillis = (System.nanoTime() - removedAt) / 1_000_000;
                long writesWhenSeen = mock.counters().writesWhileRemoved();
                assertEquals(ControllerState.REMOVED, ctrl.state(), ctrl.failureReason());
                assertTrue(ctrl.failureReason().contains("all-ones"), ctrl.failureReason());
                assertTrue(seenMillis < 5_000, "seen after " + seenMillis + " ms");

                assertTrue(qp.drain(Duration.ofSeconds(5)), "every command completes");
                for (int i = 0; i < n; i++) {
                    assertEquals(1, calls[i], "command " + i + " completed once");
                    assertEquals(REMOVED, status[i], "command " + i + ": " + Status.describe(status[i]));
                }
                for (int i = 0; i < admin.size(); i++) {
                    Completion c = admin.get(i).get(5, TimeUnit.SECONDS);
                    assertEquals(REMOVED, c.status(), "admin command " + i + ": " + Status.describe(c.status()));
                }
                assertTrue(mock.awaitRelease(Duration.ofSeconds(1)), "the function was released at the removal");

                int[] late = {-1, 0};
                assertTrue(qp.write(ns, 0, 1, buf.slice(0, 512), (t, s) -> {
                    late[0] = s;
                    late[1]++;
                }, 0), "new I/O is accepted");
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(1, late[1]);
                assertEquals(REMOVED, late[0], Status.describe(late[0]));
                IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ctrl.getFeature(7, 0));
                assertTrue(refused.getMessage().contains("device removed"), refused.getMessage());

                long closing = System.nanoTime();
                qp.close();
                ctrl.close();
                long closeMillis = (System.nanoTime() - closing) / 1_000_000;
                assertTrue(closeMillis < 3_000, "close took " + closeMillis + " ms");
                assertEquals(ControllerState.CLOSED, ctrl.state());
                assertEquals(writesWhenSeen, mock.counters().writesWhileRemoved(),
                        "register or doorbell writes reached the device after the removal was seen");
            }
        });
    }

    /** The device vanishes while a reset waits for it to become ready: the failed reset ends REMOVED. */
    @Test
    void aDeviceThatVanishesDuringAResetEndsRemoved() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockController mock = Nvme.createMock(threaded());
                 Controller ctrl = Nvme.open(mock, options());
                 IoQueuePair qp = ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = ctrl.allocateBuffer(4096)) {
                mock.faults().hangCommands(FaultMatch.any().queue(qp.queueId()), false);
                int[] st = {-1, 0};
                assertTrue(qp.write(ctrl.namespace(1), 0, 1, buf.slice(0, 512), (t, s) -> {
                    st[0] = s;
                    st[1]++;
                }, 0));
                qp.flushSubmissions();
                mock.faults().slowEnable(Duration.ofSeconds(2));
                Thread resetter = new Thread(() -> {
                    try {
                        ctrl.reset();
                    } catch (RuntimeException expected) {
                        // the reset fails: the device is gone
                    }
                });
                resetter.start();
                waitFor(() -> ctrl.state() == ControllerState.RESETTING, "the reset");
                Thread.sleep(300); // inside the enable wait
                mock.faults().surpriseRemoval();
                resetter.join(10_000);
                waitFor(() -> ctrl.state() != ControllerState.RESETTING, "the reset's end");
                assertEquals(ControllerState.REMOVED, ctrl.state(), ctrl.failureReason());
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(1, st[1]);
                assertEquals(REMOVED, st[0], Status.describe(st[0]));
                assertEquals(1, ctrl.counters().removals());
            }
        });
    }

    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2);
        }
    }
}
