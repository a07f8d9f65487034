package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Each rung of the recovery ladder against the mock's fault injection, each within a time bound.
 * Fatal status, surprise removal and dropped completions are in {@link ControllerFailureRecoveryTest}.
 */
class RecoveryTest {
    static final Duration BOUND = Duration.ofSeconds(20);

    static ControllerOptions fastRecovery() {
        return ControllerOptions.builder().ioTimeout(Duration.ofMillis(200)).adminTimeout(Duration.ofMillis(400))
                .watchdogPeriod(Duration.ofMillis(10)).shutdownTimeout(Duration.ofSeconds(2)).build();
    }

    static MockConfig config(ExecutionMode mode) {
        return MockConfig.builder().mode(mode).namespace(NamespaceConfig.ram(1 << 16, 512)).build();
    }

    /** Submits {@code n} one-block writes (slot i to LBA i), processes until all complete; returns their statuses. */
    static int[] writeAll(IoQueuePair qp, Namespace ns, DmaBuffer buf, int n) {
        int[] status = new int[n];
        java.util.Arrays.fill(status, -1);
        int[] calls = new int[n];
        for (int i = 0; i < n; i++) {
            final int k = i;
            while (!qp.write(ns, i, 1, buf.slice((long) (i % 64) * 512, 512), (tag, st) -> {
                status[(int) tag] = st;
                calls[k]++;
            }, i)) {
                qp.process(Duration.ofMillis(1));
            }
        }
        assertTrue(qp.drain(Duration.ofSeconds(15)), "every command completes");
        for (int i = 0; i < n; i++) {
            assertEquals(1, calls[i], "command " + i + " completed exactly once");
        }
        return status;
    }

    static void assertAllSucceeded(int[] status) {
        for (int i = 0; i < status.length; i++) {
            assertEquals(0, status[i], "command " + i + ": " + Status.describe(status[i]));
        }
    }

    @Test
    void missedInterruptsAreRecoveredByPollingAndCounted() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofMillis(2))
                    .namespace(NamespaceConfig.ram(1 << 16, 512)).build();
            try (MockFixture f = new MockFixture(cfg, fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.INTERRUPT);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.mock.faults().dropInterrupts(FaultMatch.any().queue(1));
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 20));
                assertTrue(qp.counters().missedInterrupts() >= 1, qp.counters().toString());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
    void lostDoorbellKicksAreRecoveredByReringing(int depth) {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(depth, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.mock.faults().ignoreSqDoorbell(FaultMatch.any().queue(1).times(2));
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 3 * depth));
                assertTrue(qp.counters().lostDoorbells() >= 1, qp.counters().toString());
            }
        });
    }

    @Test
    void hungCommandIsAborted() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_WRITE).times(1), false);
                int[] status = writeAll(qp, f.ctrl.namespace(1), buf, 4);
                assertEquals(NvmeStatus.COMMAND_ABORT_REQUESTED, NvmeStatus.of(status[0]));
                assertEquals(0, status[1] | status[2] | status[3]);
                assertTrue(qp.counters().aborts() >= 1);
                assertEquals(0, f.ctrl.counters().resets());
            }
        });
    }

    @Test
    void whenTheAbortHangsTooTheControllerResetsAndTheCommandIsResubmitted() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_WRITE).times(1), true);
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 4));
                ControllerCounters c = f.ctrl.counters();
                assertEquals(1, c.resets(), "one stall, one reset: " + c);
                assertTrue(c.io().resubmitted() >= 1, c.toString());
                assertEquals(ControllerState.READY, f.ctrl.state());
                assertAllSucceeded(writeAll(qp, f.ctrl.namespace(1), buf, 8)); // the same handle still works
            }
        });
    }

    /**
     * One stall, one reset. The race, made deterministic: a command hangs and so does its Abort;
     * the owner sits in a callback of another command from before the command's Abort deadline
     * until the Abort's admin deadline resets the controller. Leaving the callback, the owner's
     * own deadline scan (every 64th poll) sees the hung command past its Abort deadline and asks
     * for a reset too - while the first is waiting for its gate. That request belongs to the
     * episode the running reset ends and must not cause a second reset.
     */
    @Test
    void aStallSeenByTheAdminDeadlineAndTheCommandLadderAtOnceResetsOnce() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_WRITE).times(1), true);
                int[] status = {-1, -1};
                int[] calls = new int[2];
                assertTrue(qp.write(ns, 0, 1, buf.slice(0, 512), (t, s) -> { status[0] = s; calls[0]++; }, 0));
                qp.poll(); // poll 1: rings the doorbell; the write hangs
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (qp.counters().aborts() == 0 && System.nanoTime() < until) {
                    Thread.sleep(1); // nobody polls: the watchdog climbs the ladder up to the Abort
                }
                assertEquals(1, qp.counters().aborts(), "the watchdog sent the Abort");
                for (int i = 2; i < 64; i++) {
                    assertEquals(0, qp.poll()); // polls 2..63: nothing completes, no deadline scan yet
                }
                long resetDeadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                assertTrue(qp.write(ns, 1, 1, buf.slice(512, 512), (t, s) -> {
                    status[1] = s;
                    calls[1]++;
                    // Inside the callback (the gate is held) until the Abort's own deadline resets the controller.
                    while (f.ctrl.state() != ControllerState.RESETTING && System.nanoTime() < resetDeadline) {
                        Thread.onSpinWait();
                    }
                }, 1));
                assertEquals(1, qp.poll(), "poll 64: the second write completes; then the deadline scan runs");
                assertEquals(ControllerState.RESETTING, f.ctrl.state(), "the Abort's deadline started a reset");
                assertTrue(qp.drain(Duration.ofSeconds(10)));
                assertEquals(0, status[0], Status.describe(status[0]) + ": the hung write was resubmitted and succeeded");
                assertEquals(0, status[1]);
                assertEquals(1, calls[0], "the hung write completed once");
                assertEquals(1, calls[1], "the other write completed once");
                Thread.sleep(300); // a second reset would come within a watchdog round or two
                qp.poll();
                assertAllSucceeded(writeAll(qp, ns, buf, 8));
                assertEquals(1, f.ctrl.counters().resets(), "one stall, one reset: " + f.ctrl.counters());
                assertEquals(ControllerState.READY, f.ctrl.state());
            }
        });
    }

    /**
     * A reset while the owner sits in a callback for longer than the reset waits for it (2 s):
     * the pair is not left half-alive (open, but with queues the reset deleted). It is closed
     * with a reason that says what happened; its outstanding command completes once with Command
     * Aborted By Host; the controller, and a new pair, work; no doorbell of a deleted queue is
     * rung (the mock would record it as a violation at close).
     */
    @Test
    void aResetWhileTheOwnerStaysInACallbackClosesThatPairWithAReason() {
        assertTimeoutPreemptively(BOUND, () -> {
            ControllerOptions opts = fastRecovery().toBuilder().ioTimeout(Duration.ofSeconds(10))
                    .adminTimeout(Duration.ofSeconds(2)).build();
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), opts);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                int[] status = {-1, -1};
                int[] calls = new int[2];
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(1), false);
                assertTrue(qp.read(ns, 0, 1, buf.slice(0, 512), (t, s) -> { status[1] = s; calls[1]++; }, 1));
                Thread resetter = new Thread(f.ctrl::reset, "resetter");
                long bound = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                assertTrue(qp.write(ns, 1, 1, buf.slice(512, 512), (t, s) -> {
                    status[0] = s;
                    calls[0]++;
                    resetter.start();
                    // Stay inside until the reset has given up waiting for this owner (2 s) and finished.
                    while (f.ctrl.state() != ControllerState.RESETTING && System.nanoTime() < bound) {
                        Thread.onSpinWait();
                    }
                    while (f.ctrl.state() == ControllerState.RESETTING && System.nanoTime() < bound) {
                        Thread.onSpinWait();
                    }
                }, 0));
                assertTrue(qp.poll() >= 1, "the write completes; its callback outlasts the reset");
                resetter.join(10_000);
                assertFalse(resetter.isAlive(), "Controller.reset returned");
                assertEquals(ControllerState.READY, f.ctrl.state());
                assertEquals(0, status[0]);
                qp.poll();
                assertEquals(1, calls[1], "the read the reset found in flight completed once");
                assertEquals(NvmeStatus.COMMAND_ABORTED_BY_HOST, NvmeStatus.of(status[1]), Status.describe(status[1]));
                assertEquals(0, qp.outstanding());
                IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> qp.write(ns, 2, 1, buf.slice(0, 512), (t, s) -> { }, 2));
                assertTrue(refused.getMessage().contains("reset") && refused.getMessage().contains("new queue pair"),
                        refused.getMessage());
                qp.close(); // already closed: a no-op
                try (IoQueuePair fresh = f.ctrl.createQueuePair(8, CompletionMode.POLL)) {
                    assertAllSucceeded(writeAll(fresh, ns, buf, 16));
                }
            }
        });
    }

    @Test
    void watchdogRecoversAQueueNobodyPollsAndNeverRunsItsCallbacks() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).times(1), false);
                Thread owner = Thread.currentThread();
                int[] status = {-1};
                Thread[] ranOn = new Thread[1];
                assertTrue(qp.write(f.ctrl.namespace(1), 0, 1, buf, (t, s) -> {
                    status[0] = s;
                    ranOn[0] = Thread.currentThread();
                }, 0));
                qp.flushSubmissions();
                // Nobody polls: the watchdog climbs the ladder up to the Abort on its own.
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (qp.counters().aborts() == 0 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                assertEquals(1, qp.counters().aborts());
                assertEquals(-1, status[0], "the callback waits for the owner's poll");
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                assertEquals(NvmeStatus.COMMAND_ABORT_REQUESTED, NvmeStatus.of(status[0]));
                assertEquals(owner, ranOn[0], "callbacks run on the owner thread");
            }
        });
    }

    /**
     * The deadline check reaps every completion waiting in the CQ when one command is late; a
     * command reaped that way before its own deadline is held too, and is counted (timeout,
     * missed interrupt) when its deadline passes, also when no other command is late by then.
     */
    @Test
    void aCompletionHeldBeforeItsDeadlineIsCountedWhenTheDeadlinePasses() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(2 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                int[] status = {-1, -1};
                assertTrue(qp.write(ns, 0, 1, buf.slice(0, 512), (t, s) -> status[0] = s, 0));
                qp.flushSubmissions();
                Thread.sleep(100); // half the I/O timeout (200 ms)
                assertTrue(qp.write(ns, 1, 1, buf.slice(512, 512), (t, s) -> status[1] = s, 1));
                qp.flushSubmissions(); // nobody polls: the first is late at 200 ms, the second only at 300 ms
                Thread.sleep(1_000);
                QueueCounters c = qp.counters();
                assertEquals(2, c.completed(), c.toString());
                assertEquals(2, c.missedInterrupts(), "both were late, both were in the CQ: " + c);
                assertEquals(2, c.timeouts(), c.toString());
                assertEquals(0, c.aborts(), c.toString());
                assertEquals(2, qp.poll());
                assertEquals(0, status[0] | status[1]);
            }
        });
    }

    /**
     * Recovery step 1 with the owner absent: three writes complete on the device while nobody
     * polls. The deadline check reaps the CQ itself (the pair's completed count moves, the
     * device's CQ slots are free), counts the missed interrupts and escalates nothing (no Abort,
     * no reset, however long the owner stays away); the callbacks wait for the owner's poll.
     */
    @Test
    void theTimeoutLadderReapsWaitingCompletionsItselfWhenTheOwnerIsAbsent() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(ExecutionMode.DETERMINISTIC), fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                int[] status = {-1, -1, -1};
                int[] calls = new int[3];
                Thread owner = Thread.currentThread();
                Thread[] ranOn = new Thread[3];
                for (int i = 0; i < 3; i++) {
                    int k = i;
                    assertTrue(qp.write(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> {
                        status[k] = s;
                        calls[k]++;
                        ranOn[k] = Thread.currentThread();
                    }, i));
                }
                qp.flushSubmissions(); // the device completes them; nobody polls
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (qp.counters().completed() < 3 && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                assertEquals(3, qp.counters().completed(), "the watchdog reaped the CQ: " + qp.counters());
                // Longer than the whole ladder (I/O timeout, re-ring, Abort, admin timeout): nothing escalates.
                Thread.sleep(1_000);
                QueueCounters c = qp.counters();
                assertEquals(0, c.aborts(), c.toString());
                assertEquals(0, f.ctrl.counters().resets(), f.ctrl.counters().toString());
                assertEquals(3, c.missedInterrupts(), c.toString());
                assertEquals(-1, status[0] & status[1] & status[2], "callbacks wait for the owner");
                assertEquals(3, qp.poll(), "the owner's poll delivers the three held completions");
                for (int i = 0; i < 3; i++) {
                    assertEquals(0, status[i], Status.describe(status[i]));
                    assertEquals(1, calls[i]);
                    assertEquals(owner, ranOn[i], "on the owner thread");
                }
                assertAllSucceeded(writeAll(qp, ns, buf, 12)); // trackers were released and are reused
            }
        });
    }

    /** The host abort and removed statuses, spelled once for the tests. */
    static final class QueuePairStatus {
        static final int HOST_ABORT = dev.nvme4j.queue.QueuePairControl.HOST_ABORT;
        static final int DEVICE_REMOVED = dev.nvme4j.queue.QueuePairControl.DEVICE_REMOVED;
    }
}
