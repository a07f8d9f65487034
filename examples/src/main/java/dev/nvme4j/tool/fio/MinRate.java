package dev.nvme4j.tool.fio;

/**
 * fio's rate_min and rate_iops_min, checked as fio's backend does: after a 2 s settle period,
 * whenever I/Os completed, the rate since the previous check (at least a ratecycle ago) must
 * reach the minimum, else the job stops with a failure naming the option and the rate seen.
 * Used on the job's thread only.
 */
final class MinRate {
    private static final long SETTLE_NS = 2_000_000_000L;
    private final long minBytesPerSec;
    private final long minIopsPerSec;
    private final long cycleNs;
    private long startNs;
    private long lastSeenIos;
    private long lastNs;
    private long lastBytes;
    private long lastIos;

    MinRate(FlowOptions o) {
        this.minBytesPerSec = o.rateMin == null ? 0 : o.rateMin;
        this.minIopsPerSec = o.rateIopsMin == null ? 0 : o.rateIopsMin;
        this.cycleNs = o.ratecycle * 1_000_000L;
    }

    /** True when there is a minimum to check. */
    boolean active() {
        return minBytesPerSec > 0 || minIopsPerSec > 0;
    }

    /** Starts anew at {@code now} (the start of recording) with the job's counts so far. */
    void start(long now, long bytes, long ios) {
        startNs = now;
        lastSeenIos = ios;
        lastNs = now;
        lastBytes = 0;
        lastIos = 0;
    }

    /** At {@code now}, with the job's counts: null while the minimums are met, else why not. */
    String check(long now, long bytes, long ios) {
        if (ios == lastSeenIos) {
            return null; // fio checks when I/Os complete
        }
        lastSeenIos = ios;
        if (now - startNs < SETTLE_NS) {
            return null;
        }
        if (lastBytes > 0 || lastIos > 0) {
            long spent = now - lastNs;
            if (spent < cycleNs) {
                return null;
            }
            double seconds = spent / 1e9;
            double bw = (bytes - lastBytes) / seconds;
            double iops = (ios - lastIos) / seconds;
            if (minBytesPerSec > 0 && bw < minBytesPerSec) {
                return String.format(java.util.Locale.ROOT, "rate_min=%dB/s not met: %.0fB/s over the last %d ms",
                        minBytesPerSec, bw, spent / 1_000_000);
            }
            if (minBytesPerSec == 0 && iops < minIopsPerSec) {
                return String.format(java.util.Locale.ROOT, "rate_iops_min=%d not met: %.0f IOPS over the last %d ms",
                        minIopsPerSec, iops, spent / 1_000_000);
            }
        }
        lastBytes = bytes;
        lastIos = ios;
        lastNs = now;
        return null;
    }
}
