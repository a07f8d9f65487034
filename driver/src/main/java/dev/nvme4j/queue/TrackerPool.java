package dev.nvme4j.queue;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The trackers of one queue, indexed by command identifier, with an intrusive free stack
 * (LIFO keeps recently used trackers and their PRP areas warm in cache). A queue of depth
 * {@code d} has {@code d - 1} trackers: that is how many commands it can hold at once
 * (Base 4.1.1: a queue is full when tail + 1 == head).
 *
 * <p>Owned by one thread (the queue's owner, or the admin lock holder); no synchronization.
 */
public final class TrackerPool {
    private final Tracker[] trackers;
    private int freeHead;
    private int free;

    /**
     * @param count        number of trackers (CIDs 0..count-1)
     * @param prpArea      DMA memory holding every tracker's PRP list area, back to back
     * @param prpAreaBytes bytes per tracker (a power of two up to a page, or whole pages)
     * @param arena        where the saved SQE copies live
     */
    public TrackerPool(int count, DmaRegion prpArea, long prpAreaBytes, Arena arena) {
        if (count < 1 || count > 65535) {
            throw new IllegalArgumentException("tracker count must be 1..65535, got " + count);
        }
        trackers = new Tracker[count];
        MemorySegment sqes = arena.allocate((long) count * Sqe.SIZE, 64);
        for (int cid = 0; cid < count; cid++) {
            long off = cid * prpAreaBytes;
            MemorySegment list = prpArea.segment().asSlice(off, prpAreaBytes);
            trackers[cid] = new Tracker(cid, list, prpArea.iova() + off, sqes.asSlice((long) cid * Sqe.SIZE, Sqe.SIZE));
        }
        for (int cid = count - 1; cid >= 0; cid--) {
            trackers[cid].nextFree = cid == count - 1 ? -1 : cid + 1;
        }
        freeHead = 0;
        free = count;
    }

    /** Takes a free tracker, or returns null when every CID is in use. */
    public Tracker acquire() {
        int cid = freeHead;
        if (cid < 0) {
            return null;
        }
        Tracker t = trackers[cid];
        freeHead = t.nextFree;
        t.nextFree = -1;
        t.busy = true;
        t.recoveryStep = 0;
        t.retries = 0;
        free--;
        return t;
    }

    /** Returns a tracker to the free stack. */
    public void release(Tracker t) {
        if (!t.busy) {
            throw new IllegalStateException("CID " + t.cid + " released twice");
        }
        t.busy = false;
        t.nextFree = freeHead;
        freeHead = t.cid;
        free++;
    }

    /** The tracker of {@code cid}, or null when the CID is out of range. */
    public Tracker get(int cid) {
        return cid < trackers.length ? trackers[cid] : null;
    }

    public int capacity() {
        return trackers.length;
    }

    public int free() {
        return free;
    }

    public int inUse() {
        return trackers.length - free;
    }
}
