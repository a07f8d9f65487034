package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructFakes.IrqSet;
import dev.nvme4j.sys.VfioStructs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.InOrder;

/** An open function: BAR0 access (mmapped or not), MSI-X wiring, reset and teardown. */
class VfioPciFunctionTest {

    private static final String ADDRESS = "0000:01:00.0";

    @TempDir
    Path tmp;
    private FakeVfioKernel kernel;

    @BeforeEach
    void setUp() throws IOException {
        kernel = new FakeVfioKernel(tmp);
    }

    @Test
    void mmapFailureFallsBackToPreadAndPwriteOnTheRegion() {
        kernel.bar0MmapErrno = NativeException.EINVAL;
        kernel.bar0.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 0x0040_1820_0f01_07ffL);
        try (VfioPciFunction f = open()) {
            assertFalse(f.barMapped());
            assertEquals(0x0040_1820_0f01_07ffL, f.registers().read64(0));
            f.registers().write32(0x14, 0x0046_0001);
            f.registers().writeDoorbell(0x1000, 5);
            int device = kernel.deviceFd(ADDRESS);
            verify(kernel.libc).pread(eq(device), any(), eq(0L));
            verify(kernel.libc).pwrite(eq(device), any(), eq(0x14L));
            assertEquals(0x0046_0001, kernel.bar0.get(ValueLayout.JAVA_INT_UNALIGNED, 0x14));
            assertEquals(5, kernel.bar0.get(ValueLayout.JAVA_INT_UNALIGNED, 0x1000));
        }
    }

    @Test
    void barWithoutTheMmapFlagIsNotMmapped() {
        kernel.bar0Mmappable = false;
        kernel.bar0.set(ValueLayout.JAVA_INT_UNALIGNED, 8, 0x0001_0400);
        try (VfioPciFunction f = open()) {
            assertFalse(f.barMapped());
            assertEquals(0x0001_0400, f.registers().read32(8));
            verify(kernel.libc, never()).mmap(any(), anyLong(), anyInt(), anyInt(), eq(kernel.deviceFd(ADDRESS)), anyLong());
        }
    }

    @Test
    void preadRegisterAccessOutsideTheBarIsRejected() {
        kernel.bar0Mmappable = false;
        try (VfioPciFunction f = open()) {
            assertThrows(IndexOutOfBoundsException.class, () -> f.registers().read32(FakeVfioKernel.BAR0_SIZE));
        }
    }

    @Test
    void enableMsixWiresOneEventfdPerVectorFromZero() {
        try (VfioPciFunction f = open()) {
            InterruptVector[] vectors = f.enableMsix(4);
            assertEquals(4, vectors.length);
            IrqSet set = kernel.irqSets.getLast();
            assertTrue(set.eventFdTrigger());
            assertEquals(VfioStructs.PCI_MSIX_IRQ_INDEX, set.index());
            assertEquals(0, set.start());
            assertEquals(4, set.count());
            for (int i = 0; i < 4; i++) {
                assertEquals(i, vectors[i].index());
            }
            assertEquals(4, set.fds().length);
            assertEquals(set.fds()[0] + 3, set.fds()[3], "eventfds in vector order");
        }
    }

    @Test
    void disableMsixTearsDownWithDataNoneAndClosesTheEventfds() {
        try (VfioPciFunction f = open()) {
            f.enableMsix(2);
            int[] fds = kernel.irqSets.getLast().fds();
            f.disableMsix();
            IrqSet teardown = kernel.irqSets.getLast();
            assertTrue(teardown.noneTrigger());
            assertEquals(0, teardown.count());
            assertEquals(VfioStructs.PCI_MSIX_IRQ_INDEX, teardown.index());
            verify(kernel.libc).close(fds[0]);
            verify(kernel.libc).close(fds[1]);
            int sets = kernel.irqSets.size();
            f.disableMsix();
            assertEquals(sets, kernel.irqSets.size(), "idempotent");
        }
    }

    @Test
    void enablingAgainReplacesThePreviousSet() {
        try (VfioPciFunction f = open()) {
            f.enableMsix(2);
            f.enableMsix(3);
            assertEquals(3, kernel.irqSets.size());
            assertTrue(kernel.irqSets.get(1).noneTrigger());
            assertEquals(3, kernel.irqSets.get(2).count());
        }
    }

    @Test
    void msixCountIsChecked() {
        try (VfioPciFunction f = open()) {
            assertThrows(IllegalArgumentException.class, () -> f.enableMsix(0));
            assertThrows(IllegalArgumentException.class, () -> f.enableMsix(66));
        }
    }

    @Test
    void closeDisablesMsixClearsBusMasterAndReleasesEverything() {
        VfioPciFunction f = open();
        f.enableMsix(1);
        f.dma().allocate(4096);
        int device = kernel.deviceFd(ADDRESS);
        int group = kernel.groupFd(3);
        f.close();
        assertTrue(kernel.irqSets.getLast().noneTrigger());
        assertEquals(0, kernel.commandRegister() & PciConfigSpace.COMMAND_BUS_MASTER);
        assertEquals(1, kernel.dmaUnmaps.size());
        InOrder order = inOrder(kernel.libc);
        order.verify(kernel.libc).munmap(eq(kernel.bar0), eq(FakeVfioKernel.BAR0_SIZE));
        order.verify(kernel.libc).close(device);
        order.verify(kernel.libc).ioctl(group, VfioIoctls.VFIO_GROUP_UNSET_CONTAINER, 0L);
        order.verify(kernel.libc).close(group);
        order.verify(kernel.libc).close(FakeVfioKernel.CONTAINER_FD);
        f.close();
        verify(kernel.libc).close(device);
        assertThrows(IllegalStateException.class, () -> f.enableMsix(1));
    }

    @Test
    void registerAccessAfterCloseThrowsInsteadOfTouchingUnmappedMemory() {
        VfioPciFunction f = open();
        var regs = f.registers();
        assertEquals(0, regs.read32(0x1c));
        f.close();
        assertThrows(IllegalStateException.class, () -> regs.read32(0x1c));
    }

    @Test
    void preadRegisterAccessAfterCloseThrowsInsteadOfUsingAStaleFd() {
        kernel.bar0Mmappable = false;
        VfioPciFunction f = open();
        var regs = f.registers();
        f.close();
        assertThrows(IllegalStateException.class, () -> regs.write32(0x14, 1));
    }

    @Test
    void functionResetUsesVfioDeviceResetAndRestoresBusMaster() {
        try (VfioPciFunction f = open()) {
            kernel.config.set(ValueLayout.JAVA_SHORT_UNALIGNED, 4, (short) 0);
            assertTrue(f.functionReset());
            verify(kernel.libc).ioctl(kernel.deviceFd(ADDRESS), VfioIoctls.VFIO_DEVICE_RESET, 0L);
            assertEquals(0x0406, kernel.commandRegister());
        }
    }

    @Test
    void functionResetReportsFalseWhenTheDeviceCannotReset() {
        kernel.deviceCanReset = false;
        try (VfioPciFunction f = open()) {
            assertFalse(f.functionReset());
            verify(kernel.libc, never()).ioctl(anyInt(), eq(VfioIoctls.VFIO_DEVICE_RESET), anyLong());
        }
    }

    @Test
    void failedSetUpReleasesTheDeviceGroupAndContainer() {
        irqInfoFailsWithEinval();
        VfioException e = assertThrows(VfioException.class, this::open);
        assertTrue(e.getMessage().contains("VFIO_DEVICE_GET_IRQ_INFO"), e.getMessage());
        verify(kernel.libc).munmap(eq(kernel.bar0), eq(FakeVfioKernel.BAR0_SIZE));
        verify(kernel.libc).close(kernel.deviceFd(ADDRESS));
        verify(kernel.libc).close(kernel.groupFd(3));
        verify(kernel.libc).close(FakeVfioKernel.CONTAINER_FD);
    }

    private void irqInfoFailsWithEinval() {
        doThrow(new NativeException("ioctl(VFIO_DEVICE_GET_IRQ_INFO)", NativeException.EINVAL))
                .when(kernel.libc).ioctl(anyInt(), eq(VfioIoctls.VFIO_DEVICE_GET_IRQ_INFO), any(MemorySegment.class));
    }

    @Test
    void vendorAndDeviceIdComeFromConfigSpace() {
        kernel.config.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x0010_1b36);
        try (VfioPciFunction f = open()) {
            assertEquals(0x0010_1b36, f.vendorDeviceId());
        }
    }

    private VfioPciFunction open() {
        return kernel.registry().open(ADDRESS, VfioOptions.defaults());
    }
}
