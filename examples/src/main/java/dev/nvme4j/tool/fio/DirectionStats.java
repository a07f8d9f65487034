package dev.nvme4j.tool.fio;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Statistics of one direction (read or write) of a job: submission (slat), completion (clat)
 * and total (lat) latency in HdrHistograms of fixed range (1 ns to 100 s, 3 significant
 * digits; larger values are clamped), I/O and byte counts. Recording allocates nothing.
 *
 * <p>Written by the job's thread only; {@link #progressIos()} and {@link #progressBytes()} are
 * published for the progress reporter thread. Read the rest after the job ended.
 */
public final class DirectionStats {
    /** Largest latency recorded (values above are clamped): 100 s in nanoseconds. */
    public static final long HIGHEST_NS = 100_000_000_000L;

    private final Histogram slat = newHistogram();
    private final Histogram clat = newHistogram();
    private final Histogram lat = newHistogram();
    private long ios;
    private long bytes;
    private long totalIos;
    private long totalBytes;
    private final AtomicLong progressIos = new AtomicLong();
    private final AtomicLong progressBytes = new AtomicLong();
    private final AtomicLong recordedIos = new AtomicLong();
    private final AtomicLong recordedBytes = new AtomicLong();
    private final RateSamples bwSamples = new RateSamples();
    private final RateSamples iopsSamples = new RateSamples();

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_NS, 3);
    }

    /** Counts a completed I/O, for the progress line only (ramp included). */
    void countProgress(int ioBytes) {
        totalIos++;
        totalBytes += ioBytes;
        progressIos.lazySet(totalIos);
        progressBytes.lazySet(totalBytes);
    }

    /** Records a completed I/O in the results. */
    void record(long slatNs, long clatNs, long latNs, int ioBytes) {
        slat.recordValue(clamp(slatNs));
        clat.recordValue(clamp(clatNs));
        lat.recordValue(clamp(latNs));
        ios++;
        bytes += ioBytes;
        recordedIos.lazySet(ios);
        recordedBytes.lazySet(bytes);
    }

    private static long clamp(long v) {
        return v < 0 ? 0 : Math.min(v, HIGHEST_NS);
    }

    /** Adds another job's results (for group reporting). */
    public void add(DirectionStats other) {
        slat.add(other.slat);
        clat.add(other.clat);
        lat.add(other.lat);
        ios += other.ios;
        bytes += other.bytes;
        bwSamples.addJob(other.bwSamples);
        iopsSamples.addJob(other.iopsSamples);
    }

    public Histogram slat() {
        return slat;
    }

    public Histogram clat() {
        return clat;
    }

    public Histogram lat() {
        return lat;
    }

    /** I/Os recorded (after ramp). */
    public long ios() {
        return ios;
    }

    /** Bytes recorded (after ramp). */
    public long bytes() {
        return bytes;
    }

    /** I/Os recorded so far; any thread. */
    public long recordedIos() {
        return recordedIos.get();
    }

    /** Bytes recorded so far; any thread. */
    public long recordedBytes() {
        return recordedBytes.get();
    }

    /** Bandwidth samples in KiB/s (written by the {@link RateSampler}). */
    public RateSamples bwSamples() {
        return bwSamples;
    }

    /** IOPS samples (written by the {@link RateSampler}). */
    public RateSamples iopsSamples() {
        return iopsSamples;
    }

    /** I/Os completed so far, ramp included; any thread. */
    public long progressIos() {
        return progressIos.get();
    }

    /** Bytes completed so far, ramp included; any thread. */
    public long progressBytes() {
        return progressBytes.get();
    }
}
