package dev.nvme4j.mock;

import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.sys.EventFd;

/**
 * One MSI-X vector of the mock function, carried by a real Linux eventfd exactly as with VFIO
 * (where the kernel signals it): the device signals it, the host waits on and consumes it.
 */
final class MockVector implements InterruptVector {
    private final int index;
    private final EventFd event;

    MockVector(int index) {
        this.index = index;
        this.event = EventFd.create();
    }

    /** Device side: signals the vector. */
    void signal() {
        event.signal();
    }

    /** The eventfd, for a host that polls several vectors at once. */
    EventFd eventFd() {
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

    void close() {
        event.close();
    }

    @Override
    public String toString() {
        return "MockVector[" + index + ", " + event + "]";
    }
}
