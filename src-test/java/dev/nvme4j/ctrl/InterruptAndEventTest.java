package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Completion modes on a threaded device, interrupt coalescing, and asynchronous events. */
class InterruptAndEventTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @ParameterizedTest
    @EnumSource(CompletionMode.class)
    void everyCompletionModeCompletesIo(CompletionMode mode) {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofMillis(1))
                    .namespace(NamespaceConfig.ram(1 << 16, 512)).build();
            try (MockFixture f = new MockFixture(cfg, RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(32, mode);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                assertEquals(mode, qp.mode());
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(qp, f.ctrl.namespace(1), buf, 500));
                if (mode == CompletionMode.INTERRUPT) {
                    assertTrue(qp.counters().interrupts() > 0, qp.counters().toString());
                }
                assertEquals(0, qp.counters().missedInterrupts());
            }
        });
    }

    @Test
    void interruptCoalescingIsSetOnTheController() {
        try (MockFixture f = MockFixture.defaults()) {
            f.ctrl.setInterruptCoalescing(2, 8);
            int dw0 = f.ctrl.getFeature(Opcodes.FEAT_INTERRUPT_COALESCING, 0);
            assertEquals(7, dw0 & 0xFF);
            assertEquals(2, (dw0 >>> 8) & 0xFF);
        }
    }

    @Test
    void asyncEventsReachTheListenerWithTheirLogPage() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC),
                    RecoveryTest.fastRecovery())) {
                BlockingQueue<AsyncEvent> events = new ArrayBlockingQueue<>(8);
                f.ctrl.setAsyncEventListener(events::add);
                f.mock.raiseSmartWarning(0x02);
                AsyncEvent e = events.poll(5, TimeUnit.SECONDS);
                assertEquals(AsyncEvent.TYPE_SMART_HEALTH, e.type());
                assertEquals(Opcodes.LOG_SMART_HEALTH, e.logPageId());
                assertEquals(0x02, e.logPage()[0]);
                f.mock.raiseNamespaceAttributeChanged(1);
                AsyncEvent n = events.poll(5, TimeUnit.SECONDS);
                assertEquals(AsyncEvent.TYPE_NOTICE, n.type());
                assertEquals(2, f.ctrl.counters().asyncEvents());
            }
        });
    }

    /**
     * A listener that takes 4 s over an event: surprise removal is still detected within a
     * watchdog round or two, and close returns at once.
     */
    @Test
    void aSlowListenerNeverDelaysFailureDetectionOrClose() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC), RecoveryTest.fastRecovery());
            CountDownLatch inListener = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            String[] listenerThread = new String[1];
            try {
                f.ctrl.setAsyncEventListener(e -> {
                    listenerThread[0] = Thread.currentThread().getName();
                    inListener.countDown();
                    try {
                        release.await(4, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                });
                f.mock.raiseSmartWarning(0x02);
                assertTrue(inListener.await(5, TimeUnit.SECONDS), "the listener was called");
                f.mock.faults().surpriseRemoval();
                long start = System.nanoTime();
                while (f.ctrl.state() != ControllerState.REMOVED && System.nanoTime() - start < 10_000_000_000L) {
                    Thread.sleep(1);
                }
                long detectMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(ControllerState.REMOVED, f.ctrl.state());
                assertTrue(detectMillis < 1_500, "removal detected after " + detectMillis + " ms, with the listener busy");
                start = System.nanoTime();
                f.ctrl.close();
                long closeMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(closeMillis < 1_500, "close took " + closeMillis + " ms, with the listener busy");
                assertFalse(listenerThread[0].contains("watchdog"), "listener ran on " + listenerThread[0]);
            } finally {
                release.countDown();
                f.ctrl.close();
                f.mock.close();
            }
        });
    }

    /**
     * A listener that does not return while 100 events arrive: 64 wait for it, the rest are
     * dropped and counted, nothing blocks, and once it returns events flow again (the dropped
     * events' log pages were read, so the controller keeps reporting).
     */
    @Test
    void eventsBeyondTheQueueOfAStuckListenerAreDroppedAndCounted() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC),
                    RecoveryTest.fastRecovery())) {
                CountDownLatch inListener = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);
                BlockingQueue<AsyncEvent> seen = new LinkedBlockingQueue<>();
                f.ctrl.setAsyncEventListener(e -> {
                    seen.add(e);
                    inListener.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                });
                f.mock.raiseSmartWarning(0x01);
                assertTrue(inListener.await(5, TimeUnit.SECONDS), "the listener was called");
                for (int i = 0; i < 99; i++) {
                    f.mock.raiseSmartWarning(0x01);
                }
                long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (f.ctrl.counters().asyncEvents() < 100 && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                assertEquals(100, f.ctrl.counters().asyncEvents(), "every event reached the host");
                assertEquals(100 - 1 - 64, f.ctrl.counters().asyncEventsDropped(), f.ctrl.counters().toString());
                release.countDown();
                until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (seen.size() < 65 && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                assertEquals(65, seen.size(), "the one in the listener and the 64 queued were delivered");
                f.mock.raiseNamespaceAttributeChanged(1);
                until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (seen.size() < 66 && System.nanoTime() < until) {
                    Thread.sleep(1);
                }
                assertEquals(66, seen.size(), "a later event is delivered");
                assertEquals(AsyncEvent.TYPE_NOTICE, new java.util.ArrayList<>(seen).get(65).type());
            }
        });
    }

    /**
     * HYBRID must block once its spin is over: a second of process() with nothing to complete
     * costs a hybrid owner almost no CPU (it sleeps in the interrupt wait, waking every 5 ms),
     * while a POLL owner, the control that shows the measurement can tell, burns what the
     * scheduler gives it. The thread state cannot show it: blocking on the eventfd is native.
     */
    @Test
    void hybridModeBlocksOnceItsSpinIsOver() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.THREADED), RecoveryTest.fastRecovery());
                 IoQueuePair hybrid = f.ctrl.createQueuePair(8, CompletionMode.HYBRID);
                 IoQueuePair poll = f.ctrl.createQueuePair(8, CompletionMode.POLL)) {
                java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                org.junit.jupiter.api.Assumptions.assumeTrue(mx.isCurrentThreadCpuTimeSupported());
                mx.setThreadCpuTimeEnabled(true);
                long[] hybridCpu = idleCpu(mx, hybrid);
                long[] pollCpu = idleCpu(mx, poll);
                double hybridShare = (double) hybridCpu[0] / hybridCpu[1];
                double pollShare = (double) pollCpu[0] / pollCpu[1];
                assertTrue(hybridShare < 0.15, "a HYBRID owner used " + Math.round(hybridShare * 100)
                        + "% of a core waiting for nothing (POLL: " + Math.round(pollShare * 100) + "%)");
                assertTrue(pollShare > 2 * hybridShare, "the measurement tells spinning from blocking: POLL "
                        + Math.round(pollShare * 100) + "%, HYBRID " + Math.round(hybridShare * 100) + "%");
            }
        });
    }

    /** CPU and wall nanoseconds of one second of process() with nothing outstanding. */
    private static long[] idleCpu(java.lang.management.ThreadMXBean mx, IoQueuePair qp) {
        long cpu = mx.getCurrentThreadCpuTime();
        long wall = System.nanoTime();
        assertEquals(0, qp.process(Duration.ofSeconds(1)));
        return new long[] {mx.getCurrentThreadCpuTime() - cpu, System.nanoTime() - wall};
    }

    @Test
    void hybridModeSpinsThenBlocks() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.THREADED), RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.HYBRID)) {
                Namespace ns = f.ctrl.namespace(1);
                long start = System.nanoTime();
                assertEquals(0, qp.process(Duration.ofMillis(30)), "nothing outstanding: times out");
                assertTrue(System.nanoTime() - start >= Duration.ofMillis(29).toNanos());
                try (DmaBuffer buf = f.ctrl.allocateBuffer(512)) {
                    qp.writeSync(ns, 1, 1, buf);
                }
            }
        });
    }
}
