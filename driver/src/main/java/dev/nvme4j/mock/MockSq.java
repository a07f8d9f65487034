package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;

/**
 * Device-side state of a submission queue (Base 3.3.1): ring memory, head (next entry to fetch),
 * the tail the host last rang, the CQ it completes to, and which command identifiers are
 * outstanding (fetched, completion not yet posted) for the reuse check of Base 4.2.
 */
final class MockSq {
    final int qid;
    final MemorySegment ring;
    final int size;
    final int cqid;
    final int priority;
    int head;
    int tail;
    private final long[] outstanding = new long[1024];

    MockSq(int qid, MemorySegment ring, int size, int cqid, int priority) {
        this.qid = qid;
        this.ring = ring;
        this.size = size;
        this.cqid = cqid;
        this.priority = priority;
    }

    boolean hasWork() {
        return head != tail;
    }

    /** Marks {@code cid} outstanding; returns false if it already was. */
    boolean markOutstanding(int cid) {
        long bit = 1L << (cid & 63);
        long w = outstanding[cid >>> 6];
        outstanding[cid >>> 6] = w | bit;
        return (w & bit) == 0;
    }

    void clearOutstanding(int cid) {
        outstanding[cid >>> 6] &= ~(1L << (cid & 63));
    }
}
