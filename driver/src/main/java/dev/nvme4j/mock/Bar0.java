package dev.nvme4j.mock;

import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.NvmeRegs;

/**
 * Decodes the host's accesses to BAR0 for {@link MockNvmeController}: controller registers go to
 * {@link Registers} under the device lock; doorbell writes (PCIe transport 3.1.2) take the lane
 * fast path when they qualify, else the device lock path. A removed device reads all ones.
 */
final class Bar0 {
    private final MockNvmeController c;
    private final Lanes lanes;
    /** The device thread of threaded mode, or null in deterministic mode. */
    private final DeviceThread thread;
    private final int stride;
    /** log2 of the doorbell stride (4 << CAP.DSTRD bytes): doorbells decode with shifts, not divisions. */
    private final int strideShift;
    private final long doorbellEnd;

    Bar0(MockNvmeController c, Lanes lanes, DeviceThread thread, int dstrd, int queueSlots) {
        this.c = c;
        this.lanes = lanes;
        this.thread = thread;
        this.stride = 4 << dstrd;
        this.strideShift = 2 + dstrd;
        this.doorbellEnd = NvmeRegs.DOORBELL_BASE + 2L * (queueSlots + 1) * stride;
    }

    int read32(long off) {
        if (c.isRemoved()) {
            return 0xFFFF_FFFF;
        }
        lanes.lockAll();
        try {
            c.tick();
            return off >= NvmeRegs.DOORBELL_BASE ? 0 : c.regs.read32(off);
        } finally {
            lanes.unlockAll();
        }
    }

    long read64(long off) {
        if (c.isRemoved()) {
            return -1L;
        }
        lanes.lockAll();
        try {
            c.tick();
            return off >= NvmeRegs.DOORBELL_BASE ? 0 : c.regs.read64(off);
        } finally {
            lanes.unlockAll();
        }
    }

    void write64(long off, long v) {
        if (c.isRemoved()) {
            c.removal.countWrite();
            return;
        }
        lanes.lockAll();
        try {
            c.tick();
            c.regs.write64(off, v);
        } finally {
            lanes.unlockAll();
        }
    }

    void write32(long off, int v) {
        if (c.isRemoved()) {
            c.removal.countWrite();
            return;
        }
        if (off >= NvmeRegs.DOORBELL_BASE && thread == null && laneDoorbell(off, v)) {
            return;
        }
        boolean run;
        lanes.lockAll();
        try {
            if (off < NvmeRegs.DOORBELL_BASE) {
                c.tick();
                c.regs.write32(off, v);
                return;
            }
            run = doorbell(off, v);
            if (run && thread == null && c.config.runOnDoorbell()) {
                c.engine.runUntilIdle();
            }
        } finally {
            lanes.unlockAll();
        }
        if (run && thread != null) {
            thread.wake();
        }
    }

    /**
     * The lane fast path of an I/O doorbell (deterministic mode, see MockNvmeController's class
     * comment). Returns false, having changed nothing, when the doorbell does not qualify: the
     * caller then takes the device lock path.
     */
    private boolean laneDoorbell(long off, int v) {
        if (!c.namespaces.laneStoresOnly() || !c.config.runOnDoorbell() || c.shadow != null) {
            return false;
        }
        long rel = off - NvmeRegs.DOORBELL_BASE;
        int qid = (int) (rel >>> (strideShift + 1));
        if (qid == 0 || qid >= lanes.count() || (rel & (stride - 1)) != 0) {
            return false;
        }
        boolean cqDoorbell = ((rel >>> strideShift) & 1) == 1;
        Lanes.Lane lane = lanes.lane(qid);
        lane.lock.lock();
        try {
            MockSq sq = c.sqs[qid];
            MockCq cq = c.cqs[qid];
            if (sq == null || cq == null || sq.cqid != qid || cq.sqRefs != 1 || !laneConditions()
                    || cq.ien && (c.faults.dropInterrupts.length != 0 || c.faults.delayInterrupts.length != 0)) {
                return false;
            }
            if (cqDoorbell) {
                if (Integer.compareUnsigned(v, cq.size) >= 0) {
                    return false; // a violation: recorded by the device lock path
                }
                lane.engine().cqHeadDoorbell(cq, v);
                return true;
            }
            if (Integer.compareUnsigned(v, sq.size) >= 0) {
                return false;
            }
            sq.tail = v;
            Engine e = lane.engine();
            while (sq.hasWork() && laneConditions()) {
                e.executeNext(sq);
            }
            if (sq.hasWork()) {
                // Conditions changed under us (a fault installed from another thread): the device
                // lock path runs the rest; the tail is already recorded.
                lane.lock.unlock();
                try {
                    runUntilIdleLocked();
                } finally {
                    lane.lock.lock();
                }
            }
            return true;
        } finally {
            lane.lock.unlock();
        }
    }

    /** Controller-wide conditions of the lane path; read under a lane lock (written under all of them). */
    private boolean laneConditions() {
        Faults faults = c.faults;
        return !c.isRemoved() && c.regs.operational() && !c.regs.cfs && !faults.commandFaults
                && faults.ignoreSqDoorbell.length == 0 && faults.corrupt.length == 0 && faults.corruptAt.length == 0
                && c.engine.latencyNanos == 0 && c.engine.abortsRequested() == 0;
    }

    private void runUntilIdleLocked() {
        lanes.lockAll();
        try {
            c.engine.runUntilIdle();
        } finally {
            lanes.unlockAll();
        }
    }

    /** The device lock path of a doorbell write; returns true when the device has new work. Under the device lock. */
    private boolean doorbell(long off, int v) {
        long rel = off - NvmeRegs.DOORBELL_BASE;
        int qid = (int) (rel >>> (strideShift + 1));
        boolean cq = ((rel >>> strideShift) & 1) == 1;
        if ((rel & (stride - 1)) != 0 || off >= doorbellEnd) {
            c.violation(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE, doorbellName(cq, qid, off, v) + " is not a doorbell register");
            return false;
        }
        if (!c.regs.operational()) {
            c.counters.doorbellsIgnored++;
            c.violation(Kind.DOORBELL_WHILE_NOT_READY, doorbellName(cq, qid, off, v) + " while CSTS.RDY = 0 or CC.EN = 0");
            return false;
        }
        if (cq) {
            MockCq q = qid < c.cqs.length ? c.cqs[qid] : null;
            if (q == null) {
                c.violation(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE, doorbellName(cq, qid, off, v));
                return false;
            }
            boolean work = c.engine.cqHeadDoorbell(q, v);
            MockShadowDoorbells s = c.shadow;
            if (s != null) {
                s.cqRung(q);
            }
            return work;
        }
        MockSq q = qid < c.sqs.length ? c.sqs[qid] : null;
        if (q == null) {
            c.violation(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE, doorbellName(cq, qid, off, v));
            return false;
        }
        if (Integer.compareUnsigned(v, q.size) >= 0) {
            c.counters.doorbellsIgnored++;
            c.violation(Kind.SQ_TAIL_OUT_OF_RANGE, doorbellName(cq, qid, off, v) + ", the queue has " + q.size + " entries");
            return false;
        }
        FaultRule[] ignore = c.faults.ignoreSqDoorbell;
        if (ignore.length != 0 && Faults.firing(ignore, qid, -1) != null) {
            c.counters.doorbellsIgnored++;
            return false;
        }
        q.tail = v;
        MockShadowDoorbells s = c.shadow;
        if (s != null) {
            s.sqRung(q);
        }
        return true;
    }

    private static String doorbellName(boolean cq, int qid, long off, int v) {
        return String.format("%s doorbell of queue %d (offset 0x%x) = %d", cq ? "CQ head" : "SQ tail", qid, off, v);
    }
}
