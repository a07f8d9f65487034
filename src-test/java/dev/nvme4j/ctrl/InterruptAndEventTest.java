package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.CompletionMode;
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
