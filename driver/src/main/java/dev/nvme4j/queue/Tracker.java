package dev.nvme4j.queue;

import java.lang.foreign.MemorySegment;

/**
 * The host's record of one command identifier of a queue: allocated once per slot, reused for
 * every command that gets this CID. It owns a preallocated PRP list area (sized for the largest
 * transfer one command may carry) and a copy of the submitted entry (for Abort messages and for
 * resubmission after a controller reset), so issuing a command allocates nothing.
 *
 * <p>Owned by the thread that owns its queue; never shared.
 */
public final class Tracker {
    /** The index of this tracker in its pool: the low bits of its command identifiers. */
    final int index;
    /**
     * Command identifier of the current command: the index in the low bits, a generation number
     * (advanced at every acquire) in the bits above, so a stale completion entry for an earlier
     * command of this slot does not match (see {@link TrackerPool}).
     */
    int cid;
    /** A completion entry for the current command was taken from the CQ (a second one is a duplicate). */
    boolean reaped;
    /** Host view and device address of this tracker's PRP list area. */
    final MemorySegment prpList;
    final long prpListIova;
    /** Copy of the 64-byte submission queue entry last issued with this CID. */
    final MemorySegment savedSqe;

    /** Next free tracker (intrusive free stack), -1 at the end; meaningful only while free. */
    int nextFree = -1;
    boolean busy;
    /** Who issued the command: a request index of the queue pair, or an admin slot. */
    int owner;
    /** Starting LBA of the read or write in flight with this CID (names the block of an end-to-end error). */
    long slba;
    /** Bytes of data this command moves (for statistics and PRP rebuilds). */
    int dataBytes;
    /** System.nanoTime() after which the command is late. */
    long deadlineNanos;
    /** Recovery step already taken for this command (see the recovery ladder). */
    int recoveryStep;
    /** How many times this command was resubmitted after a controller reset. */
    int retries;
    /** How many times this command was re-issued after a retryable error status (see {@link RetryQueue}). */
    int errorRetries;
    /** Waiting in the {@link RetryQueue} to be re-issued (busy, but not at the device). */
    boolean retryWaiting;

    Tracker(int index, MemorySegment prpList, long prpListIova, MemorySegment savedSqe) {
        this.index = index;
        this.cid = index;
        this.prpList = prpList;
        this.prpListIova = prpListIova;
        this.savedSqe = savedSqe;
    }

    /** The command identifier on the wire of the current command (see {@link #cid}). */
    public int cid() {
        return cid;
    }

    /** The slot index (0 .. capacity - 1), stable across the slot's commands. */
    public int index() {
        return index;
    }

    public int owner() {
        return owner;
    }

    public long deadlineNanos() {
        return deadlineNanos;
    }

    public MemorySegment prpList() {
        return prpList;
    }

    public long prpListIova() {
        return prpListIova;
    }

    public MemorySegment savedSqe() {
        return savedSqe;
    }

    public boolean busy() {
        return busy;
    }

    public int recoveryStep() {
        return recoveryStep;
    }

    /** Moves the command along the recovery ladder and re-arms its deadline. */
    public void advanceRecovery(int step, long deadlineNanos) {
        this.recoveryStep = step;
        this.deadlineNanos = deadlineNanos;
    }

    public int retries() {
        return retries;
    }
}
