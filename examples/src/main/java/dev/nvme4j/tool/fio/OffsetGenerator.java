package dev.nvme4j.tool.fio;

/**
 * Produces the order in which a job visits the I/O units (blocks of {@code bs}) of its region:
 * sequential, or a seeded pseudo-random permutation that visits every unit exactly once per
 * pass (like fio's random map), then starts over. Deterministic for a seed, allocation-free.
 *
 * <p>The permutation runs a counter over {@code 0..2^k-1} (the smallest power of two covering the
 * units) through a bijection of k bits (xor-shifts and multiplications by odd constants, all
 * invertible modulo 2^k) and skips values beyond the region. Without the random map (fio's
 * {@code norandommap}) units are drawn independently, so some repeat and some are missed.
 * I/Os spanning several units ({@code bsrange}/{@code bssplit}) are kept inside the region.
 * Not thread-safe: one per job.
 */
public final class OffsetGenerator {
    private final long units;
    private final boolean random;
    private final int bits;
    private final long mask;
    private final long m1;
    private final long m2;
    private final long key;
    /** The permutation's two xor-shift distances (fixed by {@code bits}). */
    private final int shift1;
    private final int shift2;
    private final boolean randomMap;
    private final long seed;
    private java.util.SplittableRandom draws;
    private long counter;
    /** fio's rw=randread:N: I/Os per run (the first of each at a random unit); 1 for none. */
    private int seqRun = 1;
    /** fio's rw=read:N in units: skipped after each I/O (negative: backwards); 0 for none. */
    private long seqAdd;
    private long issued;
    private long lastEnd;
    /** fio's random_distribution when not uniform, else null. */
    private RandomDistribution distribution;
    private RandomDistribution.Draws shaped;

    /**
     * @param units  I/O units in the region (at least 1)
     * @param random false for sequential order
     * @param seed   seed of the permutation
     */
    public OffsetGenerator(long units, boolean random, long seed) {
        this(units, random, true, seed);
    }

    /**
     * @param randomMap false for fio's {@code norandommap}: random units drawn independently
     */
    public OffsetGenerator(long units, boolean random, boolean randomMap, long seed) {
        if (units < 1) {
            throw new IllegalArgumentException("units must be positive, got " + units);
        }
        this.units = units;
        this.random = random;
        this.bits = Math.max(2, 64 - Long.numberOfLeadingZeros(units - 1));
        this.mask = bits == 64 ? -1L : (1L << bits) - 1;
        long s = mix64(seed);
        this.m1 = (s | 1) & mask | 1;
        this.m2 = (mix64(s) | 1) & mask | 1;
        this.key = mix64(s ^ 0x9E3779B97F4A7C15L) & mask;
        this.shift1 = Math.max(1, bits / 2);
        this.shift2 = shift1 + 1 <= bits - 1 ? shift1 + 1 : shift1;
        this.randomMap = randomMap;
        this.seed = seed;
        this.draws = new java.util.SplittableRandom(seed);
    }

    /**
     * Applies fio's {@code rw=MODE:N} modifier: for random order, runs of {@code seqRun} I/Os
     * (the first at a random unit, each other right after the one before); for sequential order,
     * {@code seqAdd} units skipped after each I/O (negative: backwards, starting over at the end
     * plus seqAdd as fio does). With either, {@link #nextOrEnd} reports the end of a pass.
     *
     * @return this
     */
    public OffsetGenerator modified(int seqRun, long seqAdd) {
        this.seqRun = Math.max(1, seqRun);
        this.seqAdd = seqAdd;
        return this;
    }

    /**
     * Draws random units from {@code d} (fio's random_distribution) instead of uniformly; a
     * non-uniform distribution has no random map.
     *
     * @return this
     */
    public OffsetGenerator distributed(RandomDistribution d) {
        distribution = d.uniform() ? null : d;
        shaped = distribution == null ? null : distribution.over(units, seed);
        return this;
    }

    /** True when a modifier applies (so that a pass may end before the region was covered). */
    public boolean isModified() {
        return seqRun > 1 || seqAdd != 0;
    }

    /**
     * The first unit of the next I/O of {@code span} units, or -1 when fio's modifiers ran past
     * the end of the region (the pass ends there, as in fio; without modifiers never -1).
     */
    public long nextOrEnd(long span) {
        if (!isModified()) {
            return next(span);
        }
        long u;
        if (random && issued % seqRun == 0) {
            u = next(span);
        } else if (issued == 0) {
            u = 0;
        } else {
            u = lastEnd + (random ? 0 : seqAdd);
            if (u < 0) {
                u = units + seqAdd; // fio: backwards I/O starts over at the end
            }
            if (u < 0 || u + span > units) {
                return -1;
            }
        }
        issued++;
        lastEnd = u + span;
        return u;
    }

    /**
     * After {@link #nextOrEnd} reported the end: the next run starts over (sequential order: at
     * the first unit; random order: at a new random unit, the random sequence going on).
     */
    public void restartRuns() {
        issued = 0;
        lastEnd = 0;
        if (!random) {
            counter = 0;
        }
    }

    /** Units per pass. */
    public long units() {
        return units;
    }

    /** The next unit index in {@code [0, units)}. */
    public long next() {
        if (!random) {
            long u = counter++;
            if (counter == units) {
                counter = 0;
            }
            return u;
        }
        if (shaped != null) {
            return shaped.next();
        }
        if (!randomMap) {
            return draws.nextLong(units);
        }
        while (true) {
            long v = permute(counter);
            counter = (counter + 1) & mask;
            if (v < units) {
                return v;
            }
        }
    }

    /**
     * The first unit of the next I/O that covers {@code span} units (1 to {@link #units()}), so
     * that it ends inside the region: sequential order advances by the span and starts over at
     * the end; random order moves a start too close to the end back.
     */
    public long next(long span) {
        if (span == 1) {
            return next();
        }
        if (!random) {
            if (counter + span > units) {
                counter = 0;
            }
            long u = counter;
            counter += span;
            if (counter == units) {
                counter = 0;
            }
            return u;
        }
        return Math.min(next(), units - span);
    }

    /** Starts over from the first unit of the sequence. */
    public void rewind() {
        counter = 0;
        issued = 0;
        lastEnd = 0;
        draws = new java.util.SplittableRandom(seed);
        if (shaped != null) {
            shaped.reseed();
        }
    }

    private long permute(long x) {
        x = (x ^ key) & mask;
        x = (x * m1) & mask;
        x ^= x >>> shift1;
        x = (x * m2) & mask;
        x ^= x >>> shift2;
        x = (x * m1) & mask;
        return x;
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
