package dev.nvme4j.mock;

import dev.nvme4j.device.DeviceEvents;

/**
 * How the mock device goes away: a surprise removal (gone at once), or the kernel's removal
 * request, after which the device works on until the host releases it.
 */
final class Removal {
    private final DeviceEvents deviceEvents;
    private final MockDmaAllocator dma;
    private volatile boolean removed;
    /** Register writes that arrived after the device was gone (dropped). */
    private final java.util.concurrent.atomic.LongAdder writesWhileRemoved = new java.util.concurrent.atomic.LongAdder();
    /** Guards {@link #removalRequested} and {@link #hostReleased}; waited on by awaitRelease. */
    private final Object monitor = new Object();
    private boolean removalRequested;
    private boolean hostReleased;

    Removal(DeviceEvents deviceEvents, MockDmaAllocator dma) {
        this.deviceEvents = deviceEvents;
        this.dma = dma;
    }

    boolean isRemoved() {
        return removed;
    }

    void countWrite() {
        writesWhileRemoved.increment();
    }

    long writesWhileRemoved() {
        return writesWhileRemoved.sum();
    }

    /** Surprise removal (or close): every register reads all ones from now on. */
    void remove() {
        removed = true;
    }

    /** The kernel asks for the device back: the request interrupt fires; the device works on until released. */
    void request() {
        synchronized (monitor) {
            removalRequested = true;
        }
        deviceEvents.signalRemovalRequest();
    }

    /**
     * The host let the device go (released it or closed the function): it is gone from now on.
     * A close without a pending removal request leaves the device usable (it can be opened again).
     */
    void hostReleased(boolean explicitRelease) {
        synchronized (monitor) {
            if (!explicitRelease && !removalRequested) {
                return;
            }
            // Gone before anyone waiting in awaitRelease looks: DMA detached first.
            removed = true;
            dma.detach();
            hostReleased = true;
            monitor.notifyAll();
        }
    }

    boolean awaitRelease(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!hostReleased) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
            return true;
        }
    }
}
