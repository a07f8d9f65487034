package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.EventIdx;
import dev.nvme4j.api.NvmeStatus;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The controller side of Doorbell Buffer Config (Base 5.8): the host's shadow doorbell page and
 * the EventIdx page this controller writes, entry {@code 2y} for SQ y and {@code 2y + 1} for CQ y
 * (4 &lt;&lt; CAP.DSTRD bytes apart). Under the device lock.
 *
 * <p>This controller's EventIdx policy (a queue's entries are written at Doorbell Buffer Config
 * and then as below, never when a queue is created: see {@link #sqCreated}):
 * <ul>
 * <li>SQ tails: it fetches commands only when the SQ tail doorbell is rung, so each SQ's EventIdx
 * is the tail last rung: every further submission needs the MMIO write.</li>
 * <li>CQ heads: it reads the shadow CQ head itself whenever it needs room to post a completion,
 * so while it is not waiting the EventIdx is one behind the head (no MMIO write needed). When
 * the CQ is still full after that read it arms: EventIdx = the head it knows, a fence, one more
 * read of the shadow head (the host may have moved it meanwhile); then the next head update must
 * be rung, and until it is the controller does not look at the shadow entry again.</li>
 * </ul>
 *
 * <p>Spec-violation detector: a shadow entry that moved past the EventIdx without the MMIO write
 * ({@link Kind#SHADOW_DOORBELL_NOT_RUNG}). The controller cannot tell a host that skipped the
 * write from one that is just about to do it, so a difference counts when it is still there
 * {@link #GRACE_NANOS} later (checked on every register access), or at once when the test asks
 * for the violations (the host is quiescent then).
 */
final class MockShadowDoorbells {
    private static final ValueLayout.OfInt LE_INT = Le.INT_ALIGNED;
    private static final VarHandle SLOT = LE_INT.varHandle();
    /** How long a missing MMIO write may be "about to happen" before it is a violation. */
    static final long GRACE_NANOS = 200_000_000L;

    private final MockNvmeController c;
    private final MemorySegment shadow;
    private final MemorySegment eventIdx;
    private final int strideBytes;
    private final boolean[] cqArmed;
    private final int[] sqPending;
    private final long[] sqPendingSince;
    private final int[] cqPending;
    private final long[] cqPendingSince;

    private MockShadowDoorbells(MockNvmeController c, MemorySegment shadow, MemorySegment eventIdx, int strideBytes) {
        this.c = c;
        this.shadow = shadow;
        this.eventIdx = eventIdx;
        this.strideBytes = strideBytes;
        int n = c.sqs.length;
        cqArmed = new boolean[n];
        sqPending = new int[n];
        sqPendingSince = new long[n];
        cqPending = new int[n];
        cqPendingSince = new long[n];
        java.util.Arrays.fill(sqPending, -1);
        java.util.Arrays.fill(cqPending, -1);
    }

    /** Doorbell Buffer Config (admin 7Ch): PRP1 the shadow page, PRP2 the EventIdx page. Returns the status. */
    static int configure(MockNvmeController c, long prp1, long prp2) {
        if (!c.config.shadowDoorbells()) {
            return NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
        }
        long page = c.regs.pageSize;
        if (prp1 == 0 || prp2 == 0 || (prp1 & (page - 1)) != 0 || (prp2 & (page - 1)) != 0 || prp1 == prp2) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // Base 5.8: two distinct, page-aligned pages
        }
        MemorySegment s = c.ring(prp1, page);
        MemorySegment e = c.ring(prp2, page);
        if (s == null || e == null) {
            return NvmeStatus.DATA_TRANSFER_ERROR.code(false);
        }
        int stride = 4 << dev.nvme4j.spec.NvmeRegs.capDstrd(c.regs.cap);
        MockShadowDoorbells m = new MockShadowDoorbells(c, s, e, stride);
        for (int q = 0; q < c.sqs.length && q < m.maxQueues(); q++) {
            // The queues that exist now get their EventIdx entries as after a ring.
            if (c.sqs[q] != null) {
                m.sqRung(c.sqs[q]);
            }
            if (c.cqs[q] != null) {
                m.cqRung(c.cqs[q]);
            }
        }
        c.shadow = m;
        return 0;
    }

    private int maxQueues() {
        return (int) (shadow.byteSize() / (2L * strideBytes));
    }

    private long sqSlot(int qid) {
        return 2L * qid * strideBytes;
    }

    private long cqSlot(int qid) {
        return (2L * qid + 1) * strideBytes;
    }

    private boolean covers(int qid) {
        return qid < maxQueues() && qid < cqArmed.length;
    }

    private int read(long slot) {
        return (int) SLOT.getVolatile(shadow, slot);
    }

    private void setEvent(long slot, int v) {
        SLOT.setRelease(eventIdx, slot, v);
        VarHandle.fullFence();
    }

    /**
     * An I/O SQ was created while the buffer is configured. Its EventIdx entry is left as it is,
     * as QEMU does (it writes an EventIdx only while it works on the queue): after a queue was
     * deleted and another created with the same id, the entry still holds the old queue's
     * value, which says nothing about the new queue. A host that trusts it may skip the MMIO
     * write of the new queue's first tail, which this controller then never fetches.
     */
    void sqCreated(MockSq sq) {
        if (covers(sq.qid)) {
            sqPending[sq.qid] = -1;
        }
    }

    /** An I/O CQ was created while the buffer is configured; its EventIdx entry is left as it is (see {@link #sqCreated}). */
    void cqCreated(MockCq cq) {
        if (covers(cq.qid)) {
            cqArmed[cq.qid] = false;
            cqPending[cq.qid] = -1;
        }
    }

    /** The SQ tail doorbell was rung: the next submission needs a ring too. */
    void sqRung(MockSq sq) {
        if (covers(sq.qid)) {
            setEvent(sqSlot(sq.qid), sq.tail);
            sqPending[sq.qid] = -1;
        }
    }

    /** The CQ head doorbell was rung (and applied): stay armed only while completions still wait. */
    void cqRung(MockCq cq) {
        if (!covers(cq.qid)) {
            return;
        }
        cqPending[cq.qid] = -1;
        if (cq.waiting.isEmpty()) {
            cqArmed[cq.qid] = false;
            setEvent(cqSlot(cq.qid), Math.floorMod(cq.head - 1, cq.size));
        } else {
            cqArmed[cq.qid] = true;
            setEvent(cqSlot(cq.qid), cq.head);
        }
    }

    /**
     * The controller needs room in {@code cq}: unless armed (waiting for the ring), reads the
     * shadow head and applies it; arms when the queue is still full.
     */
    void needCqSpace(Engine engine, MockCq cq) {
        if (!covers(cq.qid) || cqArmed[cq.qid]) {
            return;
        }
        long slot = cqSlot(cq.qid);
        applyShadowHead(engine, cq, slot);
        if (!cq.isFull()) {
            return;
        }
        cqArmed[cq.qid] = true;
        setEvent(slot, cq.head);
        int before = cq.head;
        applyShadowHead(engine, cq, slot); // the host may have moved it before it saw the new EventIdx
        if (cq.head != before) {
            cqArmed[cq.qid] = false;
            setEvent(slot, Math.floorMod(cq.head - 1, cq.size));
        }
    }

    private void applyShadowHead(Engine engine, MockCq cq, long slot) {
        int h = read(slot);
        if (h != cq.head) {
            engine.cqHeadDoorbell(cq, h); // the same checks as the register (range, beyond posted)
        }
    }

    /**
     * The detector: every shadow entry the host moved past this controller's EventIdx without
     * ringing. {@code graceNanos}: how long a difference may stand before it counts.
     */
    void check(long now, long graceNanos) {
        int n = Math.min(c.sqs.length, maxQueues());
        for (int q = 0; q < n; q++) {
            MockSq sq = c.sqs[q];
            if (sq != null) {
                int v = read(sqSlot(q));
                int event = (int) SLOT.getVolatile(eventIdx, sqSlot(q));
                boolean owed = v != sq.tail && EventIdx.needEvent(event, v, sq.tail);
                if (stale(owed, v, now, graceNanos, sqPending, sqPendingSince, q)) {
                    c.violation(Kind.SHADOW_DOORBELL_NOT_RUNG, String.format("SQ %d: shadow tail %d passes EventIdx %d"
                            + " (the tail last rung was %d) and the SQ tail doorbell was not written", q, v, event, sq.tail));
                }
            }
            MockCq cq = c.cqs[q];
            if (cq != null) {
                int v = read(cqSlot(q));
                boolean owed = cqArmed[q] && v != cq.head;
                if (stale(owed, v, now, graceNanos, cqPending, cqPendingSince, q)) {
                    c.violation(Kind.SHADOW_DOORBELL_NOT_RUNG, String.format("CQ %d: shadow head %d passes EventIdx %d"
                            + " while the controller waits for room, and the CQ head doorbell was not written", q, v, cq.head));
                }
            }
        }
    }

    /** True once per stale value: owed, and the same value owed for at least the grace period. */
    private static boolean stale(boolean owed, int v, long now, long grace, int[] pending, long[] since, int q) {
        if (!owed) {
            pending[q] = -1;
            return false;
        }
        if (pending[q] != v) {
            pending[q] = v;
            since[q] = now;
        }
        if (since[q] != Long.MIN_VALUE && now - since[q] >= grace) {
            since[q] = Long.MIN_VALUE; // reported; not again for this value
            return true;
        }
        return false;
    }
}
