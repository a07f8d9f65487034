package dev.nvme4j.device;

import dev.nvme4j.sys.EventFd;

/**
 * An MSI-X vector carried by a Linux eventfd, the same for both sides of the seam: with VFIO
 * the kernel signals it when the device raises the vector; the mock controller signals it
 * itself. The host waits on it and consumes it. Thread-safe (an eventfd counter is atomic).
 */
public final class EventFdVector implements InterruptVector, AutoCloseable {
    private final int index;
    private final EventFd event;

    public EventFdVector(int index, EventFd event) {
        this.index = index;
        this.event = event;
    }

    /** The eventfd, for wiring it to the device (VFIO_DEVICE_SET_IRQS) or polling several at once. */
    public EventFd eventFd() {
        return event;
    }

    /** Device side: raises the vector. */
    public void signal() {
        event.signal();
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

    /** Closes the eventfd; idempotent. */
    @Override
    public void close() {
        event.close();
    }

    /** Closes every vector of {@code vectors}, skipping null entries. */
    public static void closeAll(EventFdVector[] vectors) {
        for (EventFdVector v : vectors) {
            if (v != null) {
                v.close();
            }
        }
    }

    @Override
    public String toString() {
        return "MSI-X vector " + index + " (" + event + ")";
    }
}
