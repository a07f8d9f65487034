package dev.nvme4j.mock;

import dev.nvme4j.device.DetachableRegisterSpace;
import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.EventFdVector;
import dev.nvme4j.sys.EventFd;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;

/**
 * The mock's PCI function: BAR0 backed by the device model, the IOMMU-registered DMA allocator,
 * and MSI-X vectors signalled by the device. Surprise removal makes every register read all ones
 * (what a PCIe read of a missing function returns), drops writes (counted) and makes the function
 * no longer present; {@link #detach()} cuts the host's view off (reads all ones, writes dropped
 * before they reach the device), as the VFIO function does. The device request and error
 * interrupts are eventfds the fault injector signals; once the host releases the function after a
 * request, the device is gone as on a surprise removal.
 */
final class MockPciFunction implements PciFunction {
    private final MockNvmeController c;
    /** The host's view of BAR0: {@link #detach()} cuts it off as on real hardware (the device itself runs on). */
    private final DetachableRegisterSpace bar0;

    MockPciFunction(MockNvmeController c) {
        this.c = c;
        this.bar0 = new DetachableRegisterSpace(new RegisterSpace() {
            @Override
            public int read32(long offset) {
                return c.bar0.read32(offset);
            }

            @Override
            public long read64(long offset) {
                return c.bar0.read64(offset);
            }

            @Override
            public void write32(long offset, int value) {
                c.bar0.write32(offset, value);
            }

            @Override
            public void write64(long offset, long value) {
                c.bar0.write64(offset, value);
            }

            @Override
            public void writeDoorbell(long offset, int value) {
                // The device reads ring memory under its lock after this store; the lock acquire
                // orders the host's earlier SQE stores before the device's reads.
                c.bar0.write32(offset, value);
            }
        });
    }

    @Override
    public String address() {
        return "mock:" + c.config().serialNumber();
    }

    @Override
    public RegisterSpace registers() {
        return bar0;
    }

    @Override
    public DmaAllocator dma() {
        return c.dma;
    }

    @Override
    public int msixVectorCount() {
        return c.config().msixVectors();
    }

    @Override
    public InterruptVector[] enableMsix(int count) {
        if (count < 1 || count > msixVectorCount()) {
            throw new IllegalArgumentException("MSI-X vectors must be 1.." + msixVectorCount() + ": " + count);
        }
        EventFdVector[] v = new EventFdVector[count];
        for (int i = 0; i < count; i++) {
            v[i] = new EventFdVector(i, EventFd.create());
        }
        c.attachVectors(v);
        return v.clone();
    }

    @Override
    public void disableMsix() {
        c.attachVectors(null);
    }

    @Override
    public boolean functionReset() {
        c.functionReset();
        return true;
    }

    /** BAR2 holds the CMB when there is one. */
    @Override
    public java.lang.foreign.MemorySegment mapBar(int bar) {
        return bar == 2 && c.cmb != null ? c.cmb.memory() : null;
    }

    @Override
    public long reserveDeviceAddresses(long bytes, long alignment) {
        return c.dma.reserve(bytes, alignment);
    }

    @Override
    public DeviceEvents deviceEvents() {
        return c.deviceEvents;
    }

    @Override
    public void detach() {
        bar0.detach();
    }

    /** The mock's configuration space goes with the device: present until removed or released. */
    @Override
    public boolean isPresent() {
        return !c.isRemoved();
    }

    @Override
    public void release() {
        c.removal.hostReleased(true);
    }

    @Override
    public void close() {
        disableMsix();
        c.removal.hostReleased(false);
    }
}
