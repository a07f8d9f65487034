package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Failure paths of one queue pair: a dead controller, throwing callbacks, closes at awkward moments.
 * Retries of failed commands are in {@link CommandRetryTest}.
 */
class QueueFailurePathsTest {
    static final Duration BOUND = Duration.ofSeconds(30);

    static ControllerOptions options(Duration ioTimeout) {
        return ControllerOptions.builder().ioTimeout(ioTimeout).adminTimeout(Duration.ofMillis(400))
                .watchdogPeriod(Duration.ofMillis(10)).shutdownTimeout(Duration.ofSeconds(2)).build();
    }

    static MockConfig config() {
        return MockConfig.builder().mode(ExecutionMode.DETERMINISTIC).namespace(NamespaceConfig.ram(1 << 16, 512))
                .build();
    }

    /**
     * Depth 17, all 16 slots in flight, surprise removal (the controller ends REMOVED, which fails
     * commands as FAILED does, with Host Pathing Error): afterwards the pair must not stay
     * "full" (the SQ head never came back from the dead device); new I/O is accepted and fails
     * at once, and a synchronous read fails fast naming the failed state, not after the I/O timeout.
     */
    @Test
    void aFullQueueOnAFailedControllerAcceptsAndFailsNewIoAtOnce() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(10)));
            try (IoQueuePair qp = f.ctrl.createQueuePair(17, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(16 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                f.mock.faults().hangCommands(FaultMatch.any().queue(1), false);
                int[] status = new int[16];
                int[] calls = new int[16];
                for (int i = 0; i < 16; i++) {
                    int k = i;
                    assertTrue(qp.read(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> { status[k] = s; calls[k]++; }, i));
                }
                qp.poll();
                f.mock.faults().surpriseRemoval();
                assertTrue(qp.drain(Duration.ofSeconds(5)), "the 16 in flight fail");
                for (int i = 0; i < 16; i++) {
                    assertEquals(1, calls[i]);
                    assertEquals(NvmeStatus.HOST_PATHING_ERROR, NvmeStatus.of(status[i]));
                }
                assertEquals(ControllerState.REMOVED, f.ctrl.state());
                assertEquals(0, control(f, qp).commandQueue().sqOccupancy(),
                        "the dead SQ's entries no longer count as occupying it");

                // The whole depth is usable again: 16 new reads are accepted without a poll in between.
                int[] late = new int[16];
                for (int i = 0; i < 16; i++) {
                    int k = i;
                    assertTrue(qp.read(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> late[k] = s, i),
                            "read " + i + " on the failed controller is accepted, not refused as 'queue full'");
                }
                assertEquals(16, qp.poll(), "and all complete at the next poll");
                for (int i = 0; i < 16; i++) {
                    assertEquals(NvmeStatus.HOST_PATHING_ERROR, NvmeStatus.of(late[i]));
                }

                long start = System.nanoTime();
                NvmeException e = assertThrows(NvmeException.class, () -> qp.readSync(ns, 0, 1, buf.slice(0, 512)));
                long took = System.nanoTime() - start;
                assertTrue(took < Duration.ofSeconds(2).toNanos(), "readSync failed fast, not after the I/O timeout: "
                        + took / 1_000_000 + " ms");
                assertTrue(e.getMessage().contains("removed") && e.getMessage().contains("all-ones"),
                        "names the failed state and its reason: " + e.getMessage());
            } finally {
                f.ctrl.close();
                f.mock.close();
            }
        });
    }

    /**
     * One callback of a batch throws an Error: every other completion of the batch is still
     * delivered, exactly once, with its real status and without any recovery; then poll rethrows
     * the Error. A RuntimeException is only counted (and logged once). Both show in the counters.
     */
    @Test
    void aCallbackThatThrowsAnErrorLosesNothingElseOfItsBatch() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofMillis(300)));
                 IoQueuePair qp = f.ctrl.createQueuePair(32, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(16 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                int[] status = new int[16];
                int[] calls = new int[16];
                java.util.Arrays.fill(status, -1);
                for (int i = 0; i < 16; i++) {
                    int k = i;
                    assertTrue(qp.read(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> {
                        status[k] = s;
                        calls[k]++;
                        if (k == 3) {
                            throw new AssertionError("callback 3 fails");
                        }
                        if (k == 9) {
                            throw new IllegalStateException("callback 9 fails");
                        }
                    }, i));
                }
                qp.flushSubmissions();
                AssertionError e = assertThrows(AssertionError.class, qp::poll, "poll rethrows the Error");
                assertEquals("callback 3 fails", e.getMessage());
                for (int i = 0; i < 16; i++) {
                    assertEquals(1, calls[i], "callback " + i + " ran exactly once, in the same poll");
                    assertEquals(0, status[i], "command " + i + " kept its real status");
                }
                assertEquals(0, qp.outstanding());
                Thread.sleep(600); // past the I/O timeout: nothing may be recovered or re-executed
                assertEquals(0, qp.poll());
                dev.nvme4j.api.QueueCounters c = qp.counters();
                assertEquals(2, c.callbackFailures(), c.toString());
                assertEquals(0, c.timeouts(), c.toString());
                assertEquals(0, c.aborts(), c.toString());
                assertEquals(16, c.submitted(), c.toString());
                assertEquals(0, f.ctrl.counters().resets());
                assertEquals(16, f.mock.counters().ioCommands(), "each command ran once on the device");
            }
        });
    }

    /**
     * More completions than one batch are waiting when the pair is closed: every one of them
     * is delivered with the device's status, none is reported as aborted by the host.
     */
    @Test
    void closeDeliversEveryPostedCompletionNotOnlyOneBatch() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 DmaBuffer buf = f.ctrl.allocateBuffer(200 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                IoQueuePair qp = f.ctrl.createQueuePair(256, CompletionMode.POLL);
                int n = 200;
                int[] status = new int[n];
                java.util.Arrays.fill(status, -1);
                for (int i = 0; i < n; i++) {
                    int k = i;
                    assertTrue(qp.write(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> status[k] = s, i));
                }
                qp.flushSubmissions(); // the device completes them; nobody polls
                qp.close();
                for (int i = 0; i < n; i++) {
                    assertEquals(0, status[i], "command " + i + ": " + dev.nvme4j.api.Status.describe(status[i]));
                }
            }
        });
    }

    /**
     * A stale completion (a copy of an earlier command's entry, arriving after its CID was
     * reused) must not complete the CID's new command: the new command completes only with its
     * own entry, the stale one is dropped and counted.
     */
    @Test
    void aStaleCompletionNeverCompletesTheNextCommandOfItsCid() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(10)));
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(2 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                buf.segment().fill((byte) 0x5A);
                qp.writeSync(ns, 1, 1, buf.slice(512, 512));
                // A's completion is posted again 300 ms later; B (same CID, reused at once) takes 1.2 s.
                f.mock.faults().duplicateCompletions(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(1),
                        Duration.ofMillis(300));
                qp.readSync(ns, 0, 1, buf.slice(0, 512));
                f.mock.faults().delayCompletions(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(1),
                        Duration.ofMillis(1200));
                buf.segment().asSlice(512, 512).fill((byte) 0);
                long[] doneAt = {0};
                int[] st = {-1};
                int[] calls = {0};
                long start = System.nanoTime();
                assertTrue(qp.read(ns, 1, 1, buf.slice(512, 512), (t, s) -> {
                    doneAt[0] = System.nanoTime();
                    st[0] = s;
                    calls[0]++;
                }, 7));
                assertTrue(qp.drain(Duration.ofSeconds(8)));
                long took = (doneAt[0] - start) / 1_000_000;
                assertTrue(took >= 1000, "B completed by its own entry (1.2 s), not A's stale one (0.3 s): " + took
                        + " ms");
                assertEquals(0, st[0]);
                assertEquals(1, calls[0]);
                assertEquals(0x5A, buf.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, 512) & 0xFF,
                        "B's data arrived");
                assertEquals(1, qp.counters().staleCompletions(), qp.counters().toString());
                qp.readSync(ns, 1, 1, buf.slice(512, 512)); // the queue goes on normally
                assertEquals(1, qp.counters().staleCompletions());
            }
        });
    }

    /** Duplicate entries right behind the originals (the same batch): each command completes once. */
    @Test
    void duplicateCompletionsInTheSameBatchAreDroppedAndCounted() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(10)));
                 IoQueuePair qp = f.ctrl.createQueuePair(32, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(8 * 512)) {
                Namespace ns = f.ctrl.namespace(1);
                f.mock.faults().duplicateCompletions(FaultMatch.any().queue(1).times(8), Duration.ZERO);
                int[] calls = new int[8];
                int[] st = new int[8];
                for (int i = 0; i < 8; i++) {
                    int k = i;
                    assertTrue(qp.read(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> { calls[k]++; st[k] = s; }, i));
                }
                assertTrue(qp.drain(Duration.ofSeconds(5)));
                for (int i = 0; i < 8; i++) {
                    assertEquals(1, calls[i], "command " + i + " completed once");
                    assertEquals(0, st[i]);
                }
                assertEquals(8, qp.counters().staleCompletions(), qp.counters().toString());
                assertEquals(8, qp.counters().completed(), "only real completions count as completed");
            }
        });
    }

    /** Eight reads completed by the device in one batch; callback 0 runs {@code inCallback} first. */
    private static final class Batch {
        final int[] status = new int[8];
        final int[] calls = new int[8];
        final Thread[] ranOn = new Thread[8];

        Batch(IoQueuePair qp, Namespace ns, DmaBuffer buf, Runnable inCallback) {
            java.util.Arrays.fill(status, -1);
            for (int i = 0; i < 8; i++) {
                int k = i;
                assertTrue(qp.read(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> {
                    if (k == 0) {
                        inCallback.run();
                    }
                    status[k] = s;
                    calls[k]++;
                    ranOn[k] = Thread.currentThread();
                }, i));
            }
        }

        void assertAllDeliveredOnce(Thread owner) {
            for (int i = 0; i < 8; i++) {
                assertEquals(1, calls[i], "callback " + i + " ran once");
                assertEquals(0, status[i], "command " + i + " kept the device's status: "
                        + dev.nvme4j.api.Status.describe(status[i]));
                assertEquals(owner, ranOn[i], "callback " + i + " ran on the owner thread");
            }
        }
    }

    /** The controller's handle on {@code qp} (the application's reference offers only the API). */
    private static QueuePairControl control(MockFixture f, IoQueuePair qp) {
        return ((NvmeController) f.ctrl).pairControl(qp.queueId());
    }

    /** Runs {@code work} on a new owner thread; returns what it threw (null if nothing). */
    private static Throwable[] runOwner(Runnable work, Thread[] thread) {
        Throwable[] thrown = new Throwable[1];
        thread[0] = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        }, "owner");
        thread[0].start();
        return thrown;
    }

    /**
     * The owner thread polls a batch of 8 completed reads and sits in callback 0 until
     * {@code close} (run here, on another thread) has returned: close must be bounded and must
     * not run callbacks beside the owner; the owner's batch is delivered in full with the
     * device's statuses, nothing comes out of its poll, and its poll finishes the close.
     */
    private static void closeDuringALongCallback(MockFixture f, IoQueuePair qp, Runnable close) throws Exception {
        QueuePairControl control = control(f, qp);
        try (DmaBuffer buf = f.ctrl.allocateBuffer(8 * 512)) {
            java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
            Batch b = new Batch(qp, f.ctrl.namespace(1), buf, () -> {
                inside.countDown();
                await(closed, 15);
            });
            qp.flushSubmissions();
            Thread[] owner = new Thread[1];
            Throwable[] thrown = runOwner(qp::poll, owner);
            assertTrue(inside.await(5, java.util.concurrent.TimeUnit.SECONDS));
            long start = System.nanoTime();
            close.run();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "close is bounded");
            closed.countDown();
            owner[0].join(10_000);
            assertEquals(null, thrown[0], "nothing comes out of the owner's poll");
            b.assertAllDeliveredOnce(owner[0]);
            assertEquals(0, qp.outstanding());
            assertTrue(control.isClosed());
        }
    }

    /** The pair is closed from another thread while its owner sits in a long callback. */
    @Test
    void closeFromAnotherThreadDuringALongCallbackLeavesTheBatchToTheOwner() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofMillis(500)))) {
                IoQueuePair qp = f.ctrl.createQueuePair(32, CompletionMode.POLL);
                closeDuringALongCallback(f, qp, qp::close);
                try (IoQueuePair again = f.ctrl.createQueuePair(8, CompletionMode.POLL)) {
                    assertEquals(qp.queueId(), again.queueId(), "the close finished: its queue id is free again");
                }
            }
        });
    }

    /** The same with the whole controller closed from another thread. */
    @Test
    void controllerCloseFromAnotherThreadDuringALongCallbackLeavesTheBatchToTheOwner() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockFixture f = new MockFixture(config(), options(Duration.ofMillis(500)));
            try {
                closeDuringALongCallback(f, f.ctrl.createQueuePair(32, CompletionMode.POLL), f.ctrl::close);
                f.mock.assertNoViolations();
            } finally {
                f.mock.close();
            }
        });
    }

    /** Controller.close() from inside a callback is refused clearly; the batch is not disturbed. */
    @Test
    void controllerCloseInsideACallbackIsRefusedAndTheBatchIsDelivered() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(config(), options(Duration.ofSeconds(5)));
                 DmaBuffer buf = f.ctrl.allocateBuffer(8 * 512)) {
                IoQueuePair qp = f.ctrl.createQueuePair(32, CompletionMode.POLL);
                RuntimeException[] refused = new RuntimeException[1];
                Batch b = new Batch(qp, f.ctrl.namespace(1), buf, () -> {
                    try {
                        f.ctrl.close();
                    } catch (IllegalStateException e) {
                        refused[0] = e;
                    }
                });
                qp.flushSubmissions();
                assertEquals(8, qp.poll(), "no exception out of poll");
                b.assertAllDeliveredOnce(Thread.currentThread());
                assertTrue(refused[0] != null && refused[0].getMessage().contains("callback"),
                        "refused, saying why: " + refused[0]);
                assertEquals(ControllerState.READY, f.ctrl.state(), "the controller is still open");
                qp.readSync(f.ctrl.namespace(1), 0, 1, buf.slice(0, 512));
                qp.close();
            }
        });
    }

    private static void await(java.util.concurrent.CountDownLatch latch, int seconds) {
        try {
            latch.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
