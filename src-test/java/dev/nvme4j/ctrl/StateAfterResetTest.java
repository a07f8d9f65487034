package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FeatureRestoreFailure;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the driver and the application configured survives every kind of controller reset. */
class StateAfterResetTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int[] FEATURES = {Opcodes.FEAT_ARBITRATION, Opcodes.FEAT_VOLATILE_WRITE_CACHE,
            Opcodes.FEAT_NUMBER_OF_QUEUES, Opcodes.FEAT_INTERRUPT_COALESCING, Opcodes.FEAT_ASYNC_EVENT_CONFIG};

    static Map<Integer, Integer> readFeatures(dev.nvme4j.api.Controller c) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (int fid : FEATURES) {
            m.put(fid, c.getFeature(fid, 0));
        }
        return m;
    }

    static void waitForResets(MockFixture f, long n) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((f.ctrl.counters().resets() < n || f.ctrl.state() != dev.nvme4j.api.ControllerState.READY)
                && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(n, f.ctrl.counters().resets(), "resets");
    }

    @Test
    void fatalStatusResetKeepsFeaturesAndAsyncEventsAndQueuePairs() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC),
                    RecoveryTest.fastRecovery());
                 IoQueuePair polled = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 IoQueuePair irq = f.ctrl.createQueuePair(16, CompletionMode.INTERRUPT);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                BlockingQueue<AsyncEvent> events = new ArrayBlockingQueue<>(8);
                f.ctrl.setAsyncEventListener(events::add);
                f.ctrl.setInterruptCoalescing(3, 7);
                f.ctrl.setFeature(Opcodes.FEAT_ARBITRATION, 0x0302_0103);
                f.ctrl.setFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0);
                Map<Integer, Integer> before = readFeatures(f.ctrl);
                assertEquals(0x1FF, before.get(Opcodes.FEAT_ASYNC_EVENT_CONFIG));
                assertEquals(0x306, before.get(Opcodes.FEAT_INTERRUPT_COALESCING));

                f.mock.faults().setControllerFatalStatus();
                waitForResets(f, 1);

                assertEquals(before, readFeatures(f.ctrl), "features read back after the reset");
                f.mock.raiseSmartWarning(0x02);
                AsyncEvent e = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(e, "a SMART warning raised after the reset reaches the listener");
                assertEquals(AsyncEvent.TYPE_SMART_HEALTH, e.type());
                assertEquals(8, polled.depth());
                assertEquals(16, irq.depth());
                assertEquals(CompletionMode.INTERRUPT, irq.mode());
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(polled, f.ctrl.namespace(1), buf, 16));
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(irq, f.ctrl.namespace(1), buf, 16));
            }
        });
    }

    @Test
    void anInterruptModePairGetsItsInterruptsAfterTheReset() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofMillis(1))
                    .namespace(NamespaceConfig.ram(1 << 16, 512)).build();
            try (MockFixture f = new MockFixture(cfg, RecoveryTest.fastRecovery());
                 IoQueuePair polled = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 IoQueuePair irq = f.ctrl.createQueuePair(32, CompletionMode.INTERRUPT);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.ctrl.reset();
                long before = irq.counters().interrupts();
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(irq, f.ctrl.namespace(1), buf, 200));
                assertTrue(irq.counters().interrupts() > before, "the re-created CQ signals its vector: " + irq.counters());
                assertEquals(0, irq.counters().missedInterrupts(), irq.counters().toString());
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(polled, f.ctrl.namespace(1), buf, 16));
            }
        });
    }

    @Test
    void explicitResetRestoresFeaturesResubmitsInFlightIoAndIsReported() {
        assertTimeoutPreemptively(BOUND, () -> {
            jdk.jfr.Recording recording = new jdk.jfr.Recording();
            recording.enable("dev.nvme4j.FeatureRestore");
            recording.start();
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.THREADED), RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(32, CompletionMode.HYBRID);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                BlockingQueue<AsyncEvent> events = new ArrayBlockingQueue<>(8);
                f.ctrl.setAsyncEventListener(events::add);
                f.ctrl.setInterruptCoalescing(3, 7);
                f.ctrl.setFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0);
                Map<Integer, Integer> before = readFeatures(f.ctrl);
                f.ctrl.reset();
                assertEquals(dev.nvme4j.api.ControllerState.READY, f.ctrl.state());
                assertEquals(1, f.ctrl.counters().resets());
                // AEC (driver), coalescing and VWC (application): three features, set again once each.
                assertEquals(3, f.ctrl.counters().featuresRestored());
                assertEquals(0, f.ctrl.counters().featureRestoreFailures());
                assertEquals(List.of(), f.ctrl.featureRestoreFailures());
                assertEquals(before, readFeatures(f.ctrl));
                f.ctrl.reset();
                assertEquals(2, f.ctrl.counters().resets());
                assertEquals(before, readFeatures(f.ctrl));
                f.mock.raiseSmartWarning(0x01);
                AsyncEvent e = events.poll(5, TimeUnit.SECONDS);
                assertNotNull(e, "an event raised after the reset reaches the listener");
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(qp, f.ctrl.namespace(1), buf, 64));
            }
            recording.stop();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("nvme4j", ".jfr");
            recording.dump(file);
            List<jdk.jfr.consumer.RecordedEvent> restores = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
                    .filter(ev -> ev.getEventType().getName().equals("dev.nvme4j.FeatureRestore")).toList();
            java.nio.file.Files.delete(file);
            assertEquals(6, restores.size(), restores.toString());
            assertTrue(restores.stream().allMatch(ev -> ev.getBoolean("restored")), restores.toString());
        });
    }

    @Test
    void resetWithCommandsInFlightCompletesEachExactlyOnce() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofMillis(2))
                    .namespace(NamespaceConfig.ram(1 << 16, 512)).build();
            try (MockFixture f = new MockFixture(cfg, RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(64, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                int n = 32;
                int[] calls = new int[n];
                int[] status = new int[n];
                for (int i = 0; i < n; i++) {
                    assertTrue(qp.write(f.ctrl.namespace(1), i, 1, buf.slice(i * 512L, 512), (tag, st) -> {
                        calls[(int) tag]++;
                        status[(int) tag] = st;
                    }, i));
                }
                f.ctrl.reset();
                assertTrue(qp.drain(Duration.ofSeconds(10)));
                for (int i = 0; i < n; i++) {
                    assertEquals(1, calls[i], "command " + i + " completed exactly once");
                    assertEquals(0, status[i], "command " + i + " was resubmitted after the reset and succeeded");
                }
            }
        });
    }

    @Test
    void timeoutLadderResetRestoresFeatures() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC),
                    RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                f.ctrl.setInterruptCoalescing(3, 7);
                f.ctrl.setFeature(Opcodes.FEAT_ARBITRATION, 0x0302_0103);
                Map<Integer, Integer> before = readFeatures(f.ctrl);
                f.mock.faults().hangCommands(FaultMatch.any().queue(1).times(1), true);
                RecoveryTest.assertAllSucceeded(RecoveryTest.writeAll(qp, f.ctrl.namespace(1), buf, 4));
                assertEquals(1, f.ctrl.counters().resets(), "the hung command went up the ladder to a reset");
                waitForResets(f, 1);
                assertEquals(before, readFeatures(f.ctrl));
            }
        });
    }

    @Test
    void aFeatureTheControllerRefusesAfterTheResetIsReportedAndTheRestIsRestored() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC),
                    RecoveryTest.fastRecovery())) {
                f.ctrl.setFeature(Opcodes.FEAT_ARBITRATION, 0x0302_0103);
                f.ctrl.setInterruptCoalescing(3, 7);
                f.mock.faults().refuseFeature(Opcodes.FEAT_ARBITRATION, Status.of(0, 0x02, true));
                f.ctrl.reset();
                assertEquals(dev.nvme4j.api.ControllerState.READY, f.ctrl.state());
                List<FeatureRestoreFailure> failed = f.ctrl.featureRestoreFailures();
                assertEquals(1, failed.size(), failed.toString());
                assertEquals(Opcodes.FEAT_ARBITRATION, failed.get(0).featureId());
                assertEquals(0x0302_0103, failed.get(0).value());
                assertTrue(failed.get(0).toString().contains("Arbitration"), failed.get(0).toString());
                assertTrue(failed.get(0).reason().contains("Invalid Field in Command"), failed.get(0).reason());
                assertEquals(1, f.ctrl.counters().featureRestoreFailures());
                assertEquals(2, f.ctrl.counters().featuresRestored());
                assertEquals(0x306, f.ctrl.getFeature(Opcodes.FEAT_INTERRUPT_COALESCING, 0));
                assertEquals(0x1FF, f.ctrl.getFeature(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0));
                f.mock.faults().clear();
                f.ctrl.reset();
                assertEquals(List.of(), f.ctrl.featureRestoreFailures(), "the next reset restored it");
                assertEquals(0x0302_0103, f.ctrl.getFeature(Opcodes.FEAT_ARBITRATION, 0));
            }
        });
    }

    @Test
    void aRefusedSetFeatureIsNotRestored() {
        try (MockFixture f = MockFixture.defaults()) {
            assertThrows(NvmeException.class, () -> f.ctrl.setFeature(0x7E, 1));
            assertThrows(NvmeException.class, () -> f.ctrl.setFeature(Opcodes.FEAT_ARBITRATION | 0x8000_0000, 1));
            f.ctrl.reset();
            assertEquals(1, f.ctrl.counters().featuresRestored(), "only the driver's AEC");
            assertEquals(0, f.ctrl.getFeature(Opcodes.FEAT_ARBITRATION, 0));
        }
    }

    @Test
    void resetFromTheAsyncEventListenerRuns() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC),
                    RecoveryTest.fastRecovery())) {
                BlockingQueue<Object> done = new ArrayBlockingQueue<>(4);
                f.ctrl.setAsyncEventListener(e -> {
                    try {
                        f.ctrl.reset();
                        done.add(f.ctrl.state());
                    } catch (RuntimeException ex) {
                        done.add(ex);
                    }
                });
                f.mock.raiseSmartWarning(0x04);
                assertEquals(dev.nvme4j.api.ControllerState.READY, done.poll(10, TimeUnit.SECONDS));
                assertEquals(1, f.ctrl.counters().resets());
            }
        });
    }

    @Test
    void resetOfAClosedOrFailedControllerIsRefusedClearly() {
        MockFixture f = MockFixture.defaults();
        f.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, f.ctrl::reset);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertTimeoutPreemptively(BOUND, () -> {
            MockFixture g = new MockFixture(RecoveryTest.config(ExecutionMode.DETERMINISTIC), RecoveryTest.fastRecovery());
            try {
                g.mock.faults().surpriseRemoval();
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (g.ctrl.state() != dev.nvme4j.api.ControllerState.REMOVED && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                IllegalStateException removed = assertThrows(IllegalStateException.class, g.ctrl::reset);
                assertTrue(removed.getMessage().contains("device removed") && removed.getMessage().contains("all-ones"),
                        removed.getMessage());
            } finally {
                g.ctrl.close();
                g.mock.close();
            }
        });
    }
}
