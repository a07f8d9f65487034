package dev.nvme4j.tool.fio;

/**
 * Summary of per-interval rate samples (bandwidth in KiB/s or IOPS), as fio keeps for its
 * {@code bw}/{@code iops} lines: min, max, mean and standard deviation (Welford; sample
 * deviation like fio). Written by the sampler thread; read after it stopped.
 */
public final class RateSamples {
    private long n;
    private double min = Double.MAX_VALUE;
    private double max;
    private double mean;
    private double m2;

    /** Adds one sample. */
    public void add(double v) {
        n++;
        min = Math.min(min, v);
        max = Math.max(max, v);
        double d = v - mean;
        mean += d / n;
        m2 += d * (v - mean);
    }

    /**
     * Adds another job's samples as fio's group reporting does for rates: the group's rate is the
     * sum of its jobs' rates, so means, minimums and maximums add, variances add.
     */
    public void addJob(RateSamples o) {
        if (o.n == 0) {
            return;
        }
        if (n == 0) {
            n = o.n;
            min = o.min;
            max = o.max;
            mean = o.mean;
            m2 = o.m2;
            return;
        }
        double varSum = variance() + o.variance();
        min += o.min;
        max += o.max;
        mean += o.mean;
        n = Math.max(n, o.n);
        m2 = varSum * Math.max(0, n - 1);
    }

    public long samples() {
        return n;
    }

    public double min() {
        return n == 0 ? 0 : min;
    }

    public double max() {
        return max;
    }

    public double mean() {
        return mean;
    }

    private double variance() {
        return n < 2 ? 0 : m2 / (n - 1);
    }

    public double stddev() {
        return Math.sqrt(variance());
    }
}
