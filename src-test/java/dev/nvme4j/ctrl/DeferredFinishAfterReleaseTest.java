package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.MockDevices;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A controller that owns its function releases the function's DMA memory when it closes (as
 * VFIO's does: the container's mappings go, the memory is freed). A queue pair whose finish the
 * close deferred to its owner (the owner sat in a long callback) must not touch that memory when
 * the owner comes back: no ring read, no free into the released allocator.
 */
class DeferredFinishAfterReleaseTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    /** Hands out its own regions over the mock's; after close they are freed and every use is counted. */
    static final class ReleasingAllocator implements DmaAllocator {
        private final DmaAllocator device;
        private final Map<DmaRegion, DmaRegion> regions = new IdentityHashMap<>();
        final AtomicInteger freesAfterRelease = new AtomicInteger();
        private boolean closed;

        ReleasingAllocator(DmaAllocator device) {
            this.device = device;
        }

        @Override
        public synchronized DmaRegion allocate(long bytes) {
            DmaRegion r = device.allocate(bytes);
            DmaRegion mine = new DmaRegion(this, r.segment(), r.iova());
            regions.put(mine, r);
            return mine;
        }

        @Override
        public synchronized void free(DmaRegion region) {
            if (closed) {
                freesAfterRelease.incrementAndGet();
                return;
            }
            DmaRegion r = regions.remove(region);
            if (r != null) {
                region.markFreed();
                device.free(r); // its memory is gone: later accesses throw
            }
        }

        @Override
        public long pageSize() {
            return device.pageSize();
        }

        /** Frees every region still allocated (their segments become inaccessible). */
        @Override
        public synchronized void close() {
            for (DmaRegion mine : regions.keySet().toArray(new DmaRegion[0])) {
                free(mine);
            }
            closed = true;
        }
    }

    /** The mock's function with a releasing allocator, closed by the controller that owns it. */
    static final class OwnedFunction implements PciFunction {
        private final PciFunction mock;
        final ReleasingAllocator dma;

        OwnedFunction(PciFunction mock) {
            this.mock = mock;
            this.dma = new ReleasingAllocator(mock.dma());
        }

        @Override public String address() { return mock.address(); }
        @Override public RegisterSpace registers() { return mock.registers(); }
        @Override public DmaAllocator dma() { return dma; }
        @Override public int msixVectorCount() { return mock.msixVectorCount(); }
        @Override public InterruptVector[] enableMsix(int count) { return mock.enableMsix(count); }
        @Override public void disableMsix() { mock.disableMsix(); }
        @Override public boolean functionReset() { return mock.functionReset(); }
        @Override public DeviceEvents deviceEvents() { return mock.deviceEvents(); }
        @Override public void detach() { mock.detach(); }
        @Override public boolean isPresent() { return mock.isPresent(); }
        @Override public void release() { mock.release(); }

        @Override
        public void close() {
            dma.close();
            mock.close();
        }
    }

    @Test
    void aFinishDeferredToTheOwnerTouchesNoDmaMemoryAfterTheControllerReleasedIt() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).namespace(NamespaceConfig.ram(1 << 16, 512))
                    .build();
            try (MockController mock = Nvme.createMock(cfg)) {
                OwnedFunction fn = new OwnedFunction(MockDevices.pciFunction(mock));
                ControllerOptions options = ControllerOptions.builder().ioTimeout(Duration.ofMillis(500))
                        .shutdownTimeout(Duration.ofSeconds(2)).build();
                NvmeController ctrl = NvmeController.open(fn, options, true);
                IoQueuePair qp = ctrl.createQueuePair(16, CompletionMode.POLL);
                DmaBuffer buf = ctrl.allocateBuffer(8 * 512);
                Namespace ns = ctrl.namespace(1);
                CountDownLatch inside = new CountDownLatch(1);
                CountDownLatch closed = new CountDownLatch(1);
                int n = 6;
                int[] status = new int[n];
                AtomicInteger[] calls = new AtomicInteger[n];
                for (int i = 0; i < n; i++) {
                    calls[i] = new AtomicInteger();
                }
                // Command 0 completes and its callback holds the owner; commands 1.. hang on the device.
                assertTrue(qp.read(ns, 0, 1, buf.slice(0, 512), (t, s) -> {
                    status[0] = s;
                    calls[0].incrementAndGet();
                    inside.countDown();
                    try {
                        closed.await(15, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, 0));
                qp.flushSubmissions();
                Thread.sleep(50);
                mock.faults().hangCommands(FaultMatch.any().queue(qp.queueId()).opcode(Opcodes.NVM_READ), false);
                for (int i = 1; i < n; i++) {
                    int k = i;
                    assertTrue(qp.read(ns, i, 1, buf.slice(i * 512L, 512), (t, s) -> {
                        status[k] = s;
                        calls[k].incrementAndGet();
                    }, i));
                }
                qp.flushSubmissions();
                Throwable[] thrown = new Throwable[1];
                Thread owner = new Thread(() -> {
                    try {
                        while (qp.outstanding() > 0) {
                            qp.process(Duration.ofMillis(10));
                        }
                    } catch (Throwable e) {
                        thrown[0] = e;
                    }
                }, "owner");
                owner.start();
                assertTrue(inside.await(5, TimeUnit.SECONDS), "the owner is in the callback");

                long start = System.nanoTime();
                ctrl.close(); // the owner stays inside: the pair's finish is left to it
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "close is bounded");
                closed.countDown();
                owner.join(10_000);
                assertTrue(!owner.isAlive(), "the owner finished");
                assertNull(thrown[0], "nothing comes out of the owner's poll: " + thrown[0]);
                assertEquals(0, fn.dma.freesAfterRelease.get(), "frees into the released allocator");
                for (int i = 0; i < n; i++) {
                    assertEquals(1, calls[i].get(), "command " + i + " completed once");
                }
                assertTrue(Status.isSuccess(status[0]), Status.describe(status[0]));
                for (int i = 1; i < n; i++) {
                    assertEquals(NvmeStatus.COMMAND_ABORTED_BY_HOST, NvmeStatus.of(status[i]),
                            "command " + i + ": " + Status.describe(status[i]));
                }
                qp.close();
            }
        });
    }
}
