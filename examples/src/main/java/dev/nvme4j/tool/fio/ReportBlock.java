package dev.nvme4j.tool.fio;

import dev.nvme4j.api.QueueCounters;
import java.util.ArrayList;
import java.util.List;

/**
 * One result block of a report: a single job, or with {@code --group_reporting} all jobs
 * merged (histograms added, counts summed, run times the longest). Built after the jobs
 * ended; immutable by convention.
 *
 * @param name            job name
 * @param jobs            jobs merged into this block
 * @param spec            the (first) job's spec
 * @param read            read statistics
 * @param write           write statistics
 * @param readRuntimeNs   read run time
 * @param writeRuntimeNs  write run time
 * @param runtimeNs       job run time
 * @param usrCpuNs        user CPU
 * @param sysCpuNs        system CPU
 * @param cpuBaseNs       the run time the CPU times are percentages of (summed over merged jobs)
 * @param startEpochMs    wall-clock start
 * @param ioErrors        I/O errors
 * @param firstError      first I/O error, or null
 * @param failure         first failure, or null
 * @param verifiedBlocks  blocks verified
 * @param mismatchCount   blocks that failed verification
 * @param mismatches      the first mismatches
 * @param counters        queue pair counters, summed
 * @param allocatedBytes  heap bytes the job threads allocated while recording
 * @param depthLevels     submissions per in-flight depth level (1, 2, 4, 8, 16, 32, 64+)
 * @param trim            trim (Deallocate) statistics
 * @param trimRuntimeNs   trim run time
 */
public record ReportBlock(String name, int jobs, JobSpec spec, DirectionStats read, DirectionStats write,
                          long readRuntimeNs, long writeRuntimeNs, long runtimeNs, long usrCpuNs, long sysCpuNs,
                          long cpuBaseNs, long startEpochMs, long ioErrors, String firstError, String failure,
                          long verifiedBlocks, long mismatchCount, List<Mismatch> mismatches,
                          QueueCounters counters, long allocatedBytes,
                          long[] depthLevels, DirectionStats trim, long trimRuntimeNs) {
    /** fio's {@code err=}: 0, EIO (5) for I/O errors or failures, EILSEQ (84) for verify mismatches. */
    public int errno() {
        if (mismatchCount > 0) {
            return 84;
        }
        return ioErrors > 0 || failure != null ? 5 : 0;
    }

    /** The block of one job. */
    public static ReportBlock of(JobResult r) {
        return new ReportBlock(r.spec().name(), 1, r.spec(), r.read(), r.write(), r.readRuntimeNs(),
                r.writeRuntimeNs(), r.runtimeNs(), r.usrCpuNs(), r.sysCpuNs(), r.runtimeNs(), r.startEpochMs(),
                r.ioErrors(), r.firstError(), r.failure(), r.verifiedBlocks(), r.mismatchCount(), r.mismatches(),
                r.counters(), r.allocatedBytes(), r.depthLevels(), r.trim(), r.trimRuntimeNs());
    }

    /** All jobs merged into one block (fio's {@code group_reporting}). */
    public static ReportBlock merge(List<JobResult> results) {
        DirectionStats read = new DirectionStats();
        DirectionStats write = new DirectionStats();
        DirectionStats trim = new DirectionStats();
        long tr = 0;
        long rr = 0, wr = 0, rt = 0, usr = 0, sys = 0, base = 0, errs = 0, verified = 0, bad = 0;
        long start = Long.MAX_VALUE;
        String firstError = null;
        String failure = null;
        List<Mismatch> mm = new ArrayList<>();
        QueueCounters qc = QueueCounters.ZERO;
        long alloc = 0;
        long[] depths = new long[7];
        for (JobResult r : results) {
            read.add(r.read());
            write.add(r.write());
            trim.add(r.trim());
            tr = Math.max(tr, r.trimRuntimeNs());
            rr = Math.max(rr, r.readRuntimeNs());
            wr = Math.max(wr, r.writeRuntimeNs());
            rt = Math.max(rt, r.runtimeNs());
            usr += r.usrCpuNs();
            sys += r.sysCpuNs();
            base += r.runtimeNs();
            errs += r.ioErrors();
            verified += r.verifiedBlocks();
            bad += r.mismatchCount();
            start = Math.min(start, r.startEpochMs());
            firstError = firstError != null ? firstError : r.firstError();
            failure = failure != null ? failure : r.failure();
            for (Mismatch m : r.mismatches()) {
                if (mm.size() < JobRunner.MAX_MISMATCHES_KEPT) {
                    mm.add(m);
                }
            }
            qc = qc.plus(r.counters());
            alloc += r.allocatedBytes();
            for (int i = 0; i < depths.length; i++) {
                depths[i] += r.depthLevels()[i];
            }
        }
        JobSpec spec = results.get(0).spec();
        return new ReportBlock(spec.name(), results.size(), spec, read, write, rr, wr, rt, usr, sys, base, start,
                errs, firstError, failure, verified, bad, List.copyOf(mm), qc, alloc, depths, trim, tr);
    }

    /** fio's IO depths distribution: percentages for 1, 2, 4, 8, 16, 32, >=64. */
    public double[] depthPercentages() {
        long total = 0;
        for (long d : depthLevels) {
            total += d;
        }
        double[] pct = new double[depthLevels.length];
        for (int i = 0; i < pct.length; i++) {
            pct[i] = total == 0 ? 0 : 100.0 * depthLevels[i] / total;
        }
        return pct;
    }

    /** Total latency of both directions (for fio's latency distribution). */
    public org.HdrHistogram.Histogram totalLatency() {
        org.HdrHistogram.Histogram h = read.lat().copy();
        h.add(write.lat());
        h.add(trim.lat());
        return h;
    }

    /** Bytes per second of a direction over its run time. */
    public static long bwBytes(DirectionStats d, long runtimeNs) {
        return runtimeNs <= 0 ? 0 : (long) (d.bytes() * 1e9 / runtimeNs);
    }

    /** I/Os per second of a direction over its run time. */
    public static double iops(DirectionStats d, long runtimeNs) {
        return runtimeNs <= 0 ? 0 : d.ios() * 1e9 / runtimeNs;
    }

    /** Run time in whole milliseconds as fio reports it; at least 1 when there was I/O. */
    public static long runtimeMs(DirectionStats d, long runtimeNs) {
        return d.ios() == 0 ? 0 : Math.max(1, runtimeNs / 1_000_000);
    }
}
