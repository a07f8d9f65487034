package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Cqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;

/**
 * Device-side state of a completion queue (Base 3.3.1): ring memory, tail and phase, the head the
 * host released, and the completions waiting for space. The queue is full when it holds
 * {@code size - 1} entries the host has not released (Base 3.3.1.2.1); a completion is never
 * written into an unreleased slot.
 */
final class MockCq {
    private static final ValueLayout.OfInt LE_INT = Le.INT_ALIGNED;
    /** Release store of DW3 (with the phase tag): the host reads the phase with acquire, then the other fields. */
    private static final VarHandle DW3 = LE_INT.varHandle();

    final int qid;
    final MemorySegment ring;
    final int size;
    final boolean ien;
    final int vector;
    int tail;
    int head;
    int phase = 1;
    /** Entries posted and not yet released by the head doorbell. */
    int unreleased;
    /** SQs completing to this CQ. */
    int sqRefs;
    final ArrayDeque<Completion> waiting = new ArrayDeque<>();

    MockCq(int qid, MemorySegment ring, int size, boolean ien, int vector) {
        this.qid = qid;
        this.ring = ring;
        this.size = size;
        this.ien = ien;
        this.vector = vector;
    }

    boolean isFull() {
        return unreleased >= size - 1;
    }

    /** Writes one entry at the tail: DW0-DW2 plain, then DW3 with the phase tag as a release store. */
    void write(int dw0, int sqHead, int sqid, int cid, int status) {
        long base = (long) tail * Cqe.SIZE;
        ring.set(LE_INT, base + Cqe.OFF_DW0, dw0);
        ring.set(LE_INT, base + Cqe.OFF_DW1, 0);
        ring.set(LE_INT, base + Cqe.OFF_DW2, Cqe.dw2(sqHead, sqid));
        DW3.setRelease(ring, base + Cqe.OFF_DW3, Cqe.dw3(cid, phase, status));
        if (++tail == size) {
            tail = 0;
            phase ^= 1;
        }
        unreleased++;
    }
}
