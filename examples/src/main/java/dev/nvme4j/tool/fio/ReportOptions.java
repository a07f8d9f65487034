package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.FioFlag;
import dev.nvme4j.tool.cli.ToolException;
import picocli.CommandLine.Option;

/** The fio options of what a job reports and logs: latency percentiles and the I/O logs. */
public final class ReportOptions {
    @Option(names = "--percentile_list", paramLabel = "P:P:...",
            description = "Latency percentiles to report, e.g. 50:99:99.9 (default fio's 17).")
    public String percentileList;

    @Option(names = "--clat_percentiles", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Report completion latency percentiles (default 1).")
    public boolean clatPercentiles = true;

    @Option(names = "--lat_percentiles", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Report total latency percentiles (default 0); terse output then "
            + "gives these instead of clat's, as fio does.")
    public boolean latPercentiles;

    @Option(names = "--slat_percentiles", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Report submission latency percentiles (default 0).")
    public boolean slatPercentiles;

    @Option(names = "--write_lat_log", paramLabel = "PREFIX", arity = "0..1", fallbackValue = "",
            description = "Log every I/O's slat, clat and lat to PREFIX_slat.N.log etc. (fio's format; default "
                    + "prefix: the job name).")
    public String writeLatLog;

    @Option(names = "--write_bw_log", paramLabel = "PREFIX", arity = "0..1", fallbackValue = "",
            description = "Log bandwidth (KiB/s) to PREFIX_bw.N.log.")
    public String writeBwLog;

    @Option(names = "--write_iops_log", paramLabel = "PREFIX", arity = "0..1", fallbackValue = "",
            description = "Log IOPS to PREFIX_iops.N.log.")
    public String writeIopsLog;

    @Option(names = "--log_avg_msec", paramLabel = "MS",
            description = "Log one averaged row per direction every MS milliseconds instead of every I/O.")
    public int logAvgMsec;

    @Option(names = "--log_offset", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Add each I/O's byte offset to the log rows.")
    public boolean logOffset;

    @Option(names = "--per_job_logs", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "1 (default): one log file per job (.N in the name).")
    public boolean perJobLogs = true;

    /** Checks what can be checked without the device. */
    void checkAlone() {
        percentiles();
        FioOptions.range("--log_avg_msec", logAvgMsec, 0, Integer.MAX_VALUE);
    }

    /** The percentiles to report, sorted as fio sorts them: --percentile_list or fio's default list. */
    public double[] percentiles() {
        if (percentileList == null) {
            return NormalReport.PERCENTILES.clone();
        }
        String[] parts = percentileList.split(":");
        if (parts.length > 20) {
            throw ToolException.usage("Invalid value for option '--percentile_list': at most 20 percentiles (as in "
                    + "fio) but there are " + parts.length);
        }
        double[] p = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                p[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException e) {
                p[i] = -1;
            }
            if (!(p[i] > 0 && p[i] <= 100)) {
                throw ToolException.usage("Invalid value for option '--percentile_list': expected percentiles "
                        + "above 0 and at most 100 separated by ':' such as 50:99:99.9 but was '" + percentileList
                        + "'" + (p[i] == 0 ? " (fio ends the list at a 0 and reports nothing after it)" : ""));
            }
        }
        java.util.Arrays.sort(p);
        return p;
    }

    /** Decimals of the percentiles in the normal report: the most any given one has (fio's default list: 2). */
    public int precision() {
        if (percentileList == null) {
            return 2;
        }
        int most = 0;
        for (String part : percentileList.split(":")) {
            int dot = part.strip().indexOf('.');
            if (dot >= 0) {
                most = Math.max(most, part.strip().length() - dot - 1);
            }
        }
        return Math.min(most, 6);
    }
}
