package dev.nvme4j.vfio;

import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.sys.EventFd;

/** An MSI-X vector wired by VFIO to an eventfd the kernel signals when the device raises it. Thread-safe. */
final class VfioInterruptVector implements InterruptVector {
    private final int index;
    private final EventFd event;

    VfioInterruptVector(int index, EventFd event) {
        this.index = index;
        this.event = event;
    }

    EventFd event() {
        return event;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean await(long timeoutNanos) {
        return event.await(timeoutNanos);
    }

    @Override
    public long drain() {
        return event.drain();
    }

    @Override
    public void wakeUp() {
        event.signal();
    }

    @Override
    public String toString() {
        return "MSI-X vector " + index + " (" + event + ")";
    }
}
