package dev.nvme4j.device;

/**
 * A register space that can be cut off from the device: after {@link #detach()} every read
 * returns all ones (what a PCIe read of a missing function returns) and every write is dropped,
 * without touching the device. Used when the device is being removed: the driver's register
 * accesses, wherever they come from, then behave as on a surprise removal while the mapping is
 * taken away. Thread-safe; the check is one volatile read per access.
 */
public final class DetachableRegisterSpace implements RegisterSpace {
    private final RegisterSpace device;
    private volatile boolean detached;

    public DetachableRegisterSpace(RegisterSpace device) {
        this.device = device;
    }

    /** From now on the device is not touched; idempotent. */
    public void detach() {
        detached = true;
    }

    public boolean isDetached() {
        return detached;
    }

    @Override
    public int read32(long offset) {
        return detached ? 0xFFFF_FFFF : device.read32(offset);
    }

    @Override
    public long read64(long offset) {
        return detached ? -1L : device.read64(offset);
    }

    @Override
    public void write32(long offset, int value) {
        if (!detached) {
            device.write32(offset, value);
        }
    }

    @Override
    public void write64(long offset, long value) {
        if (!detached) {
            device.write64(offset, value);
        }
    }

    @Override
    public void writeDoorbell(long offset, int value) {
        if (!detached) {
            device.writeDoorbell(offset, value);
        }
    }
}
