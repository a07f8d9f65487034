package dev.nvme4j.mock;

import dev.nvme4j.device.EventFdVector;

/**
 * MSI-X signalling (PCIe transport, Base 3.4.3): each CQ with interrupts enabled signals its
 * vector when a completion is posted, subject to the vector's mask (the MSI-X table Mask bit,
 * PCI Local Bus 6.8.2.9: a masked vector keeps its signal pending) and to Interrupt Coalescing
 * (Base 5.27.1.8: aggregation threshold and time, I/O completion queues only).
 */
final class Interrupts {
    private final MockNvmeController c;
    private final boolean[] masked;
    private final boolean[] pendingWhileMasked;
    private final int[] aggregated;
    private final long[] aggregationDeadline;
    /** When a late (fault-delayed) signal of each vector is due; Long.MAX_VALUE when none is. */
    private final long[] lateDeadline;
    private volatile EventFdVector[] vectors = new EventFdVector[0];
    /** MSI-X is enabled by the host (then INTMS/INTMC must not be used, Base 3.1.3.3). */
    private boolean msix;
    /** Interrupt Coalescing THR (zero-based) and TIME (100 us units). */
    int threshold;
    int time;

    Interrupts(MockNvmeController c, int count) {
        this.c = c;
        masked = new boolean[count];
        pendingWhileMasked = new boolean[count];
        aggregated = new int[count];
        aggregationDeadline = new long[count];
        java.util.Arrays.fill(aggregationDeadline, Long.MAX_VALUE);
        lateDeadline = new long[count];
        java.util.Arrays.fill(lateDeadline, Long.MAX_VALUE);
    }

    /**
     * Replaces the host's vectors, closing the previous set's eventfds: MSI-X enabled with
     * {@code v}, or disabled when {@code v} is null. Under the device lock.
     */
    void attach(EventFdVector[] v) {
        for (EventFdVector old : vectors) {
            old.close();
        }
        msix = v != null;
        vectors = v == null ? new EventFdVector[0] : v;
    }

    boolean msixEnabled() {
        return msix;
    }

    /** Called after a completion is posted to {@code cq}. */
    void completionPosted(MockCq cq, int opcode) {
        if (!cq.ien) {
            return;
        }
        int v = cq.vector;
        if (cq.qid == 0 || (threshold == 0 && time == 0)) {
            fire(v, cq.qid, opcode);
            return;
        }
        if (++aggregated[v] > threshold) {
            fire(v, cq.qid, opcode);
        } else if (time != 0 && aggregationDeadline[v] == Long.MAX_VALUE) {
            aggregationDeadline[v] = c.now() + time * 100_000L;
            c.scheduleWakeup(aggregationDeadline[v]);
        }
    }

    /** Fires vectors whose aggregation time passed; returns the next deadline. */
    long tick(long now) {
        long next = Long.MAX_VALUE;
        for (int v = 0; v < aggregationDeadline.length; v++) {
            long d = aggregationDeadline[v];
            if (d != Long.MAX_VALUE) {
                if (d - now <= 0) {
                    fire(v, -1, -1);
                } else {
                    next = Math.min(next, d);
                }
            }
            long late = lateDeadline[v];
            if (late != Long.MAX_VALUE) {
                if (late - now <= 0) {
                    lateDeadline[v] = Long.MAX_VALUE;
                    signal(v);
                } else {
                    next = Math.min(next, late);
                }
            }
        }
        return next;
    }

    private void fire(int v, int cqid, int opcode) {
        aggregated[v] = 0;
        aggregationDeadline[v] = Long.MAX_VALUE;
        FaultRule[] drop = c.faults.dropInterrupts;
        if (drop.length != 0 && Faults.firing(drop, cqid, opcode) != null) {
            c.counters.interruptsDropped++;
            return;
        }
        FaultRule[] late = c.faults.delayInterrupts;
        FaultRule rule = late.length == 0 ? null : Faults.firing(late, cqid, opcode);
        if (rule != null) {
            // Signals due while one is pending coalesce into it, as MSI-X does.
            c.counters.interruptsDelayed++;
            if (lateDeadline[v] == Long.MAX_VALUE) {
                lateDeadline[v] = c.now() + rule.param;
                c.scheduleWakeup(lateDeadline[v]);
            }
            return;
        }
        signal(v);
    }

    private void signal(int v) {
        if (masked[v]) {
            pendingWhileMasked[v] = true;
            return;
        }
        deliver(v);
    }

    private void deliver(int v) {
        c.counters.interruptsSignalled++;
        EventFdVector[] vs = vectors;
        if (v < vs.length) {
            vs[v].signal();
        }
    }

    void setMasked(int v, boolean m) {
        if (v < 0 || v >= masked.length) {
            throw new IllegalArgumentException("no MSI-X vector " + v + " (the function has " + masked.length + ")");
        }
        masked[v] = m;
        if (!m && pendingWhileMasked[v]) {
            pendingWhileMasked[v] = false;
            deliver(v);
        }
    }

    int count() {
        return masked.length;
    }

    /** Controller reset: coalescing back to defaults, aggregation state cleared (masks belong to PCI, they stay). */
    void reset() {
        threshold = 0;
        time = 0;
        java.util.Arrays.fill(aggregated, 0);
        java.util.Arrays.fill(aggregationDeadline, Long.MAX_VALUE);
        java.util.Arrays.fill(lateDeadline, Long.MAX_VALUE);
    }
}
