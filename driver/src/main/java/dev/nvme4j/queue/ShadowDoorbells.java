package dev.nvme4j.queue;

import dev.nvme4j.spec.Le;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.EventIdx;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The host side of Doorbell Buffer Config (NVMe Base Specification 2.0, section 5.8): a shadow
 * doorbell page the host writes SQ tails and CQ heads to, and an EventIdx page the controller
 * writes, both laid out like the doorbell registers (entry {@code 2y} for SQ y, {@code 2y + 1}
 * for CQ y, 4 &lt;&lt; CAP.DSTRD bytes apart). The two pages are one contiguous region: the
 * command's PRP1 is the first page, PRP2 the second.
 *
 * <p>{@link #publish} is the only hot-path method: it stores the new value in the shadow page
 * (a release store: the queue entries written before it are visible first), issues a full fence
 * (the store must be visible before the EventIdx is read, or the controller could miss both),
 * reads the EventIdx and says whether the MMIO doorbell is still needed. The caller owns the
 * queue; no locks, no allocation.
 */
public final class ShadowDoorbells {
    private static final ValueLayout.OfInt LE_INT = Le.INT_ALIGNED;
    private static final VarHandle SLOT = LE_INT.varHandle();

    private final DmaRegion region;
    private final MemorySegment shadow;
    private final MemorySegment eventIdx;
    private final int strideBytes;

    /**
     * @param region    two pages, page aligned: shadow doorbells, then EventIdx
     * @param pageSize  the controller's memory page size
     * @param dstrd     CAP.DSTRD
     */
    public ShadowDoorbells(DmaRegion region, int pageSize, int dstrd) {
        if (region.segment().byteSize() < 2L * pageSize) {
            throw new IllegalArgumentException("the shadow doorbell region needs two pages of " + pageSize + " bytes");
        }
        this.region = region;
        this.shadow = region.segment().asSlice(0, pageSize);
        this.eventIdx = region.segment().asSlice(pageSize, pageSize);
        this.strideBytes = 4 << dstrd;
    }

    public DmaRegion region() {
        return region;
    }

    /** Queues whose doorbells fit in one page. */
    public int maxQueueId() {
        return (int) (shadow.byteSize() / (2L * strideBytes)) - 1;
    }

    /** Byte offset of SQ {@code qid}'s tail entry in either page. */
    long sqSlot(int qid) {
        return 2L * qid * strideBytes;
    }

    /** Byte offset of CQ {@code qid}'s head entry in either page. */
    long cqSlot(int qid) {
        return (2L * qid + 1) * strideBytes;
    }

    /** Zeroes both pages (before the buffer is given to the controller). */
    public void clear() {
        region.segment().fill((byte) 0);
        VarHandle.fullFence();
    }

    /**
     * Attaching a queue, before the controller knows it (before Create I/O CQ/SQ, or at
     * Doorbell Buffer Config): sets its shadow entries to the current tail and head, and its
     * EventIdx entries to the same values, so the first update of each doorbell is written to
     * MMIO. The EventIdx entries may hold anything at this point: the controller writes them
     * only while it works on a queue, and does not rewrite them when a queue is created (QEMU
     * does not), so after a queue was deleted they still hold that queue's last values. Trusted
     * for a new queue with the same id, they could let the driver skip an MMIO write the
     * controller waits for (a submission never fetched). From the first MMIO write on, the
     * controller's own values are in place.
     */
    void preset(int qid, int sqTail, int cqHead) {
        SLOT.setRelease(shadow, sqSlot(qid), sqTail);
        SLOT.setRelease(shadow, cqSlot(qid), cqHead);
        SLOT.setRelease(eventIdx, sqSlot(qid), sqTail);
        SLOT.setRelease(eventIdx, cqSlot(qid), cqHead);
        VarHandle.fullFence();
    }

    /**
     * Stores {@code newValue} at {@code slot} and tells whether the MMIO doorbell must be written:
     * when the controller's EventIdx for the slot lies in {@code [oldValue, newValue)} (ring order).
     */
    boolean publish(long slot, int newValue, int oldValue) {
        SLOT.setRelease(shadow, slot, newValue);
        VarHandle.fullFence();
        int event = (int) SLOT.getVolatile(eventIdx, slot);
        return needEvent(event, newValue, oldValue);
    }

    /** See {@link EventIdx#needEvent}. */
    public static boolean needEvent(int event, int next, int old) {
        return EventIdx.needEvent(event, next, old);
    }
}
