package dev.nvme4j.ctrl;

import static dev.nvme4j.ctrl.RecoveryTest.BOUND;
import static dev.nvme4j.ctrl.RecoveryTest.assertAllSucceeded;
import static dev.nvme4j.ctrl.RecoveryTest.config;
import static dev.nvme4j.ctrl.RecoveryTest.fastRecovery;
import static dev.nvme4j.ctrl.RecoveryTest.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.Status;
import dev.nvme4j.ctrl.RecoveryTest.QueuePairStatus;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Recovery from the controller's own failures against the mock's fault injection, each within a
 * time bound: fatal status (once, and again and again), surprise removal, completions dropped on
 * a full CQ. The recovery ladder's rungs are in {@link RecoveryTest}.
 */
class ControllerFailureRecoveryTest {
    @Test
    void fatalStatusResetsTheControllerAndIoContinues() {
        assertTimeoutPreemptively(BOUND, () -> {
            jdk.jfr.Recording recording = new jdk.jfr.Recording();
            recording.enable("dev.nvme4j.Reset");
            recording.enable("dev.nvme4j.StateChange");
            recording.start();
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 4));
                f.mock.faults().setControllerFatalStatus();
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (f.ctrl.counters().resets() == 0 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                assertEquals(1, f.ctrl.counters().resets());
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 16));
            }
            recording.stop();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("nvme4j", ".jfr");
            recording.dump(file);
            var names = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
                    .map(e -> e.getEventType().getName()).toList();
            java.nio.file.Files.delete(file);
            assertTrue(names.contains("dev.nvme4j.Reset"), names.toString());
            assertTrue(names.contains("dev.nvme4j.StateChange"), names.toString());
        });
    }

    @Test
    void surpriseRemovalEndsRemovedFailsEverythingFastAndCloseIsBounded() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
            try (IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                f.mock.faults().hangCommands(FaultMatch.any().queue(1), false);
                int[] status = new int[10];
                int[] calls = new int[10];
                for (int i = 0; i < 10; i++) {
                    int k = i;
                    assertTrue(qp.write(ns, i, 1, buf.slice(0, 512), (t, s) -> { status[k] = s; calls[k]++; }, i));
                }
                qp.poll();
                f.mock.faults().surpriseRemoval();
                long start = System.nanoTime();
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "failed fast");
                for (int i = 0; i < 10; i++) {
                    assertEquals(1, calls[i]);
                    assertEquals(NvmeStatus.HOST_PATHING_ERROR, NvmeStatus.of(status[i]));
                    assertTrue(Status.dnr(status[i]));
                }
                assertEquals(ControllerState.REMOVED, f.ctrl.state());
                assertTrue(f.ctrl.failureReason().contains("all-ones"), f.ctrl.failureReason());
                int[] late = {-1};
                assertTrue(qp.write(ns, 0, 1, buf.slice(0, 512), (t, s) -> late[0] = s, 0), "new I/O is accepted");
                qp.poll();
                assertEquals(QueuePairStatus.DEVICE_REMOVED, late[0], "and completes with the removed status");
            } finally {
                long start = System.nanoTime();
                f.ctrl.close();
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "close is bounded");
                f.mock.close();
            }
        });
    }

    @Test
    void controllerThatDropsCompletionsOnAFullCqLosesNothing() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.mock.faults().dropCompletionsWhenCqFull(true);
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 2000));
                QueueCounters c = qp.counters();
                assertEquals(0, c.timeouts(), "nothing was lost, so nothing timed out: " + c);
            }
        });
    }

    /**
     * The same controller with a closed-loop owner: each callback issues the next write and rings
     * its doorbell at once. That write reaches the device while the batch it completes from is
     * still being delivered, so this holds only because the CQ head doorbell of the batch was
     * written before any callback ran (with it after, the device finds its CQ full and drops).
     */
    @Test
    void controllerThatDropsCompletionsOnAFullCqLosesNothingWhenCallbacksSubmitAndRing() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                f.mock.faults().dropCompletionsWhenCqFull(true);
                int total = 600;
                int[] status = new int[total];
                int[] calls = new int[total];
                int[] next = {0};
                dev.nvme4j.api.IoCallback[] loop = new dev.nvme4j.api.IoCallback[1];
                loop[0] = (tag, st) -> {
                    status[(int) tag] = st;
                    calls[(int) tag]++;
                    if (next[0] < total) {
                        int i = next[0]++;
                        assertTrue(qp.write(ns, i, 1, buf.slice((i % 64) * 512L, 512), loop[0], i));
                        qp.flushSubmissions();
                    }
                };
                while (next[0] < 3) { // the depth-4 queue's three commands in flight
                    int i = next[0]++;
                    assertTrue(qp.write(ns, i, 1, buf.slice((i % 64) * 512L, 512), loop[0], i));
                }
                assertTrue(qp.drain(Duration.ofSeconds(15)), "every command completes");
                for (int i = 0; i < total; i++) {
                    assertEquals(1, calls[i], "command " + i + " completed exactly once");
                    assertEquals(0, status[i], "command " + i + ": " + Status.describe(status[i]));
                }
                assertEquals(0, f.mock.counters().completionsDropped(), "the device never found its CQ full");
                assertEquals(0, qp.counters().timeouts(), qp.counters().toString());
            }
        });
    }

    @Test
    void repeatedFatalStatusEndsInFailedInsteadOfAResetLoop() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (f.ctrl.state() != ControllerState.FAILED && System.nanoTime() < until) {
                    if (f.ctrl.state() == ControllerState.READY) {
                        f.mock.faults().setControllerFatalStatus();
                    }
                    Thread.sleep(20);
                }
                assertEquals(ControllerState.FAILED, f.ctrl.state());
                assertTrue(f.ctrl.failureReason().contains("recovery gave up"), f.ctrl.failureReason());
                assertEquals(4, f.ctrl.counters().resets());
                int[] st = {-1};
                assertTrue(qp.write(f.ctrl.namespace(1), 0, 1, buf.slice(0, 512), (t, s) -> st[0] = s, 0));
                qp.poll();
                assertEquals(QueuePairStatus.HOST_ABORT, st[0]);
            }
        });
    }
}
