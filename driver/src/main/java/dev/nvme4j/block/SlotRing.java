package dev.nvme4j.block;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A bounded lock-free queue of small integers (slot indices), safe for any number of producers
 * and consumers: each cell carries a sequence number that says whose turn it is, so a producer
 * and a consumer meet on one compare-and-set of the shared index and never wait for each other.
 * Allocates nothing after construction. Capacity is a power of two.
 */
final class SlotRing {
    private final int mask;
    private final AtomicLongArray sequence;
    private final int[] items;
    private final AtomicLong enqueue = new AtomicLong();
    private final AtomicLong dequeue = new AtomicLong();

    SlotRing(int capacity) {
        if (capacity < 1 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two, got " + capacity);
        }
        mask = capacity - 1;
        sequence = new AtomicLongArray(capacity);
        items = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            sequence.set(i, i);
        }
    }

    /** Adds {@code value}; false when the ring is full. */
    boolean offer(int value) {
        long pos = enqueue.get();
        while (true) {
            int idx = (int) (pos & mask);
            long dif = sequence.get(idx) - pos;
            if (dif == 0) {
                if (enqueue.compareAndSet(pos, pos + 1)) {
                    items[idx] = value;
                    sequence.set(idx, pos + 1);
                    return true;
                }
                pos = enqueue.get();
            } else if (dif < 0) {
                return false;
            } else {
                pos = enqueue.get();
            }
        }
    }

    /** Removes the oldest value; -1 when the ring is empty. */
    int poll() {
        long pos = dequeue.get();
        while (true) {
            int idx = (int) (pos & mask);
            long dif = sequence.get(idx) - (pos + 1);
            if (dif == 0) {
                if (dequeue.compareAndSet(pos, pos + 1)) {
                    int value = items[idx];
                    sequence.set(idx, pos + mask + 1);
                    return value;
                }
                pos = dequeue.get();
            } else if (dif < 0) {
                return -1;
            } else {
                pos = dequeue.get();
            }
        }
    }

    boolean isEmpty() {
        return enqueue.get() == dequeue.get();
    }

    /** How a thread waits for a ring to give something: spin, then yield, then park briefly. */
    static void backOff(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else if (spins < 128) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(50_000);
        }
    }
}
