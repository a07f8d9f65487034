package dev.nvme4j.mock;

import dev.nvme4j.device.EventFdVector;
import dev.nvme4j.spec.AdminFields;

/**
 * MSI-X signalling (PCIe transport, Base 3.4.3): each CQ with interrupts enabled signals its
 * vector when a completion is posted, subject to the vector's mask (the MSI-X table Mask bit,
 * PCI Local Bus 6.8.2.9: a masked vector keeps its signal pending) and to Interrupt Coalescing
 * (Base 5.27.1.8: aggregation threshold and time, I/O completion queues only).
 *
 * <p>Thread model: everything but {@link #completionPosted} runs under the device lock with
 * every lane lock. {@link #completionPosted} also runs on the lane path (see
 * MockNvmeController), under one lane's lock, at the same time as other lanes: there it reads
 * the state the device-lock path writes (masks, coalescing settings, vectors, faults) without
 * racing it, counts into the lane's counters, and takes the vector's own monitor for what lanes
 * sharing a vector both write (the aggregation count and deadline, a signal left pending by a
 * mask). Delivering is an eventfd write, safe from any thread.
 */
final class Interrupts {
    private final MockNvmeController c;
    /** Per vector: the monitor of its aggregation and pending state. */
    private final Object[] vectorLocks;
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
        vectorLocks = new Object[count];
        java.util.Arrays.setAll(vectorLocks, i -> new Object());
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

    /**
     * Called after a completion is posted to {@code cq}, on the device-lock path or on the lane
     * path (see the class comment), counting into {@code where} (the controller's or the lane's).
     */
    void completionPosted(MockCq cq, int opcode, Counters where) {
        if (!cq.ien) {
            return;
        }
        int v = cq.vector;
        if (cq.qid == 0 || (threshold == 0 && time == 0)) {
            if (aggregated[v] != 0 || aggregationDeadline[v] != Long.MAX_VALUE) {
                clearAggregation(v); // left from coalescing turned off, or I/O queues sharing the admin vector
            }
            fire(v, cq.qid, opcode, where);
            return;
        }
        synchronized (vectorLocks[v]) {
            if (++aggregated[v] > threshold) {
                clearAggregation(v);
                fire(v, cq.qid, opcode, where);
            } else if (time != 0 && aggregationDeadline[v] == Long.MAX_VALUE) {
                aggregationDeadline[v] = c.now() + AdminFields.coalescingTimeNanos(time);
                c.scheduleWakeup(aggregationDeadline[v]);
            }
        }
    }

    /**
     * Fires vectors whose aggregation time passed and delivers late signals that are due;
     * returns the next deadline.
     */
    long tick(long now) {
        long next = Long.MAX_VALUE;
        for (int v = 0; v < aggregationDeadline.length; v++) {
            synchronized (vectorLocks[v]) {
                long d = aggregationDeadline[v];
                if (d != Long.MAX_VALUE) {
                    if (d - now <= 0) {
                        clearAggregation(v);
                        fire(v, -1, -1, c.counters);
                    } else {
                        next = Math.min(next, d);
                    }
                }
                long late = lateDeadline[v];
                if (late != Long.MAX_VALUE) {
                    if (late - now <= 0) {
                        lateDeadline[v] = Long.MAX_VALUE;
                        signal(v, c.counters);
                    } else {
                        next = Math.min(next, late);
                    }
                }
            }
        }
        return next;
    }

    /** The signal about to go covers what vector {@code v} aggregated. */
    private void clearAggregation(int v) {
        synchronized (vectorLocks[v]) {
            aggregated[v] = 0;
            aggregationDeadline[v] = Long.MAX_VALUE;
        }
    }

    /** Signals vector {@code v} unless a fault drops it or its mask holds it pending. */
    private void fire(int v, int cqid, int opcode, Counters where) {
        FaultRule[] drop = c.faults.dropInterrupts;
        if (drop.length != 0 && Faults.firing(drop, cqid, opcode) != null) { // never on the lane path
            where.interruptsDropped++;
            return;
        }
        FaultRule[] late = c.faults.delayInterrupts;
        FaultRule rule = late.length == 0 ? null : Faults.firing(late, cqid, opcode); // never on the lane path
        if (rule != null) {
            where.interruptsDelayed++;
            synchronized (vectorLocks[v]) {
                // Signals due while one is pending merge into it, as MSI-X does.
                if (lateDeadline[v] == Long.MAX_VALUE) {
                    lateDeadline[v] = c.now() + rule.param;
                    c.scheduleWakeup(lateDeadline[v]);
                }
            }
            return;
        }
        signal(v, where);
    }

    /** Delivers vector {@code v}'s signal, or leaves it pending while the vector is masked. */
    private void signal(int v, Counters where) {
        if (masked[v]) {
            synchronized (vectorLocks[v]) {
                pendingWhileMasked[v] = true;
            }
            return;
        }
        deliver(v, where);
    }

    private void deliver(int v, Counters where) {
        where.interruptsSignalled++;
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
        synchronized (vectorLocks[v]) {
            if (!m && pendingWhileMasked[v]) {
                pendingWhileMasked[v] = false;
                deliver(v, c.counters);
            }
        }
    }

    int count() {
        return masked.length;
    }

    /** Controller reset: coalescing back to defaults, aggregation state cleared (masks belong to PCI, they stay). */
    void reset() {
        threshold = 0;
        time = 0;
        for (int v = 0; v < vectorLocks.length; v++) {
            clearAggregation(v);
            synchronized (vectorLocks[v]) {
                lateDeadline[v] = Long.MAX_VALUE;
            }
        }
    }
}
