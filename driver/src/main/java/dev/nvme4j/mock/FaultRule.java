package dev.nvme4j.mock;

import dev.nvme4j.mock.config.FaultHandle;
import dev.nvme4j.mock.config.FaultMatch;
import java.util.SplittableRandom;

/** One installed fault: its match, its parameter, and the count and generator that decide firing. */
final class FaultRule implements FaultHandle {
    final FaultMatch match;
    /** Fault-specific: delay in nanos, status, LBA. */
    final long param;
    /** Fault-specific: abort also hangs; NSID for corruption. */
    final long param2;
    private final SplittableRandom random;
    private long remaining;
    private long hits;
    private volatile boolean removed;

    FaultRule(FaultMatch match, long param, long param2) {
        this.match = match;
        this.param = param;
        this.param2 = param2;
        this.random = new SplittableRandom(match.seed());
        this.remaining = match.times();
    }

    /** Whether the fault fires for an event on {@code queue} with {@code opcode} (-1: not a command). */
    synchronized boolean fires(int queue, int opcode) {
        if (removed || remaining == 0) {
            return false;
        }
        if (match.queue() >= 0 && match.queue() != queue) {
            return false;
        }
        if (match.opcode() >= 0 && match.opcode() != opcode) {
            return false;
        }
        if (match.probability() < 1.0 && random.nextDouble() >= match.probability()) {
            return false;
        }
        if (remaining > 0) {
            remaining--;
        }
        hits++;
        return true;
    }

    /** Fires unconditionally (for faults not matched by queue/opcode), if active. */
    synchronized boolean firesAlways() {
        if (removed || remaining == 0) {
            return false;
        }
        if (remaining > 0) {
            remaining--;
        }
        hits++;
        return true;
    }

    synchronized int nextInt(int bound) {
        return random.nextInt(bound);
    }

    @Override
    public synchronized long hits() {
        return hits;
    }

    @Override
    public synchronized boolean isActive() {
        return !removed && remaining != 0;
    }

    @Override
    public void remove() {
        removed = true;
    }
}
