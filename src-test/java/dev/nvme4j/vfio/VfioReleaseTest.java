package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructFakes.IrqSet;
import dev.nvme4j.sys.VfioStructs;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/**
 * The device request and error interrupts of a VFIO function, and giving the device back to the
 * kernel when it asks (hot-unplug, unbind): what is wired, what is closed, and that the same or
 * a new address opens again afterwards in the same process.
 */
class VfioReleaseTest {

    private static final String ADDRESS = "0000:01:00.0";

    @TempDir
    Path tmp;
    private FakeVfioKernel kernel;
    private VfioRegistry registry;

    @BeforeEach
    void setUp() throws IOException {
        kernel = new FakeVfioKernel(tmp);
        registry = kernel.registry();
    }

    private VfioPciFunction open(String address) {
        return registry.open(address, VfioOptions.defaults());
    }

    @Test
    void theDeviceRequestAndTheErrorInterruptAreWiredToEventfdsWhenOffered() {
        try (VfioPciFunction f = open(ADDRESS)) {
            DeviceEvents events = f.deviceEvents();
            assertTrue(events.hasRemovalRequest());
            assertTrue(events.hasError());
            assertEquals(2, kernel.otherIrqSets.size(), kernel.otherIrqSets.toString());
            IrqSet request = kernel.otherIrqSets.get(0);
            assertEquals(VfioStructs.PCI_REQ_IRQ_INDEX, request.index());
            assertTrue(request.eventFdTrigger());
            assertEquals(1, request.count());
            assertEquals(events.removalRequestFd().fd(), request.fds()[0]);
            IrqSet error = kernel.otherIrqSets.get(1);
            assertEquals(VfioStructs.PCI_ERR_IRQ_INDEX, error.index());
            assertEquals(events.errorFd().fd(), error.fds()[0]);
        }
    }

    @Test
    void interruptsTheKernelDoesNotOfferAreNotWired() {
        kernel.reqIrqCount = 0;
        kernel.errIrqCount = 0;
        try (VfioPciFunction f = open(ADDRESS)) {
            assertSame(DeviceEvents.NONE, f.deviceEvents());
            assertTrue(kernel.otherIrqSets.isEmpty());
        }
    }

    @Test
    void aFailedWiringOfTheRequestIsNotFatal() {
        kernel.reqSetIrqsErrno = NativeException.EINVAL;
        try (VfioPciFunction f = open(ADDRESS)) {
            assertFalse(f.deviceEvents().hasRemovalRequest());
            assertTrue(f.deviceEvents().hasError());
        }
    }

    @Test
    void closeUnwiresTheDeviceInterruptsAndClosesTheirEventfds() {
        VfioPciFunction f = open(ADDRESS);
        int request = f.deviceEvents().removalRequestFd().fd();
        int error = f.deviceEvents().errorFd().fd();
        f.close();
        assertEquals(4, kernel.otherIrqSets.size());
        assertTrue(kernel.otherIrqSets.get(2).noneTrigger());
        assertEquals(VfioStructs.PCI_REQ_IRQ_INDEX, kernel.otherIrqSets.get(2).index());
        assertTrue(kernel.otherIrqSets.get(3).noneTrigger());
        assertEquals(VfioStructs.PCI_ERR_IRQ_INDEX, kernel.otherIrqSets.get(3).index());
        verify(kernel.libc).close(request);
        verify(kernel.libc).close(error);
    }

    /**
     * Presence comes from config space: the class-code dword (vfio-pci passes it through, unlike
     * the vendor ID) reading all ones means the function is gone; so does a failing read, and a
     * released function is not present either.
     */
    @Test
    void theFunctionIsPresentUntilItsConfigSpaceReadsAllOnesOrItIsReleased() {
        kernel.config.set(ValueLayout.JAVA_INT_UNALIGNED, 0x08, 0x0108_0202);
        try (VfioPciFunction f = open(ADDRESS)) {
            assertTrue(f.isPresent());
            kernel.config.set(ValueLayout.JAVA_INT_UNALIGNED, 0x08, 0xFFFF_FFFF);
            assertFalse(f.isPresent(), "class code reads all ones: gone");
            kernel.config.set(ValueLayout.JAVA_INT_UNALIGNED, 0x08, 0x0108_0202);
            assertTrue(f.isPresent());
            f.release();
            assertFalse(f.isPresent(), "released");
        }
    }

    @Test
    void releaseStopsRegisterAccessUnmapsDmaAndClosesTheDeviceGroupAndContainer() {
        VfioPciFunction f = open(ADDRESS);
        InterruptVector[] vectors = f.enableMsix(2);
        DmaRegion region = f.dma().allocate(4096);
        region.segment().set(ValueLayout.JAVA_INT, 0, 0x1234_5678);
        var regs = f.registers();
        kernel.bar0.set(ValueLayout.JAVA_INT_UNALIGNED, 0x1c, 1);
        assertEquals(1, regs.read32(0x1c));
        int device = kernel.deviceFd(ADDRESS);
        int group = kernel.groupFd(3);
        int msixSets = kernel.irqSets.size();
        int otherSets = kernel.otherIrqSets.size();

        f.release();

        assertEquals(0xFFFF_FFFF, regs.read32(0x1c), "registers read all ones once released");
        assertEquals(-1L, regs.read64(0));
        regs.writeDoorbell(0x1000, 7);
        assertEquals(0, kernel.bar0.get(ValueLayout.JAVA_INT_UNALIGNED, 0x1000), "writes are dropped");
        assertEquals(1, kernel.dmaUnmaps.size(), "the DMA memory left the IOMMU");
        assertEquals(0x1234_5678, region.segment().get(ValueLayout.JAVA_INT, 0), "host memory stays readable");
        assertEquals(java.util.List.of(kernel.bar0.address()), kernel.fixedMappings,
                "BAR0 replaced in place by anonymous memory (no hole a concurrent access could fault on)");
        verify(kernel.libc, never()).munmap(kernel.bar0, FakeVfioKernel.BAR0_SIZE);
        InOrder order = inOrder(kernel.libc);
        order.verify(kernel.libc).close(device);
        order.verify(kernel.libc).ioctl(group, VfioIoctls.VFIO_GROUP_UNSET_CONTAINER, 0L);
        order.verify(kernel.libc).close(group);
        order.verify(kernel.libc).close(FakeVfioKernel.CONTAINER_FD);
        assertEquals(0, registry.attachedGroupCount());
        assertFalse(registry.hasContainer());
        DmaException noMemory = assertThrows(DmaException.class, () -> f.dma().allocate(4096));
        assertTrue(noMemory.getMessage().contains("removed"), noMemory.getMessage());
        IllegalStateException noMsix = assertThrows(IllegalStateException.class, () -> f.enableMsix(1));
        assertTrue(noMsix.getMessage().contains("released"), noMsix.getMessage());

        f.release();
        f.close();
        f.close();
        assertEquals(msixSets, kernel.irqSets.size(), "no ioctl on the closed device fd");
        assertEquals(otherSets, kernel.otherIrqSets.size(), "no ioctl on the closed device fd");
        verify(kernel.libc, times(1)).close(device);
        verify(kernel.libc, times(1)).close(group);
        verify(kernel.libc, times(1)).munmap(kernel.bar0, FakeVfioKernel.BAR0_SIZE); // the replacement, at close
        assertEquals(1, kernel.dmaUnmaps.size(), "unmapped once");
        for (InterruptVector v : vectors) {
            verify(kernel.libc).close(((dev.nvme4j.device.EventFdVector) v).eventFd().fd());
        }
        verify(kernel.libc).close(f.deviceEvents().removalRequestFd().fd());
        assertTrue(kernel.hostMappings.isEmpty(), "host DMA memory freed by close");
    }

    @Test
    void aBarReachedByPreadIsNotTouchedAfterTheRelease() {
        kernel.bar0Mmappable = false;
        VfioPciFunction f = open(ADDRESS);
        var regs = f.registers();
        regs.read32(0);
        int device = kernel.deviceFd(ADDRESS);
        f.release();
        assertEquals(0xFFFF_FFFF, regs.read32(0));
        regs.write32(0x14, 1);
        verify(kernel.libc, times(1)).pread(org.mockito.ArgumentMatchers.eq(device), org.mockito.ArgumentMatchers.any(),
                org.mockito.ArgumentMatchers.eq(0L)); // the read before the release only
        verify(kernel.libc, never()).pwrite(org.mockito.ArgumentMatchers.eq(device), org.mockito.ArgumentMatchers.any(),
                org.mockito.ArgumentMatchers.eq(0x14L));
        f.close();
    }

    @Test
    void afterAReleaseTheSameAddressOpensAgainEvenBeforeTheOldFunctionIsClosed() {
        VfioPciFunction old = open(ADDRESS);
        old.release();
        try (VfioPciFunction again = open(ADDRESS)) {
            assertEquals(1, registry.attachedGroupCount());
            old.close(); // must not take anything of the new one with it
            assertEquals(1, registry.attachedGroupCount());
            assertTrue(registry.hasContainer());
            kernel.bar0.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 0x0001_0400);
            assertEquals(0x0001_0400, again.registers().read32(8));
            again.dma().allocate(4096);
        }
        assertEquals(0, registry.attachedGroupCount());
        assertFalse(registry.hasContainer());
    }

    @Test
    void afterAReleaseTheDeviceOpensAgainAtANewAddressInANewGroup() throws IOException {
        VfioPciFunction old = open(ADDRESS);
        old.release();
        kernel.addFunction("0000:02:00.0", 7, "vfio-pci");
        try (VfioPciFunction again = open("0000:02:00.0")) {
            assertEquals(7, again.iommuGroup());
            assertEquals(1, registry.attachedGroupCount());
        } finally {
            old.close();
        }
    }

    @Test
    void releasingOneFunctionOfASharedGroupKeepsTheGroupAndContainerForTheOther() throws IOException {
        kernel.addFunction("0000:01:00.1", 3, "vfio-pci");
        VfioPciFunction first = open(ADDRESS);
        try (VfioPciFunction second = open("0000:01:00.1")) {
            first.dma().allocate(4096);
            DmaRegion kept = second.dma().allocate(4096);
            int group = kernel.groupFd(3);
            first.release();
            verify(kernel.libc, never()).close(group);
            verify(kernel.libc, never()).close(FakeVfioKernel.CONTAINER_FD);
            assertEquals(1, kernel.dmaUnmaps.size(), "only the removed function's memory left the IOMMU");
            assertTrue(kernel.dmaMaps.stream().anyMatch(m -> m.iova() == kept.iova()));
            second.registers().read32(8);
            // The removed function comes back in the group that stayed.
            try (VfioPciFunction back = open(ADDRESS)) {
                assertEquals(3, back.iommuGroup());
                assertEquals(1, registry.attachedGroupCount());
            }
            first.close();
            verify(kernel.libc, never()).close(group);
        }
        assertEquals(0, registry.attachedGroupCount());
    }
}
