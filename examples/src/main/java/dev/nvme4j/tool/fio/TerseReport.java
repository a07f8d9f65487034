package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.Main;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * fio's terse output, version 3 (fio 3.33's default {@code --terse-version}): one line of
 * semicolon-separated fields per job, as fio's HOWTO ("Terse output") lists them: job, read
 * block, write block (41 fields each: KiB, KiB/s, IOPS, runtime ms, slat, clat, 20 clat
 * percentiles (lat's with lat_percentiles, as fio), lat, bandwidth), CPU, IO depths, latency
 * shares in us and ms, and the disk
 * utilisation block, which nvme4j fills with the controller's address and zeros (no kernel
 * block device is involved). Latencies are in microseconds as in fio's terse format.
 */
final class TerseReport {
    private static final int PERCENTILE_FIELDS = 20;

    private final PrintWriter out;

    TerseReport(PrintWriter out) {
        this.out = out;
    }

    void print(List<ReportBlock> blocks) {
        for (ReportBlock b : blocks) {
            List<ReportBlock> group = blocks.stream().filter(o -> o.spec().group() == b.spec().group()).toList();
            double[] kib = {JsonReport.aggKiB(group, true), JsonReport.aggKiB(group, false)};
            out.println(String.join(";", fields(b, kib)));
        }
        out.flush();
    }

    /** @param groupKiB the read and write bandwidth of the block's group, KiB/s (for the aggregate share) */
    static List<String> fields(ReportBlock b, double[] groupKiB) {
        List<String> f = new ArrayList<>();
        f.add("3");
        f.add(Main.VERSION);
        f.add(b.name());
        f.add(Integer.toString(b.spec().group()));
        f.add(Integer.toString(b.errno()));
        ReportOptions report = b.spec().options().report;
        double[] pcts = report.latPercentiles || report.clatPercentiles ? report.percentiles() : new double[0];
        direction(f, b.read(), b.readRuntimeNs(), pcts, report.latPercentiles, groupKiB[0]);
        direction(f, b.write(), b.writeRuntimeNs(), pcts, report.latPercentiles, groupKiB[1]);
        long base = Math.max(1, b.cpuBaseNs());
        f.add(String.format(Locale.ROOT, "%f%%", 100.0 * b.usrCpuNs() / base));
        f.add(String.format(Locale.ROOT, "%f%%", 100.0 * b.sysCpuNs() / base));
        f.add("0"); // context switches
        f.add("0"); // major faults
        f.add("0"); // minor faults
        for (double d : b.depthPercentages()) {
            f.add(String.format(Locale.ROOT, "%.1f%%", d));
        }
        Histogram total = b.totalLatency();
        Map<String, Double> ns = LatencyBuckets.of(total, 0);
        double belowUs = ns.values().stream().mapToDouble(Double::doubleValue).sum();
        boolean first = true;
        for (double share : LatencyBuckets.of(total, 1).values()) {
            f.add(String.format(Locale.ROOT, "%.2f%%", first ? share + belowUs : share)); // as fio: ns in <=2 us
            first = false;
        }
        for (double share : LatencyBuckets.of(total, 2).values()) {
            f.add(String.format(Locale.ROOT, "%.2f%%", share));
        }
        String disk = b.spec().options().filename != null ? b.spec().options().filename : "nvme4j";
        f.add(disk);
        for (int i = 0; i < 7; i++) {
            f.add("0");
        }
        f.add("0.00%");
        return f;
    }

    /** @param lat the percentiles are lat's (fio's lat_percentiles), else clat's */
    private static void direction(List<String> f, DirectionStats d, long runtimeNs, double[] pcts, boolean lat,
                                  double groupKiB) {
        long bw = ReportBlock.bwBytes(d, runtimeNs);
        f.add(Long.toString(d.bytes() >> 10));
        f.add(Long.toString(bw / 1024));
        f.add(Long.toString(Math.round(ReportBlock.iops(d, runtimeNs))));
        f.add(Long.toString(d.ios() == 0 ? 0 : ReportBlock.runtimeMs(d, runtimeNs)));
        latency(f, d.slat());
        latency(f, d.clat());
        Histogram h = lat ? d.lat() : d.clat();
        for (int i = 0; i < PERCENTILE_FIELDS; i++) {
            if (i < pcts.length) { // as fio: a direction without I/O lists the percentiles with 0
                long v = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(pcts[i]) / 1000;
                f.add(String.format(Locale.ROOT, "%f%%=%d", pcts[i], v));
            } else {
                f.add("0%=0");
            }
        }
        latency(f, d.lat());
        RateSamples s = d.bwSamples();
        boolean any = s.samples() > 0;
        f.add(Long.toString(any ? Math.round(s.min()) : 0));
        f.add(Long.toString(any ? Math.round(s.max()) : 0));
        f.add(String.format(Locale.ROOT, "%f%%", groupKiB > 0 ? Math.min(100.0, 100.0 * bw / 1024.0 / groupKiB) : 0.0));
        f.add(String.format(Locale.ROOT, "%f", any ? s.mean() : 0.0));
        f.add(String.format(Locale.ROOT, "%f", any ? s.stddev() : 0.0));
    }

    private static void latency(List<String> f, Histogram h) {
        long n = h.getTotalCount();
        f.add(Long.toString(n == 0 ? 0 : h.getMinValue() / 1000));
        f.add(Long.toString(n == 0 ? 0 : h.getMaxValue() / 1000));
        f.add(String.format(Locale.ROOT, "%f", n == 0 ? 0.0 : h.getMean() / 1000));
        f.add(String.format(Locale.ROOT, "%f", n == 0 ? 0.0 : h.getStdDeviation() / 1000));
    }
}
