package dev.nvme4j.tcp;

import java.lang.foreign.MemorySegment;

/**
 * The per-CID state of one {@link TcpQueue}: whether the command is outstanding, its buffer and
 * data transfer progress, and the completion kept for callers that wait; plus the queue's own
 * pool of free CIDs. Allocated once per queue: nothing here allocates per command.
 */
final class CommandSlots {
    static final byte FREE = 0;
    static final byte ACTIVE = 1;

    final byte[] state;
    final MemorySegment[] buffers;
    final long[] bufferOffsets;
    final int[] lengths;
    final byte[] directions;
    final boolean[] viaR2t;
    final int[] transferred;
    final boolean[] r2tPending;
    final boolean[] digestFailed;
    // Results for callers that wait (execute)
    final boolean[] done;
    final int[] doneStatus;
    final int[] doneDw0;
    final int[] doneDw1;
    // CIDs for callers without their own trackers (execute)
    private final int[] freeCids;
    private final int poolSize;
    private int freeCount;

    CommandSlots(int depth) {
        this(depth, 0);
    }

    /**
     * {@code reserved}: CIDs 0..reserved-1 belong to the caller (the queue layer's trackers) and
     * are never handed out by {@link #acquire()}; the pool holds reserved..depth-2.
     */
    CommandSlots(int depth, int reserved) {
        state = new byte[depth];
        buffers = new MemorySegment[depth];
        bufferOffsets = new long[depth];
        lengths = new int[depth];
        directions = new byte[depth];
        viaR2t = new boolean[depth];
        transferred = new int[depth];
        r2tPending = new boolean[depth];
        digestFailed = new boolean[depth];
        done = new boolean[depth];
        doneStatus = new int[depth];
        doneDw0 = new int[depth];
        doneDw1 = new int[depth];
        freeCids = new int[depth];
        // A queue of SQSIZE + 1 entries holds at most SQSIZE commands (Base 4.1.1: full when tail + 1 == head).
        poolSize = depth - 1 - reserved;
        if (poolSize < 1) {
            throw new IllegalArgumentException(reserved + " reserved CIDs leave none of " + depth + " for the queue");
        }
        for (int i = 0; i < poolSize; i++) {
            freeCids[i] = depth - 2 - i;
        }
        freeCount = poolSize;
    }

    int depth() {
        return state.length;
    }

    /** True when {@code cid} names an outstanding command (a peer's CID may be anything). */
    boolean isActive(int cid) {
        return cid < state.length && state[cid] == ACTIVE;
    }

    /** Marks {@code cid} outstanding with its data: {@code length} bytes at {@code buffer[offset]}. */
    void begin(int cid, MemorySegment buffer, long offset, int length, int direction, boolean r2t) {
        state[cid] = ACTIVE;
        buffers[cid] = buffer;
        bufferOffsets[cid] = offset;
        lengths[cid] = length;
        directions[cid] = (byte) direction;
        viaR2t[cid] = r2t;
        transferred[cid] = 0;
        r2tPending[cid] = false;
        digestFailed[cid] = false;
        done[cid] = false;
    }

    /** Frees {@code cid} and keeps its completion for a waiting caller. */
    void finish(int cid, int status, int dw0, int dw1) {
        state[cid] = FREE;
        buffers[cid] = null;
        done[cid] = true;
        doneStatus[cid] = status;
        doneDw0[cid] = dw0;
        doneDw1[cid] = dw1;
    }

    /** A free CID from the pool (at most depth - 1 are handed out), or -1 when all are in use. */
    int acquire() {
        return freeCount == 0 ? -1 : freeCids[--freeCount];
    }

    void release(int cid) {
        if (state[cid] != FREE || freeCount >= poolSize) {
            throw new IllegalStateException("CID " + cid + " released while outstanding or twice");
        }
        freeCids[freeCount++] = cid;
    }
}
