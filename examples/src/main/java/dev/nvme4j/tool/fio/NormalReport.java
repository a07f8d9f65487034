package dev.nvme4j.tool.fio;

import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.tool.Main;
import java.io.PrintWriter;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Writes results in the layout of fio's normal output: a block per job (or group) with IOPS,
 * bandwidth, slat/clat/lat, their percentiles (clat's by default) and CPU, then the group's run status line(s).
 * nvme4j adds verify results and the driver's recovery counters when they are not zero.
 */
public final class NormalReport {
    /** fio's default percentile list. */
    public static final double[] PERCENTILES = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9,
        99.95, 99.99};

    private final PrintWriter out;

    public NormalReport(PrintWriter out) {
        this.out = out;
    }

    /** The lines fio prints before starting the jobs: one per job, "..." for its clones. */
    public void header(List<JobSpec> specs) {
        for (JobSpec spec : specs) {
            if (spec.index() > 0) {
                if (spec.index() == 1) {
                    out.println("...");
                }
                continue;
            }
            BlockSizes bs = spec.flow().sizes();
            boolean psync = EngineOptions.psync(spec.options().compat.ioengine);
            out.printf("%s: (g=%d): rw=%s, bs=(R) %s, (W) %s, (T) %s, ioengine=%s, iodepth=%d%n", spec.name(),
                    spec.group(), spec.rw().spelling(), bs.describe(0), bs.describe(1), bs.describe(2),
                    psync ? "psync" : "nvme4j", psync ? 1 : spec.iodepth());
        }
        out.println(Main.VERSION);
        out.printf("Starting %d thread%s%n", specs.size(), specs.size() == 1 ? "" : "s");
        out.flush();
    }

    /**
     * Prints the result blocks of a group and its run status.
     *
     * @param controller the controller's counters, printed when not null and not zero (after the last group)
     */
    public void print(List<ReportBlock> blocks, List<JobResult> jobs, int group, ControllerCounters controller) {
        long pid = ProcessHandle.current().pid();
        SimpleDateFormat date = new SimpleDateFormat("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);
        for (ReportBlock b : blocks) {
            out.printf("%s: (groupid=%d, jobs=%d): err=%2d: pid=%d: %s%n", b.name(), group, b.jobs(), b.errno(), pid,
                    date.format(new Date(b.startEpochMs())));
            ReportOptions report = b.spec().options().report;
            if (b.read().ios() > 0) {
                direction("read", b.read(), b.readRuntimeNs(), JsonReport.aggKiB(blocks, true), report);
            }
            if (b.write().ios() > 0) {
                direction("write", b.write(), b.writeRuntimeNs(), JsonReport.aggKiB(blocks, false), report);
            }
            if (b.trim().ios() > 0) {
                direction("trim", b.trim(), b.trimRuntimeNs(), 0, report);
            }
            out.print(LatencyBuckets.lines(b.totalLatency()));
            double base = Math.max(1, b.cpuBaseNs());
            out.printf(Locale.ROOT, "  cpu          : usr=%.2f%%, sys=%.2f%%%n", 100.0 * b.usrCpuNs() / base,
                    100.0 * b.sysCpuNs() / base);
            double[] d = b.depthPercentages();
            out.printf(Locale.ROOT, "  IO depths    : 1=%.1f%%, 2=%.1f%%, 4=%.1f%%, 8=%.1f%%, 16=%.1f%%, 32=%.1f%%, "
                    + ">=64=%.1f%%%n", d[0], d[1], d[2], d[3], d[4], d[5], d[6]);
            out.printf("     issued rwts: total=%d,%d,%d,0 short=0,0,0,0 dropped=0,0,0,0%n", b.read().ios(),
                    b.write().ios(), b.trim().ios());
            if (EngineOptions.psync(b.spec().options().compat.ioengine)) { // the jobs share one BlockDevice
                out.printf("     queue pair : depth=%d, mode=%s, pairs=%d shared by the run's jobs%n",
                        PsyncRun.queueDepth(), FioOptions.Mode.of(b.spec().mode()).spelling(), PsyncRun.queuePairs());
            } else {
                out.printf("     queue pair : depth=%d, mode=%s%n", b.spec().iodepth() + 1,
                        FioOptions.Mode.of(b.spec().mode()).spelling());
            }
            if (b.spec().verify()) {
                out.printf("  verify       : %s, blocks=%d, bad=%d%n", b.spec().options().checks.method().spelling(),
                        b.verifiedBlocks(), b.mismatchCount());
                for (Mismatch m : b.mismatches()) {
                    out.println("     bad " + m.describe()
                            + (m.dump() == null ? "" : " (dumped as " + m.dump() + ".{received,expected})"));
                }
            }
            if (b.ioErrors() > 0) {
                out.printf("  io errors    : %d, first: %s%n", b.ioErrors(), b.firstError());
            }
            if (b.failure() != null) {
                out.printf("  failed       : %s%n", b.failure());
            }
            recovery(b.counters());
        }
        groupStatus(jobs, group);
        if (controller != null && controller.resets() + controller.failures() + controller.adminTimeouts() > 0) {
            out.printf("%nController: resets=%d, failures=%d, admin_timeouts=%d%n", controller.resets(),
                    controller.failures(), controller.adminTimeouts());
        }
        out.flush();
    }

    private void recovery(QueueCounters c) {
        if (c.timeouts() + c.missedInterrupts() + c.lostDoorbells() + c.aborts() + c.resubmitted() + c.errors() == 0) {
            return;
        }
        out.printf("  recovery     : timeouts=%d, missed_interrupts=%d, lost_doorbells=%d, aborts=%d, "
                + "resubmitted=%d, errors=%d%n", c.timeouts(), c.missedInterrupts(), c.lostDoorbells(), c.aborts(),
                c.resubmitted(), c.errors());
    }

    private void direction(String dir, DirectionStats d, long runtimeNs, double groupKiB, ReportOptions report) {
        long bw = ReportBlock.bwBytes(d, runtimeNs);
        double iops = ReportBlock.iops(d, runtimeNs);
        out.printf("  %s: IOPS=%s, BW=%s (%s)(%s/%dmsec)%n", dir, Units.count(iops), Units.bw(bw), Units.bwSi(bw),
                Units.bytes(d.bytes()), ReportBlock.runtimeMs(d, runtimeNs));
        if (d.ios() == 0) {
            return;
        }
        lat("slat", d.slat());
        lat("clat", d.clat());
        lat(" lat", d.lat());
        // as fio: slat, clat and lat percentiles, each when asked for
        double[] pcts = report.percentiles();
        int precision = report.precision();
        if (report.slatPercentiles) {
            percentiles("slat", d.slat(), pcts, precision);
        }
        if (report.clatPercentiles) {
            percentiles("clat", d.clat(), pcts, precision);
        }
        if (report.latPercentiles) {
            percentiles("lat", d.lat(), pcts, precision);
        }
        rates(d, ReportBlock.bwBytes(d, runtimeNs) / 1024.0, groupKiB);
    }

    private void rates(DirectionStats d, double kib, double groupKiB) {
        RateSamples bw = d.bwSamples();
        if (bw.samples() > 0) {
            double div = 1;
            String unit = "KiB";
            if (bw.mean() > 1024.0 * 1024.0) {
                div = 1024;
                unit = "MiB";
            }
            double per = groupKiB > 0 ? Math.min(100.0, 100.0 * kib / groupKiB) : 100.0;
            out.printf(Locale.ROOT, "   bw (%5s/s): min=%5d, max=%5d, per=%3.2f%%, avg=%5.02f, stdev=%5.02f, "
                    + "samples=%d%n", unit, Math.round(bw.min() / div), Math.round(bw.max() / div), per,
                    bw.mean() / div, bw.stddev() / div, bw.samples());
        }
        RateSamples iops = d.iopsSamples();
        if (iops.samples() > 0) {
            out.printf(Locale.ROOT, "   iops        : min=%5d, max=%5d, avg=%5.02f, stdev=%5.02f, samples=%d%n",
                    Math.round(iops.min()), Math.round(iops.max()), iops.mean(), iops.stddev(), iops.samples());
        }
    }

    private void lat(String name, Histogram h) {
        long min = h.getMinValue();
        long max = h.getMaxValue();
        double mean = h.getMean();
        double dev = h.getStdDeviation();
        String unit = "nsec";
        double div = 1;
        if (min > 2_000_000 && max > 99_999_999L && dev > 1_000_000.0) {
            unit = "msec";
            div = 1_000_000;
        } else if (min > 2000 && max > 99_999 && dev > 1000.0) {
            unit = "usec";
            div = 1000;
        }
        out.printf(Locale.ROOT, "    %s (%s): min=%s, max=%s, avg=%5.02f, stdev=%5.02f%n", name, unit,
                Units.num((long) (min / div), 6, false, ""), Units.num((long) (max / div), 6, false, ""),
                mean / div, dev / div);
    }

    private void percentiles(String name, Histogram h, double[] pcts, int precision) {
        long[] values = new long[pcts.length];
        long minv = Long.MAX_VALUE;
        long maxv = 0;
        for (int i = 0; i < pcts.length; i++) {
            values[i] = h.getValueAtPercentile(pcts[i]);
            minv = Math.min(minv, values[i]);
            maxv = Math.max(maxv, values[i]);
        }
        int scale = 0;
        String unit = "nsec";
        if (minv > 2_000_000 && maxv > 99_999_999L) {
            scale = 2;
            unit = "msec";
        } else if (minv > 2000 && maxv > 99_999) {
            scale = 1;
            unit = "usec";
        }
        long divisor = scale == 2 ? 1_000_000 : scale == 1 ? 1000 : 1;
        int width = Math.max(5, Long.toString(maxv / divisor).length());
        int perLine = (80 - 7) / (precision + 10 + width);
        String format = " %" + (precision + 3) + "." + precision + "fth=[%" + width + "d]%c";
        StringBuilder sb = new StringBuilder();
        sb.append("    ").append(name).append(" percentiles (").append(unit).append("):\n     |");
        for (int j = 0; j < values.length; j++) {
            if (j != 0 && j % perLine == 0) {
                sb.append("     |");
            }
            long v = values[j];
            for (int s = 0; s < scale; s++) {
                v = (v + 999) / 1000;
            }
            boolean last = j == values.length - 1;
            sb.append(String.format(Locale.ROOT, format, pcts[j], v, last ? '\n' : ','));
            if (!last && j % perLine == perLine - 1) {
                sb.append('\n');
            }
        }
        out.print(sb);
    }

    private void groupStatus(List<JobResult> jobs, int group) {
        out.printf("%nRun status group %d (all jobs):%n", group);
        statusLine("   READ", jobs, JobResult::read, JobResult::readRuntimeNs);
        statusLine("  WRITE", jobs, JobResult::write, JobResult::writeRuntimeNs);
        statusLine("   TRIM", jobs, JobResult::trim, JobResult::trimRuntimeNs);
    }

    private void statusLine(String label, List<JobResult> jobs, java.util.function.Function<JobResult, DirectionStats> dir,
                            java.util.function.ToLongFunction<JobResult> runtime) {
        long bytes = 0;
        long minBw = Long.MAX_VALUE;
        long maxBw = 0;
        long minRun = Long.MAX_VALUE;
        long maxRun = 0;
        long maxRunNs = 0;
        for (JobResult r : jobs) {
            DirectionStats d = dir.apply(r);
            long rt = runtime.applyAsLong(r);
            if (rt == 0 || d.ios() == 0) {
                continue;
            }
            bytes += d.bytes();
            long bw = ReportBlock.bwBytes(d, rt);
            minBw = Math.min(minBw, bw);
            maxBw = Math.max(maxBw, bw);
            minRun = Math.min(minRun, ReportBlock.runtimeMs(d, rt));
            maxRun = Math.max(maxRun, ReportBlock.runtimeMs(d, rt));
            maxRunNs = Math.max(maxRunNs, rt);
        }
        if (maxRun == 0) {
            return;
        }
        long agg = (long) (bytes * 1e9 / maxRunNs);
        out.printf("%s: bw=%s (%s), %s-%s (%s-%s), io=%s (%s), run=%d-%dmsec%n", label, Units.bw(agg),
                Units.bwSi(agg), Units.bw(minBw), Units.bw(maxBw), Units.bwSi(minBw), Units.bwSi(maxBw),
                Units.bytes(bytes), Units.bytesSi(bytes), minRun, maxRun);
    }
}
