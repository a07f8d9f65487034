package dev.nvme4j.ctrl;

import dev.nvme4j.device.FabricsLink;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.PrpBuilder;
import dev.nvme4j.queue.QueueStats;
import dev.nvme4j.queue.TrackerPool;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.Sqe;

/**
 * Allocates the memory of one queue: SQ ring, CQ ring (Base 3.3.1: physically contiguous,
 * page aligned, as CAP.CQR requires) and the trackers' PRP list areas, all up front. The SQ ring
 * goes to the controller memory buffer when there is one with room.
 * Thread-safe (stateless apart from its inputs).
 */
final class QueueFactory {
    /** The largest batch of completions handled per poll. */
    static final int BATCH_CAP = 64;

    private final DmaAllocator dma;
    private final RegisterSpace regs;
    private final int dstrd;
    private final int pageSize;
    private final long maxTransfer;
    private final FabricsLink link;
    /** Where the I/O SQ rings go first, or null (host memory only). */
    private final ControllerMemoryBuffer cmb;

    QueueFactory(DmaAllocator dma, RegisterSpace regs, int dstrd, int pageSize, long maxTransfer, FabricsLink link) {
        this(dma, regs, dstrd, pageSize, maxTransfer, link, null);
    }

    QueueFactory(DmaAllocator dma, RegisterSpace regs, int dstrd, int pageSize, long maxTransfer, FabricsLink link,
                 ControllerMemoryBuffer cmb) {
        this.cmb = cmb;
        this.link = link;
        this.dma = dma;
        this.regs = regs;
        this.dstrd = dstrd;
        this.pageSize = pageSize;
        this.maxTransfer = maxTransfer;
    }

    /** A queue and its PRP area; the caller frees the three regions when done. */
    record Built(CommandQueue queue, DmaRegion prpArea) {
    }

    /** The controller memory buffer the SQ rings go to first, or null. */
    ControllerMemoryBuffer cmb() {
        return cmb;
    }

    Built build(int qid, int depth) {
        DmaRegion sq = cmb == null ? null : cmb.tryAllocate((long) depth * Sqe.SIZE);
        if (sq == null) {
            sq = dma.allocate((long) depth * Sqe.SIZE);
        }
        DmaRegion cq = null;
        try {
            cq = dma.allocate((long) depth * Cqe.SIZE);
            long areaBytes = PrpBuilder.areaBytes(maxTransfer, pageSize);
            DmaRegion prp = dma.allocate((depth - 1) * areaBytes);
            TrackerPool pool = new TrackerPool(depth - 1, prp, areaBytes);
            CommandQueue q = new CommandQueue(qid, depth, regs, dstrd, sq, cq, pool, new QueueStats(), BATCH_CAP, link);
            return new Built(q, prp);
        } catch (RuntimeException e) {
            sq.owner().free(sq);
            if (cq != null) {
                dma.free(cq);
            }
            throw e;
        }
    }

    void free(Built b) {
        b.queue().sqRegion().owner().free(b.queue().sqRegion()); // host memory or the CMB
        dma.free(b.queue().cqRegion());
        dma.free(b.prpArea());
    }
}
