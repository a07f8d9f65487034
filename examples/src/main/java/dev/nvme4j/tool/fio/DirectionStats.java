package dev.nvme4j.tool.fio;

import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Statistics of one direction (read or write) of a job: submission (slat), completion (clat)
 * and total (lat) latency in HdrHistograms of fixed range (1 ns to 100 s, 3 significant
 * digits; larger values are clamped), I/O and byte counts. Recording allocates nothing.
 *
 * <p>Cheap per I/O: consecutive I/Os with the same three latencies (the completions of one
 * batch share their clock readings, and so do the I/Os issued together) are counted as one run
 * and go into the histograms with one {@code recordValueWithCount} each when the run ends or the
 * histograms are read, which gives the same histograms as recording them one by one. The
 * counters for other threads are published by {@link #publish()} (the job calls it once per
 * completion batch), not per I/O.
 *
 * <p>Written by the job's thread only; {@link #progressIos()}, {@link #progressBytes()},
 * {@link #recordedIos()} and {@link #recordedBytes()} are what {@link #publish()} last published,
 * for the reporter threads. Read the rest after the job ended.
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
    /** The run of I/Os with equal latencies not in the histograms yet: its values and length. */
    private long runSlat;
    private long runClat;
    private long runLat;
    private long runCount;
    private final AtomicLong progressIos = new AtomicLong();
    private final AtomicLong progressBytes = new AtomicLong();
    private final AtomicLong recordedIos = new AtomicLong();
    private final AtomicLong recordedBytes = new AtomicLong();
    private final RateSamples bwSamples = new RateSamples();
    private final RateSamples iopsSamples = new RateSamples();

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_NS, 3);
    }

    /** Counts a completed I/O, for the progress line only (ramp included); see {@link #publish()}. */
    void countProgress(int ioBytes) {
        totalIos++;
        totalBytes += ioBytes;
    }

    /** Records a completed I/O in the results; see {@link #publish()}. */
    void record(long slatNs, long clatNs, long latNs, int ioBytes) {
        long s = clamp(slatNs);
        long c = clamp(clatNs);
        long l = clamp(latNs);
        if (s == runSlat && c == runClat && l == runLat) {
            runCount++;
        } else {
            flushRun();
            runSlat = s;
            runClat = c;
            runLat = l;
            runCount = 1;
        }
        ios++;
        bytes += ioBytes;
    }

    /** Puts the run of equal latencies into the histograms. */
    private void flushRun() {
        if (runCount > 0) {
            slat.recordValueWithCount(runSlat, runCount);
            clat.recordValueWithCount(runClat, runCount);
            lat.recordValueWithCount(runLat, runCount);
            runCount = 0;
        }
    }

    /** Publishes the progress and recorded counts for the reporter threads (the job's thread). */
    void publish() {
        progressIos.lazySet(totalIos);
        progressBytes.lazySet(totalBytes);
        recordedIos.lazySet(ios);
        recordedBytes.lazySet(bytes);
    }

    private static long clamp(long v) {
        return v < 0 ? 0 : Math.min(v, HIGHEST_NS);
    }

    /** Adds another job's results (for group reporting). */
    public void add(DirectionStats other) {
        flushRun();
        other.flushRun();
        slat.add(other.slat);
        clat.add(other.clat);
        lat.add(other.lat);
        ios += other.ios;
        bytes += other.bytes;
        bwSamples.addJob(other.bwSamples);
        iopsSamples.addJob(other.iopsSamples);
    }

    /** Submission latencies; like the other histograms, read after the job ended (the job's run goes in first). */
    public Histogram slat() {
        flushRun();
        return slat;
    }

    public Histogram clat() {
        flushRun();
        return clat;
    }

    public Histogram lat() {
        flushRun();
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
