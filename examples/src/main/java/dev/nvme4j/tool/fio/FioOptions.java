package dev.nvme4j.tool.fio;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.Amount;
import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.FioFlag;
import dev.nvme4j.tool.cli.LowerCaseEnumConverter;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.TimeSpec;
import dev.nvme4j.tool.cli.ToolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options of {@code nvme4j fio}, with fio's names and meanings, and their validation:
 * {@link #checkAlone()} before the device is opened, {@link #plan} against the namespace.
 */
public final class FioOptions {
    /** {@code --verify}: none or crc32c. */
    public enum Verify {
        NONE, CRC32C;

        /** Converter accepting {@code none}, {@code crc32c}. */
        public static final class Converter extends LowerCaseEnumConverter<Verify> {
            public Converter() {
                super(Verify.class);
            }
        }
    }

    /** {@code --mode}: how each job's queue pair waits for completions. */
    public enum Mode {
        POLL(CompletionMode.POLL), IRQ(CompletionMode.INTERRUPT), HYBRID(CompletionMode.HYBRID);

        private final CompletionMode completionMode;

        Mode(CompletionMode completionMode) {
            this.completionMode = completionMode;
        }

        public CompletionMode completionMode() {
            return completionMode;
        }

        /** The option spelling: poll, irq or hybrid. */
        public String spelling() {
            return LowerCaseEnumConverter.spelling(this);
        }

        /** The mode that selects {@code m}. */
        public static Mode of(CompletionMode m) {
            for (Mode mode : values()) {
                if (mode.completionMode == m) {
                    return mode;
                }
            }
            throw new IllegalArgumentException(String.valueOf(m));
        }

        /** Converter accepting {@code poll}, {@code irq}, {@code hybrid}. */
        public static final class Converter extends LowerCaseEnumConverter<Mode> {
            public Converter() {
                super(Mode.class);
            }
        }
    }

    /** {@code --eta}: when to draw the live progress line. */
    public enum Eta {
        AUTO, ALWAYS, NEVER;

        /** Converter accepting {@code auto}, {@code always}, {@code never}. */
        public static final class Converter extends LowerCaseEnumConverter<Eta> {
            public Converter() {
                super(Eta.class);
            }
        }
    }

    /** Largest iodepth accepted before the controller's own limit is known. */
    public static final int MAX_IODEPTH = 65535;
    /** Largest bs accepted (the driver splits a transfer beyond the controller's MDTS into several commands). */
    public static final long MAX_BS = 1L << 30;
    /** Largest numjobs accepted (each job holds six latency histograms of about 220 KiB). */
    public static final int MAX_NUMJOBS = 64;

    @Option(names = "--name", paramLabel = "NAME", description = "Job name (default: the --rw value).")
    public String name;

    @Option(names = "--rw", paramLabel = "MODE", converter = RwMode.Converter.class,
            description = "read, write, randread, randwrite, rw (or readwrite), randrw, trim or randtrim "
            + "(NVMe Deallocate) (default read).")
    public RwMode rw = RwMode.READ;

    @Option(names = "--readwrite", paramLabel = "MODE", converter = RwMode.Converter.class,
            description = "fio's other name for --rw.")
    void readwrite(RwMode mode) {
        rw = mode;
    }

    @Option(names = "--rwmixread", paramLabel = "PCT", defaultValue = "50",
            description = "Percentage of reads in rw/randrw (default ${DEFAULT-VALUE}).")
    public int rwmixread = 50;

    @Option(names = "--rwmixwrite", paramLabel = "PCT",
            description = "Percentage of writes in rw/randrw (sets --rwmixread to 100 minus it).")
    public Integer rwmixwrite;

    @Option(names = "--bs", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Bytes per I/O; k/m suffixes are powers of 1024 (default 4k).")
    public long bs = 4096;

    @Option(names = "--blocksize", paramLabel = "SIZE", converter = ByteSize.class,
            description = "fio's other name for --bs.")
    void blocksize(long size) {
        bs = size;
    }

    @Option(names = "--bsrange", paramLabel = "MIN-MAX",
            description = "I/O sizes: any multiple of MIN up to MAX, chosen uniformly, e.g. 4k-64k.")
    public String bsrange;

    @Option(names = "--bssplit", paramLabel = "SIZE/PCT:...",
            description = "I/O sizes by share, e.g. 4k/60:16k/30:64k/10 (sizes without a share split the rest).")
    public String bssplit;

    @Option(names = {"--io_size", "--io_limit"}, paramLabel = "SIZE", converter = ByteSize.class,
            description = "Bytes each job transfers (default --size; more than --size wraps around).")
    public Long ioSize;

    @Option(names = "--number_ios", paramLabel = "N", description = "Stop each job after N I/Os.")
    public Long numberIos;

    @Option(names = "--loops", paramLabel = "N", description = "Run the workload N times (default 1).")
    public int loops = 1;

    @Option(names = "--norandommap", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Random offsets drawn independently (default: every block once per "
            + "pass, like fio's random map).")
    public boolean norandommap;

    @Option(names = "--randrepeat", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "1 (default): the same random sequence every run; 0: a new one.")
    public boolean randrepeat = true;

    @Option(names = "--thinktime", paramLabel = "TIME", converter = TimeSpec.Micros.class,
            description = "Pause issuing this long after every --thinktime_blocks I/Os (plain number: microseconds).")
    public Duration thinktime;

    @Option(names = "--thinktime_blocks", paramLabel = "N", description = "I/Os between pauses (default 1).")
    public int thinktimeBlocks = 1;

    @Option(names = "--thinktime_spin", paramLabel = "TIME", converter = TimeSpec.Micros.class,
            description = "Accepted: a polled job spins during the whole pause anyway.")
    public Duration thinktimeSpin;

    @Option(names = "--rate_iops", paramLabel = "N", description = "Cap each job at N I/Os per second.")
    public Long rateIops;

    @Option(names = "--rate", paramLabel = "BYTES", converter = ByteSize.class,
            description = "Cap each job at this many bytes per second, e.g. 100m.")
    public Long rate;

    @Option(names = "--percentile_list", paramLabel = "P:P:...",
            description = "Latency percentiles to report, e.g. 50:99:99.9 (default fio's 17).")
    public String percentileList;

    @Option(names = "--clat_percentiles", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Report completion latency percentiles (default 1).")
    public boolean clatPercentiles = true;

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

    @Option(names = "--iodepth", paramLabel = "N", defaultValue = "1",
            description = "I/Os each job keeps in flight (default ${DEFAULT-VALUE}).")
    public int iodepth = 1;

    @Option(names = "--numjobs", paramLabel = "N", defaultValue = "1",
            description = "Jobs, each with its own thread, queue pair and region (default ${DEFAULT-VALUE}).")
    public int numjobs = 1;

    @Option(names = "--runtime", paramLabel = "TIME", converter = TimeSpec.class,
            description = "Stop after this long (plain number: seconds).")
    public Duration runtime;

    @Option(names = "--time_based", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Run for --runtime even when --size is done (wraps around).")
    public boolean timeBased;

    @Option(names = "--size", paramLabel = "SIZE|N%", converter = Amount.Converter.class,
            description = "Bytes of each job's region, or a share of the namespace such as 50% (default: the "
                    + "namespace divided among the jobs).")
    public Amount size;

    @Option(names = "--offset", paramLabel = "SIZE|N%", converter = Amount.Converter.class,
            description = "Where the first job's region starts: bytes, or a share of the namespace (default 0).")
    public Amount offset = Amount.ofBytes(0);

    @Option(names = "--offset_increment", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Job N's region starts at --offset plus N times this (default: right after job N-1's).")
    public Long offsetIncrement;

    @Option(names = "--startdelay", paramLabel = "TIME", converter = TimeSpec.class,
            description = "Start this job this long after the others (plain number: seconds).")
    public Duration startDelay = Duration.ZERO;

    @Option(names = "--ramp_time", paramLabel = "TIME", converter = TimeSpec.class, defaultValue = "0",
            description = "Run this long before recording results.")
    public Duration rampTime = Duration.ZERO;

    @Option(names = "--verify", paramLabel = "none|crc32c", converter = Verify.Converter.class,
            defaultValue = "none", description = "crc32c: write a pass stamping every block (LBA, generation, "
            + "checksum), then read it back and check; with a read-only workload check every read.")
    public Verify verify = Verify.NONE;

    @Option(names = "--pi", paramLabel = "auto|host|controller|off", defaultValue = "auto",
            description = "Protection information on a namespace formatted with it: host (the driver generates it "
                    + "on writes and checks it on reads), controller (PRACT: the controller inserts and checks it) "
                    + "or off (metadata moves as it is, nothing is checked); auto (default): host with PI, off "
                    + "without.")
    public String pi = "auto";

    @Option(names = "--pi-check", paramLabel = "guard,app,ref|none", defaultValue = "guard,ref",
            description = "PI fields to check (PRCHK): guard, app (application tag) and ref (reference tag; "
                    + "types 1 and 2) (default ${DEFAULT-VALUE}).")
    public String piCheck = "guard,ref";

    /**
     * The protection of the job's reads and writes on {@code ns} ({@code --pi}, {@code --pi-check});
     * null when none.
     *
     * @throws ToolException naming the option when it does not fit the namespace
     */
    public Protection protection(Namespace ns) {
        int checks = 0;
        for (String c : piCheck.split(",")) {
            switch (c.trim()) {
                case "guard" -> checks |= Protection.GUARD;
                case "app" -> checks |= Protection.APP_TAG;
                case "ref" -> checks |= Protection.REF_TAG;
                case "none", "" -> { }
                default -> throw ToolException.usage("Invalid value for option '--pi-check': '" + c
                        + "' (expected guard, app, ref or none, comma-separated)");
            }
        }
        switch (pi) {
            case "auto" -> {
                return ns.hasProtection() ? Protection.host(checks) : null;
            }
            case "off" -> {
                return null;
            }
            case "host", "controller" -> {
                if (!ns.hasProtection()) {
                    throw ToolException.usage("Invalid value for option '--pi': namespace " + ns.nsid()
                            + " has no protection information (" + ns.describeFormat() + ")");
                }
                return pi.equals("host") ? Protection.host(checks) : Protection.controller(checks);
            }
            default -> throw ToolException.usage("Invalid value for option '--pi': expected auto, host, controller or "
                    + "off but was '" + pi + "'");
        }
    }

    @Option(names = "--randseed", paramLabel = "N", description = "Seed of random offsets and mixes.")
    public Long randseed;

    @Option(names = "--group_reporting", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Report the jobs of a group together.")
    public boolean groupReporting;

    @Option(names = {"--stonewall", "--wait_for_previous"}, arity = "0..1", fallbackValue = "1",
            converter = FioFlag.class, paramLabel = "0|1",
            description = "Wait for the jobs before this one to end, then start a new reporting group.")
    public boolean stonewall;

    @Option(names = "--new_group", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Start a new reporting group (without waiting).")
    public boolean newGroup;

    @Option(names = "--filename", paramLabel = "DEVICE",
            description = "The device, as fio names the file: 'mock' or a PCI address (--device given on the "
                    + "command line wins, so that fio's job files run unchanged on the mock).")
    public String filename;

    @Option(names = "--description", paramLabel = "TEXT", description = "Text describing the job (accepted).")
    public String description;

    @Option(names = "--ioengine", paramLabel = "ENGINE",
            description = "Accepted for fio's job files; the engine is always nvme4j's own driver (noted when "
                    + "another is named).")
    public String ioengine;

    @Option(names = "--direct", arity = "0..1", fallbackValue = "1", converter = FioFlag.class, paramLabel = "0|1",
            description = "Accepted: nvme4j's I/O never passes a page cache (direct=0 is noted).")
    public Boolean direct;

    @Option(names = "--buffered", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Accepted: see --direct (buffered=1 is noted).")
    public Boolean buffered;

    @Option(names = "--thread", arity = "0..1", fallbackValue = "1", converter = FioFlag.class, paramLabel = "0|1",
            description = "Accepted: every job runs on its own thread anyway.")
    public boolean thread;

    @Option(names = {"--directory", "--create_serialize", "--invalidate", "--fadvise_hint", "--exitall",
        "--gtod_reduce", "--random_generator",
        "--iodepth_batch_submit", "--iodepth_batch", "--iodepth_batch_complete", "--iodepth_batch_complete_min",
        "--iodepth_batch_complete_max", "--iodepth_low"}, paramLabel = "VALUE", arity = "0..1", fallbackValue = "1",
            description = "Accepted for fio's job files; they do not change what nvme4j does (noted).")
    public List<String> ignored = new ArrayList<>();

    @Option(names = "--ns", paramLabel = "NSID", defaultValue = "1", description = "Namespace (default ${DEFAULT-VALUE}).")
    public int nsid = 1;

    @Option(names = "--mode", paramLabel = "poll|irq|hybrid", converter = Mode.Converter.class,
            defaultValue = "poll", description = "Completion mode of the queue pairs (default ${DEFAULT-VALUE}).")
    public Mode mode = Mode.POLL;

    /**
     * Notes on accepted options that do not apply to nvme4j, one per option, for stderr.
     *
     * @param given which options were given (their names without dashes)
     */
    public List<String> notes(java.util.Set<String> given) {
        List<String> notes = new ArrayList<>();
        if (ioengine != null && !ioengine.equals("nvme4j")) {
            notes.add("ioengine=" + ioengine + " does not apply: nvme4j drives the NVMe controller itself "
                    + "(engine nvme4j)");
        }
        if (Boolean.FALSE.equals(direct) || Boolean.TRUE.equals(buffered)) {
            notes.add((Boolean.FALSE.equals(direct) ? "direct=0" : "buffered=1") + " does not apply: nvme4j's I/O "
                    + "goes straight to the device, never through a page cache");
        }
        for (String g : given) {
            if (IGNORED.contains(g)) {
                notes.add(g + " does not apply to nvme4j and is ignored");
            }
        }
        return notes;
    }

    /** Accepted options that change nothing (see {@link #ignored}). */
    static final java.util.Set<String> IGNORED = java.util.Set.of("directory", "create_serialize", "invalidate",
            "fadvise_hint", "exitall", "gtod_reduce", "random_generator", "iodepth_batch_submit", "iodepth_batch", "iodepth_batch_complete",
            "iodepth_batch_complete_min", "iodepth_batch_complete_max", "iodepth_low");

    /** The job name used in reports. */
    public String jobName() {
        return name != null && !name.isBlank() ? name : rw.spelling();
    }

    /** Checks what can be checked without the device. */
    public void checkAlone() {
        if (rwmixwrite != null) {
            range("--rwmixwrite", rwmixwrite, 0, 100);
            rwmixread = 100 - rwmixwrite;
        }
        range("--rwmixread", rwmixread, 0, 100);
        if (bs <= 0) {
            throw ToolException.usage("Invalid value for option '--bs': must be more than 0 but was " + bs);
        }
        if (bs > MAX_BS) {
            throw ToolException.usage("Invalid value for option '--bs': must be at most " + ByteSize.format(MAX_BS)
                    + " (" + MAX_BS + " bytes) but was " + ByteSize.format(bs) + " (" + bs + " bytes)");
        }
        range("--iodepth", iodepth, 1, MAX_IODEPTH);
        range("--numjobs", numjobs, 1, MAX_NUMJOBS);
        if (nsid < 1) {
            throw ToolException.usage("Invalid value for option '--ns': must be 1 or more but was " + nsid);
        }
        if (timeBased && (runtime == null || runtime.isZero())) {
            throw ToolException.usage("--time_based needs --runtime (e.g. --runtime=10)");
        }
        blockSizes();
        percentiles();
        positive("--number_ios", numberIos);
        positive("--rate_iops", rateIops);
        positive("--rate", rate);
        positive("--io_size", ioSize);
        range("--loops", loops, 1, Integer.MAX_VALUE);
        range("--log_avg_msec", logAvgMsec, 0, Integer.MAX_VALUE);
        range("--thinktime_blocks", thinktimeBlocks, 1, Integer.MAX_VALUE);
        if (size != null && (size.isPercent() ? size.percent() == 0 : size.bytes() <= 0)) {
            throw ToolException.usage("Invalid value for option '--size': must be positive but was " + size);
        }
    }

    private static void positive(String option, Long value) {
        if (value != null && value <= 0) {
            throw ToolException.usage("Invalid value for option '" + option + "': must be more than 0 but was " + value);
        }
    }

    /** The I/O sizes: --bssplit, else --bsrange, else --bs. */
    public BlockSizes blockSizes() {
        if (bssplit != null && bsrange != null) {
            throw ToolException.usage("--bssplit and --bsrange both set the I/O sizes; give one");
        }
        return bssplit != null ? BlockSizes.split(bssplit) : bsrange != null ? BlockSizes.range(bsrange)
                : BlockSizes.fixed((int) bs);
    }

    /** The percentiles to report: --percentile_list or fio's default list. */
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
            if (!(p[i] >= 0 && p[i] <= 100)) {
                throw ToolException.usage("Invalid value for option '--percentile_list': expected percentiles "
                        + "between 0 and 100 separated by ':' such as 50:99:99.9 but was '" + percentileList + "'");
            }
        }
        return p;
    }

    private static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw ToolException.usage("Invalid value for option '" + option + "': must be between " + min + " and "
                    + max + " but was " + value);
        }
    }

    /**
     * Resolves the jobs against the controller and namespace.
     *
     * @throws ToolException naming the option when it does not fit
     */
    public List<JobSpec> plan(ControllerInfo info, Namespace ns, int group) {
        int lba = ns.lbaSize();
        BlockSizes sizes = blockSizes();
        String sizeOption = bssplit != null ? "--bssplit" : bsrange != null ? "--bsrange" : "--bs";
        for (int s : sizes.all()) {
            if (s % lba != 0) {
                throw ToolException.usage("Invalid value for option '" + sizeOption + "': " + s + " is not a multiple "
                        + "of the LBA size of namespace " + ns.nsid() + " (" + lba + " bytes)");
            }
        }
        int unit = sizes.min();
        int maxBs = sizes.max();
        if (verify != Verify.NONE && rw.trims()) {
            throw ToolException.usage("--verify cannot check a trim workload (--rw=" + rw.spelling()
                    + "): trimmed blocks hold no data to verify");
        }
        if (verify == Verify.CRC32C && lba < 64) {
            throw ToolException.usage("--verify=crc32c needs an LBA size of at least 64 bytes");
        }
        Protection protection = protection(ns);
        if (verify == Verify.CRC32C && ns.dataBytesPerBlock(protection) != lba) {
            throw ToolException.usage("--verify=crc32c on namespace " + ns.nsid() + " (" + ns.describeFormat()
                    + "): the metadata is interleaved with the data; verify with a format with separate metadata "
                    + "or with --pi=controller on 8-byte metadata");
        }
        int maxDepth = info.maxQueueEntries() - 1;
        if (iodepth > maxDepth) {
            throw ToolException.usage("Invalid value for option '--iodepth': must be between 1 and " + maxDepth
                    + " for this controller (CAP.MQES + 1 = " + info.maxQueueEntries() + " entries per queue) but was "
                    + iodepth);
        }
        if (info.ioQueuePairsGranted() > 0 && numjobs > info.ioQueuePairsGranted()) {
            throw ToolException.usage("Invalid value for option '--numjobs': the controller granted "
                    + info.ioQueuePairsGranted() + " I/O queue pairs but was " + numjobs);
        }
        long nsBytes = ns.sizeBytes();
        long offset = this.offset.resolve(nsBytes, this.offset.isPercent() ? lba : 1);
        if (offset % lba != 0) {
            throw ToolException.usage("Invalid value for option '--offset': " + offset
                    + " is not a multiple of the LBA size (" + lba + " bytes)");
        }
        if (offsetIncrement != null && offsetIncrement % lba != 0) {
            throw ToolException.usage("Invalid value for option '--offset_increment': " + offsetIncrement
                    + " is not a multiple of the LBA size (" + lba + " bytes)");
        }
        Long size = this.size == null ? null : this.size.resolve(nsBytes, 1);
        if (offset >= nsBytes) {
            throw ToolException.usage("Invalid value for option '--offset': " + offset + " is beyond namespace "
                    + ns.nsid() + " (" + nsBytes + " bytes)");
        }
        long region = size != null ? size : (nsBytes - offset) / numjobs;
        region -= region % unit;
        if (region < maxBs) {
            throw ToolException.usage("Invalid value for option '--size': each job's region must hold at least one "
                    + "block of " + sizeOption + " (" + maxBs + " bytes) but is " + (size != null ? size : region)
                    + " bytes");
        }
        long step = offsetIncrement != null ? offsetIncrement : region;
        long needed = offset + step * (numjobs - 1) + region;
        if (needed > nsBytes || needed < 0) {
            throw ToolException.usage("Invalid value for option '--size': --offset=" + offset + " plus --numjobs="
                    + numjobs + " regions of " + region + " bytes" + (offsetIncrement != null ? " every "
                    + offsetIncrement + " bytes (--offset_increment)" : "") + " need " + needed
                    + " bytes but namespace " + ns.nsid() + " has " + nsBytes + " bytes (" + ns.sizeBlocks()
                    + " blocks of " + lba + ")");
        }
        // fixed by default (fio's randrepeat=1); randrepeat=0 without randseed: a new sequence every run
        long seed = randseed != null ? randseed : randrepeat ? 0x6E766D65346AL : System.nanoTime();
        long perLoop = ioSize != null ? ioSize : region;
        long bytesLimit = timeBased || perLoop > Long.MAX_VALUE / loops ? Long.MAX_VALUE : perLoop * loops;
        JobSpec.Flow flow = new JobSpec.Flow(sizes, !norandommap, bytesLimit,
                numberIos != null ? numberIos : Long.MAX_VALUE, thinktime == null ? 0 : thinktime.toNanos(),
                thinktimeBlocks, rateIops != null ? rateIops : 0, rate != null ? rate : 0);
        long generation = System.currentTimeMillis();
        List<JobSpec> jobs = new ArrayList<>(numjobs);
        for (int i = 0; i < numjobs; i++) {
            long startLba = (offset + step * i) / lba;
            jobs.add(new JobSpec(jobName(), i, rw, rwmixread, maxBs, maxBs / lba, iodepth,
                    runtime == null ? 0 : runtime.toNanos(), timeBased, rampTime.toNanos(), ns.nsid(), startLba,
                    region / unit, verify == Verify.CRC32C, generation, seed + i * 0x9E3779B97F4A7C15L,
                    mode.completionMode(), group, this, flow));
        }
        return jobs;
    }
}
