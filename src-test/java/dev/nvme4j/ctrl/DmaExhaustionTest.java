package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.MockDevices;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When DMA memory runs out, the application sees the API's {@link NvmeException} naming what
 * could not be allocated, never the internal {@link DmaException}, whichever call needed the
 * memory: bring-up, admin commands that read data, namespace rescans.
 */
class DmaExhaustionTest {

    @Test
    void bringUpWithoutDmaMemoryFailsWithNvmeException() {
        try (MockController mock = Nvme.createMock(MockConfig.defaults())) {
            Limited fn = new Limited(MockDevices.pciFunction(mock));
            fn.allowed.set(0);
            NvmeException e = assertThrows(NvmeException.class,
                    () -> NvmeController.open(fn, ControllerOptions.defaults(), false));
            assertTrue(e.getMessage().contains("DMA"), e.getMessage());
            assertTrue(e.getCause() instanceof DmaException, String.valueOf(e.getCause()));
        }
    }

    @Test
    void adminReadsAndRescansWithoutDmaMemoryFailWithNvmeException() {
        try (MockController mock = Nvme.createMock(MockConfig.defaults())) {
            Limited fn = new Limited(MockDevices.pciFunction(mock));
            try (NvmeController ctrl = NvmeController.open(fn, ControllerOptions.defaults(), false)) {
                fn.allowed.set(0);
                for (org.junit.jupiter.api.function.Executable call : new org.junit.jupiter.api.function.Executable[] {
                        ctrl::identifyController, () -> ctrl.identifyNamespace(1), () -> ctrl.getLogPage(2, 512),
                        ctrl::rescanNamespaces, () -> ctrl.allocateBuffer(4096)}) {
                    NvmeException e = assertThrows(NvmeException.class, call);
                    assertTrue(e.getMessage().contains("DMA") && e.getMessage().contains(ctrl.address()),
                            e.getMessage());
                }
                fn.allowed.set(Integer.MAX_VALUE);
                assertEquals(ControllerState.READY, ctrl.state(), "running out of memory fails only the call");
                assertEquals(4096, ctrl.identifyController().length);
            }
            mock.assertNoViolations();
        }
    }

    /** The mock's function, with a DMA allocator that refuses once {@link #allowed} allocations were made. */
    private static final class Limited implements PciFunction {
        final AtomicInteger allowed = new AtomicInteger(Integer.MAX_VALUE);
        private final PciFunction inner;
        private final DmaAllocator dma;

        Limited(PciFunction inner) {
            this.inner = inner;
            DmaAllocator d = inner.dma();
            this.dma = new DmaAllocator() {
                @Override
                public DmaRegion allocate(long bytes) {
                    if (allowed.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) == 0) {
                        throw new DmaException("no DMA memory left (test)");
                    }
                    return d.allocate(bytes);
                }

                @Override
                public void free(DmaRegion region) {
                    d.free(region);
                }

                @Override
                public long pageSize() {
                    return d.pageSize();
                }

                @Override
                public void close() {
                    d.close();
                }
            };
        }

        @Override public String address() { return inner.address(); }
        @Override public RegisterSpace registers() { return inner.registers(); }
        @Override public DmaAllocator dma() { return dma; }
        @Override public int msixVectorCount() { return inner.msixVectorCount(); }
        @Override public InterruptVector[] enableMsix(int count) { return inner.enableMsix(count); }
        @Override public void disableMsix() { inner.disableMsix(); }
        @Override public boolean functionReset() { return inner.functionReset(); }
        @Override public DeviceEvents deviceEvents() { return inner.deviceEvents(); }
        @Override public void detach() { inner.detach(); }
        @Override public boolean isPresent() { return inner.isPresent(); }
        @Override public void release() { inner.release(); }
        @Override public void close() { inner.close(); }
    }
}
