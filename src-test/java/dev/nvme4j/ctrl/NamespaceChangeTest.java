package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Namespaces attached, detached and resized while the controller runs, found by the event or by a rescan. */
class NamespaceChangeTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    /** Records both kinds of callback, in order. */
    static final class Recorder implements AsyncEventListener {
        final BlockingQueue<Object> calls = new ArrayBlockingQueue<>(32);

        @Override
        public void onEvent(AsyncEvent event) {
            calls.add(event);
        }

        @Override
        public void onNamespacesChanged(NamespaceChanges changes) {
            calls.add(changes);
        }

        <T> T next(Class<T> type) throws InterruptedException {
            Object o = calls.poll(10, TimeUnit.SECONDS);
            assertNotNull(o, "a " + type.getSimpleName() + " reaches the listener");
            assertTrue(type.isInstance(o), "expected a " + type.getSimpleName() + ", got " + o);
            return type.cast(o);
        }
    }

    static MockConfig twoNamespaces(ExecutionMode mode) {
        return MockConfig.builder().mode(mode).nn(8).namespace(NamespaceConfig.ram(1 << 16, 512))
                .namespace(NamespaceConfig.ram(1 << 12, 4096)).build();
    }

    @Test
    void attachDetachAndResizeAreFoundThroughTheAsyncEvent() {
        assertTimeoutPreemptively(BOUND, () -> {
            jdk.jfr.Recording recording = new jdk.jfr.Recording();
            recording.enable("dev.nvme4j.NamespaceChange");
            recording.start();
            try (MockFixture f = new MockFixture(twoNamespaces(ExecutionMode.DETERMINISTIC), RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 1024)) {
                Recorder rec = new Recorder();
                f.ctrl.setAsyncEventListener(rec);
                Namespace two = f.ctrl.namespace(2);

                int nsid = f.mock.attachNamespace(NamespaceConfig.ram(1 << 10, 512));
                assertEquals(3, nsid);
                AsyncEvent e = rec.next(AsyncEvent.class);
                assertEquals(AsyncEvent.TYPE_NOTICE, e.type());
                assertEquals(Opcodes.LOG_CHANGED_NAMESPACE_LIST, e.logPageId());
                NamespaceChanges added = rec.next(NamespaceChanges.class);
                assertEquals(List.of(3), added.added().stream().map(Namespace::nsid).toList());
                assertEquals(1 << 10, added.added().get(0).sizeBlocks());
                assertTrue(added.removed().isEmpty() && added.changed().isEmpty(), added.toString());
                assertEquals(List.of(1, 2, 3), f.ctrl.namespaces().stream().map(Namespace::nsid).toList());
                qp.writeSync(f.ctrl.namespace(3), 0, 1, buf);

                f.mock.resizeNamespace(1, 1 << 17);
                rec.next(AsyncEvent.class);
                NamespaceChanges resized = rec.next(NamespaceChanges.class);
                assertEquals(1, resized.changed().size(), resized.toString());
                assertEquals(1 << 17, resized.changed().get(0).sizeBlocks());
                assertEquals(1 << 17, f.ctrl.namespace(1).sizeBlocks(), "the namespace reports its new size");
                qp.writeSync(f.ctrl.namespace(1), (1 << 17) - 1, 1, buf); // the last block of the new size

                f.mock.detachNamespace(2);
                rec.next(AsyncEvent.class);
                NamespaceChanges removed = rec.next(NamespaceChanges.class);
                assertEquals(List.of(two), removed.removed());
                assertThrows(IllegalArgumentException.class, () -> f.ctrl.namespace(2));
                NvmeException gone = assertThrows(NvmeException.class, () -> qp.readSync(two, 0, 1, buf));
                assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT, gone.nvmeStatus(),
                        "I/O to a removed namespace fails with a clear status: " + gone.getMessage());
                assertEquals(3, f.ctrl.counters().namespaceChanges());
            }
            recording.stop();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("nvme4j", ".jfr");
            recording.dump(file);
            List<String> changes = jdk.jfr.consumer.RecordingFile.readAllEvents(file).stream()
                    .filter(ev -> ev.getEventType().getName().equals("dev.nvme4j.NamespaceChange"))
                    .map(ev -> ev.getInt("nsid") + " " + ev.getString("change")).toList();
            java.nio.file.Files.delete(file);
            assertEquals(List.of("3 added", "1 changed", "2 removed"), changes);
        });
    }

    @Test
    void commandsInFlightToADetachedNamespaceCompleteOnceWithTheStatus() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofMillis(5))
                    .nn(4).namespace(NamespaceConfig.ram(1 << 16, 512)).namespace(NamespaceConfig.ram(1 << 16, 512))
                    .build();
            try (MockFixture f = new MockFixture(cfg, RecoveryTest.fastRecovery());
                 IoQueuePair qp = f.ctrl.createQueuePair(64, CompletionMode.POLL);
                 DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512)) {
                Namespace two = f.ctrl.namespace(2);
                int n = 32;
                int[] calls = new int[n];
                int[] status = new int[n];
                for (int i = 0; i < n; i++) {
                    assertTrue(qp.write(two, i, 1, buf.slice(i * 512L, 512), (tag, st) -> {
                        calls[(int) tag]++;
                        status[(int) tag] = st;
                    }, i));
                }
                f.mock.detachNamespace(2);
                assertTrue(qp.drain(Duration.ofSeconds(10)));
                int failed = 0;
                for (int i = 0; i < n; i++) {
                    assertEquals(1, calls[i], "command " + i + " completed exactly once");
                    if (status[i] != 0) {
                        assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT, NvmeStatus.of(status[i]));
                        failed++;
                    }
                }
                assertTrue(failed > 0, "the commands after the detach failed");
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (f.ctrl.namespaces().size() != 1 && System.nanoTime() < until) {
                    Thread.sleep(5);
                }
                assertEquals(List.of(1), f.ctrl.namespaces().stream().map(Namespace::nsid).toList());
            }
        });
    }

    @Test
    void rescanFindsChangesMadeWithoutAnEvent() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(twoNamespaces(ExecutionMode.DETERMINISTIC), RecoveryTest.fastRecovery())) {
                // Namespace Attribute Changed notices off (AEC bit 8): the driver hears nothing.
                f.ctrl.setFeature(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0xFF);
                Recorder rec = new Recorder();
                f.ctrl.setAsyncEventListener(rec);
                Namespace two = f.ctrl.namespace(2);
                assertEquals(3, f.mock.attachNamespace(NamespaceConfig.ram(100, 4096)));
                f.mock.detachNamespace(2);
                f.mock.resizeNamespace(1, 1 << 17);
                Thread.sleep(100);
                assertEquals(List.of(1, 2), f.ctrl.namespaces().stream().map(Namespace::nsid).toList(),
                        "without the event the driver has not noticed");
                NamespaceChanges c = f.ctrl.rescanNamespaces();
                assertEquals(List.of(3), c.added().stream().map(Namespace::nsid).toList());
                assertEquals(100, c.added().get(0).sizeBlocks());
                assertEquals(4096, c.added().get(0).lbaSize());
                assertEquals(List.of(two), c.removed());
                assertEquals(List.of(1), c.changed().stream().map(Namespace::nsid).toList());
                assertEquals(1 << 17, f.ctrl.namespace(1).sizeBlocks());
                assertEquals(List.of(1, 3), f.ctrl.namespaces().stream().map(Namespace::nsid).toList());
                assertEquals(c, rec.next(NamespaceChanges.class), "the listener is told");
                assertEquals(3, f.ctrl.counters().namespaceChanges());
                assertTrue(f.ctrl.rescanNamespaces().isEmpty(), "a second rescan finds nothing new");
                assertEquals(3, f.ctrl.counters().namespaceChanges());
                assertTrue(rec.calls.isEmpty(), "nothing to tell: " + rec.calls);
            }
        });
    }

    @Test
    void aResetIdentifiesTheNamespacesAgain() {
        assertTimeoutPreemptively(BOUND, () -> {
            try (MockFixture f = new MockFixture(twoNamespaces(ExecutionMode.DETERMINISTIC), RecoveryTest.fastRecovery())) {
                // No notices (AEC bit 8 off, and so after the reset too): only the reset's rescan can find it.
                f.ctrl.setFeature(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0xFF);
                Recorder rec = new Recorder();
                f.ctrl.setAsyncEventListener(rec);
                Namespace two = f.ctrl.namespace(2);
                f.mock.detachNamespace(2);
                f.ctrl.reset();
                assertEquals(List.of(1), f.ctrl.namespaces().stream().map(Namespace::nsid).toList());
                NamespaceChanges c = rec.next(NamespaceChanges.class);
                assertEquals(List.of(two), c.removed());
                assertEquals(0xFF, f.ctrl.getFeature(Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0));
            }
        });
    }

    @Test
    void rescanOfAClosedControllerIsRefusedClearly() {
        MockFixture f = MockFixture.defaults();
        f.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, f.ctrl::rescanNamespaces);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void rescanRacingCloseEitherFinishesOrSaysTheControllerClosed() {
        assertTimeoutPreemptively(BOUND, () -> {
            for (int round = 0; round < 5; round++) {
                MockFixture f = new MockFixture(twoNamespaces(ExecutionMode.THREADED), RecoveryTest.fastRecovery());
                Thread closer = new Thread(f::close);
                BlockingQueue<Object> outcome = new ArrayBlockingQueue<>(1);
                Thread scanner = new Thread(() -> {
                    try {
                        outcome.add(f.ctrl.rescanNamespaces());
                    } catch (RuntimeException ex) {
                        outcome.add(ex);
                    }
                });
                scanner.start();
                closer.start();
                Object o = outcome.poll(15, TimeUnit.SECONDS);
                closer.join(15_000);
                assertNotNull(o, "the rescan returned");
                if (o instanceof RuntimeException ex) {
                    assertTrue(ex instanceof IllegalStateException && ex.getMessage().contains("closed"),
                            "a rescan cut short by close says so: " + ex);
                } else {
                    assertTrue(((NamespaceChanges) o).isEmpty(), o.toString());
                }
                assertEquals(ControllerState.CLOSED, f.ctrl.state());
            }
        });
    }
}
