package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.NvmeRegs;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/** A host-side SQ/CQ pair in DMA memory, driven by raw doorbell writes (the test's driver). */
final class HostQueue {
    private static final VarHandle DW3 = Le.INT_ALIGNED.varHandle();
    private static final ValueLayout.OfInt LE_INT = Le.INT;

    final int sqid;
    final int cqid;
    final DmaRegion sq;
    final DmaRegion cq;
    final int sqSize;
    final int cqSize;
    private final RegisterSpace regs;
    private final int dstrd;
    int sqTail;
    int cqHead;
    int phase = 1;
    private int nextCid;

    HostQueue(RegisterSpace regs, int dstrd, int sqid, DmaRegion sq, int sqSize, int cqid, DmaRegion cq, int cqSize) {
        this.regs = regs;
        this.dstrd = dstrd;
        this.sqid = sqid;
        this.sq = sq;
        this.sqSize = sqSize;
        this.cqid = cqid;
        this.cq = cq;
        this.cqSize = cqSize;
    }

    /** Writes an SQE at the tail without ringing; returns its CID. */
    int push(Cmd cmd) {
        if (cmd.cid < 0) {
            cmd.cid = nextCid++ & 0xFFFF;
        }
        cmd.writeTo(sq.segment(), (long) sqTail * 64);
        sqTail = (sqTail + 1) % sqSize;
        return cmd.cid;
    }

    void ringSq() {
        regs.writeDoorbell(NvmeRegs.sqTailDoorbell(sqid, dstrd), sqTail);
    }

    int submit(Cmd cmd) {
        int cid = push(cmd);
        ringSq();
        return cid;
    }

    /** Reads the CQE at the head if its phase says it is new (acquire), advancing the head; else null. */
    Cqe poll() {
        MemorySegment ring = cq.segment();
        long base = (long) cqHead * 16;
        int dw3 = (int) DW3.getAcquire(ring, base + 12);
        if (((dw3 >>> 16) & 1) != phase) {
            return null;
        }
        int dw0 = ring.get(LE_INT, base);
        int dw2 = ring.get(LE_INT, base + 8);
        if (++cqHead == cqSize) {
            cqHead = 0;
            phase ^= 1;
        }
        return new Cqe(dw0, dw2 & 0xFFFF, dw2 >>> 16, dw3 & 0xFFFF, dw3 >>> 17);
    }

    void releaseCq() {
        regs.writeDoorbell(NvmeRegs.cqHeadDoorbell(cqid, dstrd), cqHead);
    }

    /** Polls until a CQE arrives or the timeout passes, then releases it; null on timeout. */
    Cqe await(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        do {
            Cqe c = poll();
            if (c != null) {
                releaseCq();
                return c;
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - end < 0);
        return null;
    }

    Cqe await() {
        Cqe c = await(Duration.ofSeconds(5));
        if (c == null) {
            throw new AssertionError("no completion on CQ " + cqid + " within 5 s");
        }
        return c;
    }

    /** Submits and waits for the completion. */
    Cqe execute(Cmd cmd) {
        submit(cmd);
        return await();
    }
}
