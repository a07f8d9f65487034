package dev.nvme4j.queue;

/**
 * How long a {@link dev.nvme4j.api.CompletionMode#HYBRID} wait spins on the CQ before it blocks
 * on the interrupt: fixed, or learnt from the waits this queue pair has seen.
 *
 * <p>Adaptive: a wait that had to wait (the first look at the CQ found nothing) reports how long
 * it took until a completion was found. From those the spin keeps an exponentially weighted mean
 * and mean deviation (weight 1/8, samples capped at twice the limit so one stall does not undo
 * what was learnt) and spins for mean + 2 deviations, which covers most completions of a device
 * whose latency is steady, never longer than the limit. When the mean itself is beyond the limit
 * the device is too slow for spinning to pay (most waits would spin in vain and then sleep
 * anyway), so the spin drops to {@link #FLOOR_NANOS} and the wait blocks almost at once, like
 * interrupt mode; waits that end in a wake-up are measured too, so once they come back under the
 * limit the spin returns. Starts at the limit, so a fast device is measured while spinning.
 *
 * <p>The kernel's hybrid polling sleeps for half the mean completion time and then polls; here
 * the order is spin first, then block, because a blocked owner thread is woken by the interrupt
 * (an eventfd) and a timed sleep shorter than the device's latency costs as much as that wake-up.
 *
 * <p>Owner thread only (one per queue pair); no clock of its own: the waiter measures the waits.
 */
public final class HybridSpin {
    /** The shortest spin when adapting: enough to catch a completion already on its way. */
    public static final long FLOOR_NANOS = 5_000L;

    private final boolean adaptive;
    private final long limit;
    private final long sampleCap;
    private long mean;
    private long deviation;

    private HybridSpin(boolean adaptive, long limit) {
        this.adaptive = adaptive;
        this.limit = limit;
        this.sampleCap = adaptive ? 2 * limit : 0;
        this.mean = limit / 2;
        this.deviation = limit / 4;
    }

    /** Always spins {@code nanos} (0: block at once). */
    public static HybridSpin fixed(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("hybrid spin must not be negative, got " + nanos + " ns");
        }
        return new HybridSpin(false, nanos);
    }

    /** Learns the spin from the waits, at most {@code limitNanos}. */
    public static HybridSpin adaptive(long limitNanos) {
        if (limitNanos <= 0 || limitNanos > Long.MAX_VALUE / 4) {
            throw new IllegalArgumentException("adaptive hybrid spin limit must be positive, got " + limitNanos + " ns");
        }
        return new HybridSpin(true, limitNanos);
    }

    public boolean isAdaptive() {
        return adaptive;
    }

    /** How long the next wait spins before it blocks. */
    public long spinNanos() {
        if (!adaptive) {
            return limit;
        }
        if (mean > limit) {
            return FLOOR_NANOS;
        }
        return Math.max(FLOOR_NANOS, Math.min(limit, mean + 2 * deviation));
    }

    /** A wait that had to wait found a completion after {@code waitNanos}. */
    public void observe(long waitNanos) {
        if (!adaptive) {
            return;
        }
        long sample = Math.min(Math.max(waitNanos, 0), sampleCap);
        long d = sample - mean;
        mean += d / 8;
        deviation += (Math.abs(d) - deviation) / 8;
    }

    @Override
    public String toString() {
        return adaptive ? "adaptive(limit " + limit + " ns, now " + spinNanos() + " ns)" : "fixed(" + limit + " ns)";
    }
}
