package dev.nvme4j.tool.fio;

/**
 * fio's rate_min and rate_iops_min: after each ratecycle of recording, the job's bandwidth and
 * I/O rate over that cycle must reach the minimums, else the job stops with a failure naming the
 * option, as fio ends a job that misses them. Used on the job's thread only.
 */
final class MinRate {
    private final long minBytesPerSec;
    private final long minIopsPerSec;
    private final long cycleNs;
    private long cycleStart;
    private long startBytes;
    private long startIos;

    MinRate(FlowOptions o) {
        this.minBytesPerSec = o.rateMin == null ? 0 : o.rateMin;
        this.minIopsPerSec = o.rateIopsMin == null ? 0 : o.rateIopsMin;
        this.cycleNs = o.ratecycle * 1_000_000L;
    }

    /** True when there is a minimum to check. */
    boolean active() {
        return minBytesPerSec > 0 || minIopsPerSec > 0;
    }

    /** Starts the first cycle at {@code now} with the job's counts so far. */
    void start(long now, long bytes, long ios) {
        cycleStart = now;
        startBytes = bytes;
        startIos = ios;
    }

    /**
     * At {@code now}, with the job's counts: null while the minimums are met (or the cycle has not
     * ended), else why not. A new cycle starts when one ends.
     */
    String check(long now, long bytes, long ios) {
        long elapsed = now - cycleStart;
        if (elapsed < cycleNs) {
            return null;
        }
        double seconds = elapsed / 1e9;
        double bw = (bytes - startBytes) / seconds;
        double iops = (ios - startIos) / seconds;
        start(now, bytes, ios);
        if (minBytesPerSec > 0 && bw < minBytesPerSec) {
            return String.format(java.util.Locale.ROOT, "rate_min %d KiB/s not met: %.0f KiB/s over the last %d ms",
                    minBytesPerSec / 1024, bw / 1024, cycleNs / 1_000_000);
        }
        if (minIopsPerSec > 0 && iops < minIopsPerSec) {
            return String.format(java.util.Locale.ROOT, "rate_iops_min %d not met: %.0f IOPS over the last %d ms",
                    minIopsPerSec, iops, cycleNs / 1_000_000);
        }
        return null;
    }
}
