package dev.nvme4j.tool.fio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
 * Writes results shaped like fio's {@code --output-format=json}, so that tools reading fio's
 * JSON read these: {@code "fio version"}, {@code jobs[].jobname}, {@code jobs[].read/write}
 * with {@code io_bytes}, {@code bw} (KiB/s), {@code iops}, {@code runtime} (ms),
 * {@code slat_ns}/{@code clat_ns}/{@code lat_ns} ({@code clat_ns.percentile} keyed like
 * {@code "99.000000"}), {@code usr_cpu}, {@code sys_cpu}. nvme4j's own results (verify,
 * recovery counters, I/O errors) are under {@code jobs[].nvme4j}. With json+, each
 * direction's {@code clat_ns} also has fio's {@code bins} ({@link FioBins}).
 */
public final class JsonReport {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintWriter out;

    public JsonReport(PrintWriter out) {
        this.out = out;
    }

    /** Builds the JSON tree. */
    public static ObjectNode build(List<ReportBlock> blocks, ControllerCounters controller) {
        return build(blocks, controller, false);
    }

    /**
     * Builds the JSON tree; {@code plus}: fio's json+, with each direction's clat bins
     * ({@code clat_ns.bins}, see {@link FioBins}).
     */
    public static ObjectNode build(List<ReportBlock> blocks, ControllerCounters controller, boolean plus) {
        ObjectNode root = MAPPER.createObjectNode();
        long now = System.currentTimeMillis();
        root.put("fio version", Main.VERSION);
        root.put("timestamp", now / 1000);
        root.put("timestamp_ms", now);
        root.put("time", new SimpleDateFormat("EEE MMM d HH:mm:ss yyyy", Locale.ROOT).format(new Date(now)));
        ObjectNode global = root.putObject("global options");
        boolean psync = !blocks.isEmpty() && EngineOptions.psync(blocks.get(0).spec().options().compat.ioengine);
        global.put("ioengine", psync ? "psync" : "nvme4j"); // one engine per run (FioCommand)
        ArrayNode jobs = root.putArray("jobs");
        for (ReportBlock b : blocks) {
            ObjectNode job = jobs.addObject();
            job.put("jobname", b.name());
            job.put("groupid", b.spec().group());
            job.put("job_start", b.startEpochMs());
            job.put("error", b.errno());
            job.put("eta", 0);
            job.put("elapsed", Math.max(1, (b.runtimeNs() + b.spec().rampNs()) / 1_000_000_000L));
            jobOptions(job.putObject("job options"), b.spec(), b.spec().options());
            ReportOptions report = b.spec().options().report;
            direction(job.putObject("read"), b.read(), b.readRuntimeNs(), aggKiB(blocks, true), report, plus);
            direction(job.putObject("write"), b.write(), b.writeRuntimeNs(), aggKiB(blocks, false), report, plus);
            direction(job.putObject("trim"), b.trim(), b.trimRuntimeNs(), 0, report, plus);
            long base = Math.max(1, b.cpuBaseNs());
            job.put("job_runtime", b.runtimeNs() / 1_000_000);
            job.put("usr_cpu", 100.0 * b.usrCpuNs() / base);
            job.put("sys_cpu", 100.0 * b.sysCpuNs() / base);
            ObjectNode depth = job.putObject("iodepth_level");
            String[] levels = {"1", "2", "4", "8", "16", "32", ">=64"};
            double[] pct = b.depthPercentages();
            for (int i = 0; i < levels.length; i++) {
                depth.put(levels[i], pct[i]);
            }
            org.HdrHistogram.Histogram total = b.totalLatency();
            String[] names = {"latency_ns", "latency_us", "latency_ms"};
            for (int u = 0; u < 3; u++) {
                ObjectNode l = job.putObject(names[u]);
                LatencyBuckets.of(total, u).forEach(l::put);
            }
            ObjectNode own = job.putObject("nvme4j");
            own.put("jobs", b.jobs());
            own.put("io_errors", b.ioErrors());
            own.put("hot_path_alloc_bytes", b.allocatedBytes());
            if (b.firstError() != null) {
                own.put("first_error", b.firstError());
            }
            if (b.failure() != null) {
                own.put("failure", b.failure());
            }
            if (b.spec().verify()) {
                ObjectNode v = own.putObject("verify");
                v.put("type", b.spec().options().checks.method().spelling());
                v.put("blocks", b.verifiedBlocks());
                v.put("bad_blocks", b.mismatchCount());
                ArrayNode bad = v.putArray("bad");
                for (Mismatch m : b.mismatches()) {
                    ObjectNode o = bad.addObject();
                    o.put("lba", m.lba());
                    o.put("problem", m.problem().name().toLowerCase(Locale.ROOT));
                    o.put("expected", m.expected());
                    o.put("found", m.found());
                    if (m.at() >= 0) {
                        o.put("byte", m.at());
                    }
                    if (m.dump() != null) {
                        o.put("dump", m.dump());
                    }
                }
            }
            counters(own.putObject("queue_counters"), b.counters());
        }
        if (controller != null) {
            ObjectNode c = root.putObject("nvme4j controller");
            c.put("resets", controller.resets());
            c.put("failures", controller.failures());
            c.put("admin_timeouts", controller.adminTimeouts());
            c.put("async_events", controller.asyncEvents());
        }
        root.putArray("disk_util");
        return root;
    }

    /** Prints the report. */
    public void print(List<ReportBlock> blocks, ControllerCounters controller, boolean plus) {
        try {
            out.println(MAPPER.writeValueAsString(build(blocks, controller, plus)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
        out.flush();
    }

    private static void jobOptions(ObjectNode o, JobSpec spec, FioOptions options) {
        o.put("name", spec.name());
        o.put("rw", spec.rw().spelling());
        if (spec.rw().mixed()) {
            o.put("rwmixread", Integer.toString(spec.rwmixread()));
        }
        if (options != null && options.bssplit != null) {
            o.put("bssplit", options.bssplit);
        } else if (options != null && options.bsrange != null) {
            o.put("bsrange", options.bsrange);
        } else {
            o.put("bs", options != null && options.bs.contains(",") ? options.bs : Integer.toString(spec.bs()));
        }
        o.put("iodepth", Integer.toString(spec.iodepth()));
        if (options != null) {
            o.put("numjobs", Integer.toString(options.numjobs));
            if (options.runtime != null) {
                o.put("runtime", Long.toString(options.runtime.toSeconds()));
            }
            if (options.timeBased) {
                o.put("time_based", "");
            }
            if (options.groupReporting) {
                o.put("group_reporting", "");
            }
        }
        o.put("size", Long.toString(spec.regionBytes()));
        if (spec.verify()) {
            o.put("verify", spec.options().checks.method().spelling());
        }
        o.put("mode", FioOptions.Mode.of(spec.mode()).spelling());
    }

    /** The group's bandwidth of a direction in KiB/s (the base of {@code bw_agg}). */
    static double aggKiB(List<ReportBlock> blocks, boolean read) {
        double sum = 0;
        for (ReportBlock b : blocks) {
            sum += read ? ReportBlock.bwBytes(b.read(), b.readRuntimeNs()) : ReportBlock.bwBytes(b.write(),
                    b.writeRuntimeNs());
        }
        return sum / 1024;
    }

    private static void direction(ObjectNode o, DirectionStats d, long runtimeNs, double groupKiB,
                                  ReportOptions report, boolean plus) {
        long bwBytes = ReportBlock.bwBytes(d, runtimeNs);
        o.put("io_bytes", d.bytes());
        o.put("io_kbytes", d.bytes() >> 10);
        o.put("bw_bytes", bwBytes);
        o.put("bw", bwBytes / 1024);
        o.put("iops", ReportBlock.iops(d, runtimeNs));
        o.put("runtime", ReportBlock.runtimeMs(d, runtimeNs));
        o.put("total_ios", d.ios());
        o.put("short_ios", 0);
        o.put("drop_ios", 0);
        double[] pcts = report.percentiles();
        double[] none = new double[0];
        latency(o.putObject("slat_ns"), d.slat(), report.slatPercentiles ? pcts : none, plus);
        latency(o.putObject("clat_ns"), d.clat(), report.clatPercentiles ? pcts : none, plus);
        latency(o.putObject("lat_ns"), d.lat(), report.latPercentiles ? pcts : none, plus);
        RateSamples bw = d.bwSamples();
        RateSamples iops = d.iopsSamples();
        o.put("bw_min", Math.round(bw.min()));
        o.put("bw_max", Math.round(bw.max()));
        o.put("bw_agg", groupKiB > 0 ? Math.min(100.0, 100.0 * (bwBytes / 1024.0) / groupKiB) : 0.0);
        o.put("bw_mean", bw.mean());
        o.put("bw_dev", bw.stddev());
        o.put("bw_samples", bw.samples());
        o.put("iops_min", Math.round(iops.min()));
        o.put("iops_max", Math.round(iops.max()));
        o.put("iops_mean", iops.mean());
        o.put("iops_stddev", iops.stddev());
        o.put("iops_samples", iops.samples());
    }

    /** min, max, mean, stddev, N; the percentiles when asked for, and with json+ fio's bins next to them. */
    private static void latency(ObjectNode o, Histogram h, double[] percentiles, boolean bins) {
        long n = h.getTotalCount();
        o.put("min", n == 0 ? 0 : h.getMinValue());
        o.put("max", n == 0 ? 0 : h.getMaxValue());
        o.put("mean", n == 0 ? 0.0 : h.getMean());
        o.put("stddev", n == 0 ? 0.0 : h.getStdDeviation());
        o.put("N", n);
        if (percentiles.length > 0 && n > 0) {
            ObjectNode p = o.putObject("percentile");
            for (double pct : percentiles) {
                p.put(String.format(Locale.ROOT, "%f", pct), h.getValueAtPercentile(pct));
            }
            if (bins) {
                ObjectNode b = o.putObject("bins");
                long[] counts = FioBins.of(h);
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] > 0) {
                        b.put(Long.toString(FioBins.value(i)), counts[i]);
                    }
                }
            }
        }
    }

    private static void counters(ObjectNode o, QueueCounters c) {
        o.put("submitted", c.submitted());
        o.put("completed", c.completed());
        o.put("errors", c.errors());
        o.put("timeouts", c.timeouts());
        o.put("missed_interrupts", c.missedInterrupts());
        o.put("lost_doorbells", c.lostDoorbells());
        o.put("aborts", c.aborts());
        o.put("resubmitted", c.resubmitted());
        o.put("doorbells_rung", c.doorbellsRung());
        o.put("doorbells_avoided", c.doorbellsAvoided());
        o.put("interrupts", c.interrupts());
        o.put("queue_full", c.queueFull());
    }
}
