package dev.nvme4j.mock;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The device lock and the lane locks of {@link MockNvmeController}'s thread model: one lane per
 * I/O queue identifier (index 0 unused), each with its own lock, counters and lazily created
 * {@link Engine}. Lock order: the device lock, then lanes in ascending order.
 */
final class Lanes {
    private final MockNvmeController c;
    private final ReentrantLock device;
    private final Lane[] lanes;

    Lanes(MockNvmeController c, ReentrantLock device, int count) {
        this.c = c;
        this.device = device;
        this.lanes = new Lane[count];
        for (int q = 1; q < lanes.length; q++) {
            lanes[q] = new Lane();
        }
    }

    /** The number of lane slots (one past the highest I/O queue identifier). */
    int count() {
        return lanes.length;
    }

    Lane lane(int qid) {
        return lanes[qid];
    }

    /** Takes the device lock and every lane lock (in that order). */
    void lockAll() {
        device.lock();
        for (int q = 1; q < lanes.length; q++) {
            lanes[q].lock.lock();
        }
    }

    void unlockAll() {
        for (int q = lanes.length - 1; q >= 1; q--) {
            lanes[q].lock.unlock();
        }
        device.unlock();
    }

    /** Adds every lane's counters to {@code sum}; under {@link #lockAll()}. */
    void addCountersTo(Counters sum) {
        for (int q = 1; q < lanes.length; q++) {
            lanes[q].counters.addTo(sum);
        }
    }

    /** An I/O queue pair's lock and engine, for the doorbells that qualify (see MockNvmeController). */
    final class Lane {
        final ReentrantLock lock = new ReentrantLock();
        final Counters counters = new Counters();
        /**
         * Allocated last: keeps the next lane's lock and counters (allocated right after) off the
         * cache lines this lane writes for every command, so two lanes never false-share.
         */
        @SuppressWarnings("unused")
        private final long[] spacer = new long[24];
        private Engine engine;

        Engine engine() {
            if (engine == null) {
                engine = new Engine(c, counters, new PrpWalker(c, counters));
            }
            return engine;
        }
    }
}
