package dev.nvme4j.block;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free stack of the integers 0 to capacity-1 (free buffer indices), safe for any number
 * of threads: the top index and a version live in one long, so a push or a pop is one
 * compare-and-set and a thread descheduled in the middle of one holds up nobody (the version
 * rules out the ABA problem). Allocates nothing after construction.
 */
final class IndexStack {
    private static final long INDEX = 0xFFFF_FFFFL;
    /** {@code next[i]}: one more than the index below {@code i} (0: none). */
    private final int[] next;
    /** High 32 bits: version; low 32 bits: one more than the top index (0: empty). */
    private final AtomicLong top = new AtomicLong();

    IndexStack(int capacity) {
        next = new int[capacity];
    }

    void push(int i) {
        while (true) {
            long t = top.get();
            next[i] = (int) (t & INDEX);
            if (top.compareAndSet(t, (((t >>> 32) + 1) << 32) | (i + 1))) {
                return;
            }
        }
    }

    /** The top index, removed; -1 when empty. */
    int pop() {
        while (true) {
            long t = top.get();
            int i = (int) (t & INDEX) - 1;
            if (i < 0) {
                return -1;
            }
            long below = next[i] & INDEX; // stale only if t changed meanwhile, and then the CAS fails
            if (top.compareAndSet(t, (((t >>> 32) + 1) << 32) | below)) {
                return i;
            }
        }
    }
}
