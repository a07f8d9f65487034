package dev.nvme4j.tool.fio;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.tool.cli.Amount;
import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.FioFlag;
import dev.nvme4j.tool.cli.LowerCaseEnumConverter;
import dev.nvme4j.tool.cli.TimeSpec;
import dev.nvme4j.tool.cli.ToolException;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code nvme4j fio}, with fio's names and meanings, and their validation:
 * {@link #checkAlone()} before the device is opened, {@link #plan} against the namespace. The
 * workload, its region and the job's grouping are here; the other groups are mixed in:
 * {@link FlowOptions}, {@link VerifyOptions}, {@link ProtectionOptions}, {@link ReportOptions},
 * {@link CompatOptions}.
 */
public final class FioOptions {
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

    /** The workload ({@code --rw}); see {@link #seqRun} and {@link #seqAdd} for its modifier. */
    public RwMode rw = RwMode.READ;
    /** {@code rw=randread:N}: I/Os per sequential run of a random mode (1: every offset random). */
    public int seqRun = 1;
    /** {@code rw=read:N}: bytes skipped after each I/O of a sequential mode (negative: backwards). */
    public long seqAdd;

    @Option(names = "--rw", paramLabel = "MODE[:N]", converter = RwMode.Choice.Converter.class,
            description = "read, write, randread, randwrite, rw (or readwrite), randrw, trim or randtrim "
            + "(NVMe Deallocate) (default read). :N as in fio: random modes issue runs of N sequential I/Os, "
            + "sequential ones skip N bytes after each I/O (negative: backwards).")
    void rw(RwMode.Choice choice) {
        rw = choice.mode();
        seqRun = choice.seqRun();
        seqAdd = choice.seqAdd();
    }

    @Option(names = "--readwrite", paramLabel = "MODE[:N]", converter = RwMode.Choice.Converter.class,
            description = "fio's other name for --rw.")
    void readwrite(RwMode.Choice choice) {
        rw(choice);
    }

    @Option(names = "--rwmixread", paramLabel = "PCT", defaultValue = "50",
            description = "Percentage of reads in rw/randrw (default ${DEFAULT-VALUE}).")
    public int rwmixread = 50;

    @Option(names = "--rwmixwrite", paramLabel = "PCT",
            description = "Percentage of writes in rw/randrw (sets --rwmixread to 100 minus it).")
    public Integer rwmixwrite;

    @Option(names = "--bs", paramLabel = "SIZE[,SIZE[,SIZE]]", converter = BlockSizes.PerDirectionConverter.class,
            description = "Bytes per I/O; k/m suffixes are powers of 1024 (default 4k); as in fio, comma-separated "
                    + "for reads, writes and trims (4k,64k).")
    public String bs = "4k";

    @Option(names = "--blocksize", paramLabel = "SIZE[,SIZE[,SIZE]]", converter = BlockSizes.PerDirectionConverter.class,
            description = "fio's other name for --bs.")
    void blocksize(String size) {
        bs = size;
    }

    @Option(names = {"--blockalign", "--ba"}, paramLabel = "SIZE", converter = ByteSize.class,
            description = "Offsets of random I/O are multiples of this (default: the smallest I/O size); it must "
                    + "divide every I/O size.")
    public Long blockalign;

    @Option(names = {"--bsrange", "--blocksize_range"}, paramLabel = "MIN-MAX",
            description = "I/O sizes: any multiple of MIN up to MAX, chosen uniformly, e.g. 4k-64k.")
    public String bsrange;

    @Option(names = "--bssplit", paramLabel = "SIZE/PCT:...",
            description = "I/O sizes by share, e.g. 4k/60:16k/30:64k/10 (sizes without a share split the rest).")
    public String bssplit;

    @Option(names = "--iodepth", paramLabel = "N", defaultValue = "1",
            description = "I/Os each job keeps in flight (default ${DEFAULT-VALUE}).")
    public int iodepth = 1;

    @Option(names = "--numjobs", paramLabel = "N", defaultValue = "1",
            description = "Jobs, each with its own thread, queue pair and region (default ${DEFAULT-VALUE}).")
    public int numjobs = 1;

    @Option(names = {"--runtime", "--timeout"}, paramLabel = "TIME", converter = TimeSpec.class,
            description = "Stop after this long (plain number: seconds).")
    public Duration runtime;

    @Option(names = "--time_based", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Run for --runtime even when --size is done (wraps around).")
    public boolean timeBased;

    @Option(names = "--size", paramLabel = "SIZE|N%", converter = Amount.Converter.class,
            description = "Bytes of each job's region, or a share of the namespace such as 50%% (default: the "
                    + "namespace divided among the jobs).")
    public Amount size;

    @Option(names = "--filesize", paramLabel = "SIZE|LOW-HIGH", converter = FileSizeRange.Converter.class,
            description = "As fio's size of each job's file: the bytes of each job's region (a range: drawn for each "
            + "job); --size then only caps the bytes transferred, which --io_size sets when given.")
    public FileSizeRange filesize;

    @Option(names = {"--fill_device", "--fill_fs"}, arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "The region runs to the end of the namespace (divided among the "
            + "jobs), whatever --size says; fio writes until the device is full, which this is for a namespace.")
    public boolean fillDevice;

    @Option(names = {"--offset", "--fileoffset"}, paramLabel = "SIZE|N%", converter = Amount.Converter.class,
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

    @Option(names = "--group_reporting", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Report the jobs of a group together.")
    public boolean groupReporting;

    @Option(names = {"--stonewall", "--wait_for_previous"}, arity = "0..1", fallbackValue = "1",
            converter = FioFlag.class, paramLabel = "0|1",
            description = "Wait for the jobs before this one to end, then start a new reporting group.")
    public boolean stonewall;

    @Option(names = "--exitall", arity = "0..1", fallbackValue = "1", converter = FioFlag.class, paramLabel = "0|1",
            description = "When this job finishes, stop the others (which: --exit_what), as in fio.")
    public boolean exitall;

    /** {@code --exit_what}: which jobs a finished exitall job stops. */
    public enum ExitWhat {
        /** The jobs of its reporting group. */
        GROUP,
        /** Every job running (all groups up to the next stonewall); the next stonewalled jobs still run. */
        STONEWALL,
        /** Every job, and no later job starts. */
        ALL;

        /** Converter accepting {@code group}, {@code stonewall}, {@code all}. */
        public static final class Converter extends LowerCaseEnumConverter<ExitWhat> {
            public Converter() {
                super(ExitWhat.class);
            }
        }
    }

    @Option(names = "--exit_what", paramLabel = "group|stonewall|all", converter = ExitWhat.Converter.class,
            description = "Which jobs an exitall job stops when it finishes: its group (default), all running "
            + "ones (stonewall), or all including later ones (all).")
    public ExitWhat exitWhat = ExitWhat.GROUP;

    @Option(names = "--wait_for", paramLabel = "JOB",
            description = "Start this job when every job called JOB (defined before it) has finished, as in fio.")
    public String waitFor;

    @Option(names = "--new_group", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Start a new reporting group (without waiting).")
    public boolean newGroup;

    @Option(names = "--filename", paramLabel = "DEVICE",
            description = "The device, as fio names the file: 'mock' or a PCI address (--device given on the "
                    + "command line wins, so that fio's job files run unchanged on the mock).")
    public String filename;

    @Option(names = "--ns", paramLabel = "NSID", defaultValue = "1", description = "Namespace (default ${DEFAULT-VALUE}).")
    public int nsid = 1;

    @Option(names = "--mode", paramLabel = "poll|irq|hybrid", converter = Mode.Converter.class,
            defaultValue = "poll", description = "Completion mode of the queue pairs (default ${DEFAULT-VALUE}; "
                    + "irq for a tcp:// device, which then blocks on the queue's connection).")
    public Mode mode = Mode.POLL;

    @Mixin
    public FlowOptions flow = new FlowOptions();

    @Mixin
    public VerifyOptions checks = new VerifyOptions();

    @Mixin
    public ProtectionOptions protection = new ProtectionOptions();

    @Mixin
    public BufferOptions buffers = new BufferOptions();

    @Mixin
    public ReportOptions report = new ReportOptions();

    @Mixin
    public CompatOptions compat = new CompatOptions();

    @Mixin
    public EngineOptions engine = new EngineOptions();

    /** Notes on how options were taken, for stderr (filled by {@link #checkAlone()}). */
    public final List<String> notes = new java.util.ArrayList<>();

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
        bsPerDirection();
        range("--iodepth", iodepth, 1, MAX_IODEPTH);
        range("--numjobs", numjobs, 1, EngineOptions.psync(compat.ioengine) ? EngineOptions.MAX_PSYNC_NUMJOBS
                : MAX_NUMJOBS);
        if (nsid < 1) {
            throw ToolException.usage("Invalid value for option '--ns': must be 1 or more but was " + nsid);
        }
        if (timeBased && (runtime == null || runtime.isZero())) {
            timeBased = false; // as fio 3.33, which says so and runs the job once over its size
            notes.add("time_based requires a runtime/timeout setting (e.g. --runtime=10): the job runs once over "
                    + "its size, as in fio");
        }
        blockSizes();
        report.checkAlone();
        checks.checkAlone(rw);
        flow.checkAlone();
        buffers.checkAlone();
        engine.check(this);
        if (size != null && (size.isPercent() ? size.percent() == 0 : size.bytes() <= 0)) {
            throw ToolException.usage("Invalid value for option '--size': must be positive but was " + size);
        }
    }

    /** --bs for reads, writes and trims. */
    private int[] bsPerDirection() {
        String[] parts = BlockSizes.directions("--bs", bs);
        int[] out = new int[3];
        for (int d = 0; d < 3; d++) {
            long v;
            try {
                v = parts[d] == null ? 4096 : ByteSize.parse(parts[d]);
            } catch (RuntimeException e) {
                throw ToolException.usage("Invalid value for option '--bs': " + e.getMessage());
            }
            if (v <= 0) {
                throw ToolException.usage("Invalid value for option '--bs': must be more than 0 but was " + v);
            }
            if (v > MAX_BS) {
                throw ToolException.usage("Invalid value for option '--bs': must be at most " + ByteSize.format(MAX_BS)
                        + " (" + MAX_BS + " bytes) but was " + ByteSize.format(v) + " (" + v + " bytes)");
            }
            out[d] = (int) v;
        }
        return out;
    }

    /** The I/O sizes per direction: --bssplit, else --bsrange, else --bs (a direction without one: its bs). */
    public BlockSizes blockSizes() {
        if (bssplit != null && bsrange != null) {
            throw ToolException.usage("--bssplit and --bsrange both set the I/O sizes; give one");
        }
        int[] fixed = bsPerDirection();
        String[] parts = bssplit != null ? BlockSizes.directions("--bssplit", bssplit)
                : bsrange != null ? BlockSizes.directions("--bsrange", bsrange) : new String[3];
        BlockSizes[] d = new BlockSizes[3];
        for (int i = 0; i < 3; i++) {
            d[i] = parts[i] == null ? BlockSizes.fixed(fixed[i])
                    : bssplit != null ? BlockSizes.split(parts[i]) : BlockSizes.range(parts[i]);
        }
        return BlockSizes.perDirection(d[0], d[1], d[2]);
    }

    static void range(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw ToolException.usage("Invalid value for option '" + option + "': must be between " + min + " and "
                    + max + " but was " + value);
        }
    }

    /** The option that set the I/O sizes, for messages. */
    String sizeOption() {
        return bssplit != null ? "--bssplit" : bsrange != null ? "--bsrange" : "--bs";
    }

    /**
     * Resolves the jobs against the controller and namespace.
     *
     * @param firstNumber fio's number of the first of these jobs in the run (from 1)
     *
     * @throws ToolException naming the option when it does not fit
     */
    public List<JobSpec> plan(ControllerInfo info, Namespace ns, int group, int firstNumber) {
        return JobPlanner.plan(this, info, ns, group, firstNumber);
    }
}
