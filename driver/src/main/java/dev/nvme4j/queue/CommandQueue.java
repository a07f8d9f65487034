package dev.nvme4j.queue;

import dev.nvme4j.spec.Le;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.FabricsLink;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One submission queue and its completion queue, with the trackers of its command identifiers:
 * the mechanics shared by the admin queue and every I/O queue pair (NVMe Base Specification
 * 2.0, section 3.3.1 "Memory-based transport queue model").
 *
 * <p>Memory ordering (the rules and why they suffice: docs/ARCHITECTURE.md, "Memory ordering"):
 * SQ entries are plain stores published by the release store of the tail doorbell; a CQ entry's
 * DW3 is read with acquire before its other fields; the CQ head doorbell of a batch is written
 * before any tracker of the batch is released.
 *
 * <p>Not thread-safe: owned by one thread at a time (the queue pair's owner, or the admin lock).
 */
public final class CommandQueue {
    private static final ValueLayout.OfInt LE_INT = Le.INT_ALIGNED;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG_ALIGNED;
    private static final VarHandle CQE_DW3 = LE_INT.varHandle();
    /** Whole SQ quadwords: always 8-byte aligned in the ring, so the unaligned form skips a per-access check. */
    private static final ValueLayout.OfLong SQ_LONG = Le.LONG;

    private final int qid;
    private final int depth;
    private final RegisterSpace regs;
    private final long sqTailDoorbell;
    private final long cqHeadDoorbell;
    private final DmaRegion sqRegion;
    private final DmaRegion cqRegion;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final TrackerPool trackers;
    private final QueueStats stats;
    /** The fabrics transport that fills the CQ ring, or null (PCIe: the device writes it by DMA). */
    private final FabricsLink link;

    private int sqTail;
    private int sqHead;
    private int lastRungTail;
    private int cqHead;
    /**
     * Closed by another thread while a reap was delivering a batch: the reap stops after that
     * batch (the rings may be released soon). Read once per batch, not per entry.
     */
    private volatile boolean retired;
    private int phase = 1;

    /** Shadow doorbells of this queue (Doorbell Buffer Config), or null: MMIO only. */
    private ShadowDoorbells shadow;
    /** Keep the shadow entries current but write the MMIO doorbell every time (the admin queue). */
    private boolean shadowRingAlways;
    private long shadowSqSlot;
    private long shadowCqSlot;

    // Scratch of one completion batch: filled before the CQ doorbell, consumed after it.
    private final Tracker[] batchTracker;
    private final int[] batchStatus;
    private final int[] batchDw0;
    private final int[] batchDw1;

    public CommandQueue(int qid, int depth, RegisterSpace regs, int dstrd, DmaRegion sqRegion, DmaRegion cqRegion,
                        TrackerPool trackers, QueueStats stats, int batchCap) {
        this(qid, depth, regs, dstrd, sqRegion, cqRegion, trackers, stats, batchCap, null);
    }

    /** As above; {@code link}: the fabrics transport that fills the CQ ring (null for PCIe). */
    public CommandQueue(int qid, int depth, RegisterSpace regs, int dstrd, DmaRegion sqRegion, DmaRegion cqRegion,
                        TrackerPool trackers, QueueStats stats, int batchCap, FabricsLink link) {
        if (depth < 2 || trackers.capacity() != depth - 1) {
            throw new IllegalArgumentException("depth " + depth + " needs " + (depth - 1) + " trackers, got "
                    + trackers.capacity());
        }
        this.qid = qid;
        this.depth = depth;
        this.regs = regs;
        this.sqTailDoorbell = NvmeRegs.sqTailDoorbell(qid, dstrd);
        this.cqHeadDoorbell = NvmeRegs.cqHeadDoorbell(qid, dstrd);
        this.sqRegion = sqRegion;
        this.cqRegion = cqRegion;
        this.sq = sqRegion.segment();
        this.cq = cqRegion.segment();
        this.trackers = trackers;
        this.stats = stats;
        this.link = link;
        int cap = Math.max(1, Math.min(batchCap, depth));
        batchTracker = new Tracker[cap];
        batchStatus = new int[cap];
        batchDw0 = new int[cap];
        batchDw1 = new int[cap];
    }

    public int qid() {
        return qid;
    }

    public int depth() {
        return depth;
    }

    public DmaRegion sqRegion() {
        return sqRegion;
    }

    public DmaRegion cqRegion() {
        return cqRegion;
    }

    public TrackerPool trackers() {
        return trackers;
    }

    public QueueStats stats() {
        return stats;
    }

    /** True when data must be described by SGLs only (a fabrics transport: no PRPs). */
    public boolean sglOnly() {
        return link != null && link.sglOnly();
    }

    public int batchCap() {
        return batchTracker.length;
    }

    /** True when a command can be issued now: a free CID and a free SQ slot. */
    public boolean hasRoom() {
        return trackers.free() > 0 && next(sqTail) != sqHead;
    }

    /** Takes a tracker for a new command, or null when the queue is full. */
    public Tracker acquire() {
        if (next(sqTail) == sqHead) {
            return null;
        }
        return trackers.acquire();
    }

    /** Returns a tracker whose command completed (or was given up). */
    public void release(Tracker t) {
        trackers.release(t);
    }

    /**
     * Starts the entry of {@code t}'s command in the SQ slot at the tail: zeroes it and writes
     * CDW0 (opcode, CID; PRPs) and NSID. The caller fills the rest through {@link #sq()} at the
     * returned offset, then calls {@link #finishEntry}.
     */
    public long startEntry(Tracker t, int opcode, int nsid) {
        long base = (long) sqTail << Sqe.SIZE_LOG2;
        for (int off = 0; off < Sqe.SIZE; off += 8) {
            sq.set(LE_LONG, base + off, 0L);
        }
        sq.set(LE_INT, base + Sqe.OFF_CDW0, Sqe.cdw0(opcode, t.cid));
        sq.set(LE_INT, base + Sqe.OFF_NSID, nsid);
        return base;
    }

    /**
     * Starts the entry of a raw (passthrough or admin) command: opcode, NSID and command dwords
     * 2, 3 and 10 to 15 as given. The caller adds the data pointer, then {@link #finishEntry}.
     */
    public long startRawEntry(Tracker t, RawCommand c) {
        long base = startEntry(t, c.opcode(), c.nsid());
        Sqe.putInt(sq, base, Sqe.OFF_CDW2, c.cdw2());
        Sqe.putInt(sq, base, Sqe.OFF_CDW3, c.cdw3());
        Sqe.putInt(sq, base, Sqe.OFF_CDW10, c.cdw10());
        Sqe.putInt(sq, base, Sqe.OFF_CDW11, c.cdw11());
        Sqe.putInt(sq, base, Sqe.OFF_CDW12, c.cdw12());
        Sqe.putInt(sq, base, Sqe.OFF_CDW13, c.cdw13());
        Sqe.putInt(sq, base, Sqe.OFF_CDW14, c.cdw14());
        Sqe.putInt(sq, base, Sqe.OFF_CDW15, c.cdw15());
        return base;
    }

    /** The SQ ring, for filling an entry started with {@link #startEntry}. */
    public MemorySegment sq() {
        return sq;
    }

    /** Completes the entry at the tail: saves a copy in the tracker, arms its deadline, advances the tail. */
    public void finishEntry(Tracker t, long deadlineNanos) {
        long base = (long) sqTail << Sqe.SIZE_LOG2;
        MemorySegment.copy(sq, base, t.savedSqe, 0, Sqe.SIZE);
        t.deadlineNanos = deadlineNanos;
        sqTail = next(sqTail);
        stats.countSubmitted();
    }

    /**
     * Writes a whole entry at the tail from its eight little-endian quadwords (CDW0 and NSID,
     * CDW2-3, MPTR, DPTR's two, CDW10-11, 12-13, 14-15), keeps the tracker's copy, arms its
     * deadline, advances the tail: each byte written once, nothing read back from the ring.
     */
    void putEntry(Tracker t, long w0, long w1, long w2, long w3, long w4, long w5, long w6, long w7,
                  long deadlineNanos) {
        long base = (long) sqTail << Sqe.SIZE_LOG2;
        MemorySegment s = sq;
        s.set(SQ_LONG, base, w0);
        s.set(SQ_LONG, base + 8, w1);
        s.set(SQ_LONG, base + 16, w2);
        s.set(SQ_LONG, base + 24, w3);
        s.set(SQ_LONG, base + 32, w4);
        s.set(SQ_LONG, base + 40, w5);
        s.set(SQ_LONG, base + 48, w6);
        s.set(SQ_LONG, base + 56, w7);
        t.save(w0, w1, w2, w3, w4, w5, w6, w7);
        t.deadlineNanos = deadlineNanos;
        sqTail = next(sqTail);
        stats.countSubmitted();
    }

    /** Re-issues a tracker's saved entry (after a controller reset recreated the queue). */
    public void resubmitSaved(Tracker t, long deadlineNanos) {
        t.retries++;
        t.reaped = false;
        putSaved(t, deadlineNanos);
        stats.countResubmitted();
    }

    private void putSaved(Tracker t, long deadlineNanos) {
        MemorySegment.copy(t.savedSqe, 0, sq, (long) sqTail << Sqe.SIZE_LOG2, Sqe.SIZE);
        t.deadlineNanos = deadlineNanos;
        t.recoveryStep = RecoveryStep.NONE;
        t.retryWaiting = false;
        sqTail = next(sqTail);
    }

    /** True when the SQ has a free slot (the command's tracker is already held). */
    public boolean hasSqSlot() {
        return next(sqTail) != sqHead;
    }

    /**
     * Re-issues a tracker's saved entry after a retryable error status, under a CID of the next
     * generation (a late copy of the failed attempt's completion then matches nothing).
     */
    void retrySaved(Tracker t, long deadlineNanos) {
        trackers.renew(t);
        int cdw0 = t.savedSqe.get(LE_INT, Sqe.OFF_CDW0);
        t.savedSqe.set(LE_INT, Sqe.OFF_CDW0, (cdw0 & 0xFFFF) | (t.cid << 16));
        t.errorRetries++;
        putSaved(t, deadlineNanos);
        stats.countRetry();
        stats.countSubmitted();
    }

    /**
     * Routes this queue's doorbells through {@code buffer} (null: MMIO only again). The queue's
     * shadow entries are set to the current tail and head first, so the controller reads true
     * values from the moment it takes the buffer. {@code ringAlways}: keep the entries current but
     * write the MMIO doorbell every time. Called by the queue's owner (or with the queue quiesced).
     */
    public void attachShadow(ShadowDoorbells buffer, boolean ringAlways) {
        if (buffer != null) {
            if (qid > buffer.maxQueueId()) {
                buffer = null; // its entries do not fit in the page: MMIO only
            } else {
                shadowSqSlot = buffer.sqSlot(qid);
                shadowCqSlot = buffer.cqSlot(qid);
                buffer.preset(qid, lastRungTail, cqHead);
            }
        }
        shadow = buffer;
        shadowRingAlways = ringAlways;
    }

    /** True when this queue's doorbells go through shadow doorbells. */
    public boolean shadowAttached() {
        return shadow != null;
    }

    /** Rings the SQ tail doorbell if entries were added since the last ring (one write per batch). */
    public void ringSubmissions() {
        if (sqTail != lastRungTail) {
            int old = lastRungTail;
            lastRungTail = sqTail;
            ringDoorbell(sqTailDoorbell, shadowSqSlot, sqTail, old);
        }
    }

    /**
     * Writes the SQ tail doorbell again with the current tail (recovery from a lost write):
     * always the MMIO register, whatever the EventIdx says.
     */
    public void reringSubmissions() {
        if (shadow != null) {
            shadow.publish(shadowSqSlot, sqTail, lastRungTail);
        }
        regs.writeDoorbell(sqTailDoorbell, sqTail);
        lastRungTail = sqTail;
        stats.countDoorbell();
    }

    /**
     * One doorbell update: without shadow doorbells the MMIO write; with them the shadow store,
     * and the MMIO write only when the controller's EventIdx lies between the old and the new
     * value (otherwise the controller reads the shadow entry itself).
     */
    private void ringDoorbell(long mmio, long slot, int value, int old) {
        ShadowDoorbells s = shadow;
        if (s != null && !s.publish(slot, value, old) && !shadowRingAlways) {
            stats.countDoorbellAvoided();
            return;
        }
        regs.writeDoorbell(mmio, value);
        stats.countDoorbell();
    }

    /** The queue is being closed: a reap under way stops after its current batch. Any thread. */
    public void retire() {
        retired = true;
    }

    /** True when the entry at the CQ head is new (its phase tag matches ours). */
    public boolean completionPending() {
        if (link != null) {
            link.pump(qid);
        }
        return entryAtHead();
    }

    private boolean entryAtHead() {
        int dw3 = (int) CQE_DW3.getAcquire(cq, ((long) cqHead << Cqe.SIZE_LOG2) + Cqe.OFF_DW3);
        return Cqe.phase(dw3) == phase;
    }

    /**
     * Reaps up to {@code max} new completion entries, in batches of at most {@link #batchCap()}:
     * each batch copies the entries' fields, advances the head, rings the CQ head doorbell once
     * (whenever the head moved, also when the entries consumed named no outstanding command),
     * and only then hands each to {@code sink}. {@code Integer.MAX_VALUE} reaps everything posted.
     *
     * @return entries reaped
     */
    public int reap(int max, CompletionSink sink) {
        if (link != null) {
            link.pump(qid);
        }
        int n = reapBatch(Math.min(max, batchTracker.length), sink);
        while (n < max && !retired && entryAtHead()) {
            n += reapBatch(Math.min(max - n, batchTracker.length), sink);
        }
        return n;
    }

    private int reapBatch(int max, CompletionSink sink) {
        int headBefore = cqHead;
        int phaseBefore = phase;
        int n = collect(max);
        if (cqHead == headBefore && phase == phaseBefore) {
            return 0;
        }
        // Ring whenever the head moved, even if every entry consumed named no outstanding
        // command: otherwise the controller still counts those slots as occupied.
        ringDoorbell(cqHeadDoorbell, shadowCqSlot, cqHead, headBefore);
        stats.countCompleted(n);
        for (int i = 0; i < n; i++) {
            Tracker t = batchTracker[i];
            batchTracker[i] = null;
            if (batchStatus[i] != 0) {
                stats.countError();
            }
            sink.onCompletion(t, batchStatus[i], batchDw0[i], batchDw1[i]);
        }
        return n;
    }

    private int collect(int max) {
        int n = 0;
        while (n < max) {
            long base = (long) cqHead << Cqe.SIZE_LOG2;
            int dw3 = (int) CQE_DW3.getAcquire(cq, base + Cqe.OFF_DW3);
            if (Cqe.phase(dw3) != phase) {
                break;
            }
            int dw0 = cq.get(LE_INT, base + Cqe.OFF_DW0);
            int dw1 = cq.get(LE_INT, base + Cqe.OFF_DW1);
            int dw2 = cq.get(LE_INT, base + Cqe.OFF_DW2);
            advanceCqHead();
            int h = Cqe.sqHead(dw2);
            sqHead = h < depth ? h : h % depth; // a device's bad head stays in range; no division otherwise
            Tracker t = trackers.byCid(Cqe.cid(dw3));
            if (t == null || !t.busy || t.reaped) {
                stats.staleCompletion(qid, dw3); // never delivered: it would complete another command
                continue;
            }
            t.reaped = true;
            batchTracker[n] = t;
            batchStatus[n] = Cqe.status(dw3);
            batchDw0[n] = dw0;
            batchDw1[n] = dw1;
            n++;
        }
        return n;
    }

    private void advanceCqHead() {
        if (++cqHead == depth) {
            cqHead = 0;
            phase ^= 1;
        }
    }

    /**
     * Forgets all ring state after the controller was reset (Base 3.7.2: a reset deletes every
     * queue): rings zeroed, heads and tails 0, phase 1. Busy trackers stay busy so their
     * commands can be resubmitted or failed.
     */
    public void resetRings() {
        sq.fill((byte) 0);
        cq.fill((byte) 0);
        sqTail = 0;
        sqHead = 0;
        lastRungTail = 0;
        cqHead = 0;
        phase = 1;
        shadow = null; // the reset made the controller forget the buffer; the reset attaches it again
    }

    /**
     * Every command of this queue was given up (the controller failed, or the queue is being
     * torn down): the entries still in the SQ will never be fetched, so their slots count as
     * free again. Without this a dead device, which never reports a new SQ head, would keep
     * the queue "full" for ever.
     */
    public void abandonSubmissions() {
        sqHead = sqTail;
    }

    /** Commands in the SQ not yet known to be fetched. */
    public int sqOccupancy() {
        return (sqTail - sqHead + depth) % depth;
    }

    private int next(int index) {
        int n = index + 1;
        return n == depth ? 0 : n;
    }
}
