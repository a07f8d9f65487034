package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;

/**
 * What an I/O queue pair needs from the controller that created it: argument checks that
 * depend on controller state, and the admin work of deleting its queues. Thread-safe.
 */
public interface QueueHost {
    /**
     * Refuses memory the device cannot reach through this controller.
     *
     * @throws IllegalArgumentException naming the problem (foreign controller, freed, not a DMA buffer)
     */
    void checkBuffer(DmaBuffer buffer);

    /**
     * Refuses a namespace that is not active on this controller.
     *
     * @throws IllegalArgumentException naming the active namespaces
     */
    void checkNamespace(Namespace ns);

    /**
     * Refuses new commands when the controller is closed.
     *
     * @throws IllegalStateException with the reason
     */
    void checkAccepting();

    /**
     * True when the controller is failed: new commands are accepted but never reach the device;
     * they complete with Command Aborted By Host (DNR) at the next poll.
     */
    boolean isFailed();

    /**
     * The status commands complete with while {@link #isFailed()}: Command Aborted By Host (DNR)
     * on a failed controller, Host Pathing Error (DNR) when the device was removed.
     */
    int failureStatus();

    /** Why the controller failed, or null while it has not. */
    String failureReason();

    /**
     * How long to wait before retrying a command whose error status has Command Retry Delay
     * {@code crd} (0 to 3): 0 for CRD 0, else CRDT1..3 of Identify Controller.
     */
    long commandRetryDelayNanos(int crd);

    /** ONCS of Identify Controller (optional NVM commands). */
    int oncs();

    /** Largest transfer of one command, in bytes (MDTS, capped by the driver). */
    long maxTransferBytes();

    /**
     * Smallest read or write, in bytes, that describes its data with an SGL instead of PRPs;
     * Long.MAX_VALUE when the controller does not support SGLs (Identify Controller SGLS).
     */
    long sglThreshold();

    /** Memory page size in use (CC.MPS). */
    int pageSize();

    /**
     * How long the controller may hold an I/O completion's interrupt back (the aggregation time
     * of Interrupt Coalescing, Base 5.27.1.8, as last set); 0 when coalescing is off.
     */
    long interruptAggregationNanos();

    /** Default I/O timeout in nanoseconds. */
    long ioTimeoutNanos();

    /**
     * Deletes I/O submission queue {@code qid} on the controller (Base 5.7); the controller
     * aborts what it still holds. Returns false when the command failed or timed out.
     */
    boolean deleteSubmissionQueue(int qid);

    /** Deletes I/O completion queue {@code qid} (Base 5.6); false when it failed or timed out. */
    boolean deleteCompletionQueue(int qid);

    /** The pair has been closed and its memory released; forget it. */
    void forget(QueuePairControl pair);
}
