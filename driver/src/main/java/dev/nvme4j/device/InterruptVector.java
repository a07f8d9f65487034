package dev.nvme4j.device;

/**
 * One MSI-X vector as seen by the host: an event the device signals (an eventfd, both for
 * VFIO and for the mock controller) that a thread can block on. Thread-safe.
 */
public interface InterruptVector {
    /** The MSI-X vector number (the IV of the completion queues that use it). */
    int index();

    /**
     * Blocks until the vector fires or the timeout passes.
     *
     * @return true if it fired (the pending count is consumed), false on timeout
     */
    boolean await(long timeoutNanos);

    /** Consumes any pending signals without blocking; returns how many there were. */
    long drain();

    /** Wakes a thread blocked in {@link #await} as if the device had signalled (for shutdown). */
    void wakeUp();
}
