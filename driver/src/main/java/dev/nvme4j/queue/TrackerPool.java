package dev.nvme4j.queue;

import dev.nvme4j.dma.DmaRegion;
import java.lang.foreign.MemorySegment;

/**
 * The trackers of one queue, with an intrusive free stack (LIFO keeps recently used trackers
 * and their PRP areas warm in cache). A queue of depth {@code d} has {@code d - 1} trackers:
 * that is how many commands it can hold at once (Base 4.1.1: a queue is full when tail + 1 ==
 * head).
 *
 * <p>Command identifiers: the low bits are the tracker's index, the bits above (as many of the
 * CID's 16 as the index leaves) a generation number advanced each time the tracker is taken,
 * so a completion entry for an earlier command of the slot (a duplicate or stale entry from a
 * misbehaving device) does not match the slot's current command. CID FFFFh is never used (the
 * Error Information log page uses it for "no command").
 *
 * <p>Owned by one thread (the queue's owner, or the admin lock holder); no synchronization.
 */
public final class TrackerPool {
    private final Tracker[] trackers;
    /** Bits of a CID that hold the tracker index; the generation sits above them. */
    private final int indexBits;
    private final int indexMask;
    private final int generations;
    private int freeHead;
    private int free;

    /**
     * @param count        number of trackers (CIDs 0..count-1)
     * @param prpArea      DMA memory holding every tracker's PRP list area, back to back
     * @param prpAreaBytes bytes per tracker (a power of two up to a page, or whole pages)
     */
    public TrackerPool(int count, DmaRegion prpArea, long prpAreaBytes) {
        if (count < 1 || count > 65535) {
            throw new IllegalArgumentException("tracker count must be 1..65535, got " + count);
        }
        trackers = new Tracker[count];
        indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(count - 1));
        indexMask = (1 << indexBits) - 1;
        generations = 1 << (16 - indexBits);
        for (int cid = 0; cid < count; cid++) {
            long off = cid * prpAreaBytes;
            MemorySegment list = prpArea.segment().asSlice(off, prpAreaBytes);
            trackers[cid] = new Tracker(cid, list, prpArea.iova() + off);
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
        renew(t);
        t.busy = true;
        t.recoveryStep = RecoveryStep.NONE;
        t.retries = 0;
        t.errorRetries = 0;
        t.retryWaiting = false;
        free--;
        return t;
    }

    /** Gives the tracker's next command (or the re-issue of its command) a CID of the next generation. */
    void renew(Tracker t) {
        int gen = (t.cid >>> indexBits) + 1;
        int next = gen >= generations ? t.index : (gen << indexBits) | t.index;
        t.cid = next == 0xFFFF ? t.index : next;
        t.reaped = false;
    }

    /** Returns a tracker to the free stack. */
    public void release(Tracker t) {
        if (!t.busy) {
            throw new IllegalStateException("CID " + t.cid + " released twice");
        }
        t.busy = false;
        t.retryWaiting = false;
        t.nextFree = freeHead;
        freeHead = t.index;
        free++;
    }

    /** The tracker at {@code index} (0 .. capacity - 1), or null when out of range. */
    public Tracker get(int index) {
        return index < trackers.length ? trackers[index] : null;
    }

    /**
     * The tracker whose current command has CID {@code cid}, or null when no tracker's does
     * (out of range, or another generation of the slot: a stale entry).
     */
    public Tracker byCid(int cid) {
        int index = cid & indexMask;
        if (index >= trackers.length) {
            return null;
        }
        Tracker t = trackers[index];
        return t.cid == cid ? t : null;
    }

    /**
     * The first busy tracker after {@code previous} (from the start when null), or null: the one
     * scan of the outstanding commands, {@code for (Tracker t = pool.nextBusy(null); t != null;
     * t = pool.nextBusy(t))}. Allocation-free.
     */
    public Tracker nextBusy(Tracker previous) {
        for (int i = previous == null ? 0 : previous.index + 1; i < trackers.length; i++) {
            if (trackers[i].busy) {
                return trackers[i];
            }
        }
        return null;
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
