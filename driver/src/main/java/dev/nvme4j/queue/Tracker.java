package dev.nvme4j.queue;

import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The host's record of one command identifier of a queue: allocated once per slot, reused for
 * every command that gets this CID. It owns a preallocated PRP list area (sized for the largest
 * transfer one command may carry) and a copy of the submitted entry (for Abort messages and for
 * resubmission after a controller reset), so issuing a command allocates nothing.
 *
 * <p>Owned by the thread that owns its queue; never shared.
 */
public final class Tracker {
    private static final boolean BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

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
    /**
     * Copy of the 64-byte submission queue entry last issued with this CID: eight little-endian
     * quadwords in a heap array ({@link #save} stores them without the bounds and liveness checks
     * of a native segment), and {@link #savedSqe} a byte view of the same array.
     */
    private final long[] savedWords = new long[Sqe.SIZE / 8];
    final MemorySegment savedSqe = MemorySegment.ofArray(savedWords);

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

    Tracker(int index, MemorySegment prpList, long prpListIova) {
        this.index = index;
        this.cid = index;
        this.prpList = prpList;
        this.prpListIova = prpListIova;
    }

    /**
     * Keeps the entry just written to the SQ, given as its eight quadwords (each the little-endian
     * value at offsets 0, 8, .., 56). The array holds them in native order, so the byte view reads
     * little-endian fields correctly only when they are stored as little-endian bytes: on a
     * big-endian machine each is byte-swapped (a constant the compiler folds away on x86-64).
     */
    void save(long w0, long w1, long w2, long w3, long w4, long w5, long w6, long w7) {
        long[] w = savedWords;
        if (BIG_ENDIAN) {
            w0 = Long.reverseBytes(w0);
            w1 = Long.reverseBytes(w1);
            w2 = Long.reverseBytes(w2);
            w3 = Long.reverseBytes(w3);
            w4 = Long.reverseBytes(w4);
            w5 = Long.reverseBytes(w5);
            w6 = Long.reverseBytes(w6);
            w7 = Long.reverseBytes(w7);
        }
        w[0] = w0;
        w[1] = w1;
        w[2] = w2;
        w[3] = w3;
        w[4] = w4;
        w[5] = w5;
        w[6] = w6;
        w[7] = w7;
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
