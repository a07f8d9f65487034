package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.FioFlag;
import dev.nvme4j.tool.cli.TimeSpec;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The fio options of how much a job issues, in what order and how fast: limits, randomness, pacing. */
public final class FlowOptions {
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

    @Option(names = {"--randrepeat", "--allrandrepeat"}, arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "1 (default): the same random sequence every run; 0: a new one.")
    public boolean randrepeat = true;

    @Option(names = "--random_distribution", paramLabel = "random|zipf[:T]|pareto[:H]|normal[:D]|zoned:A/R:...",
            description = "How random offsets spread (fio's): uniform (default), zipf or pareto (a hot set), "
                    + "normal (a bell of D%% of the region), zoned (A%% of the I/Os to the next R%% of the region).")
    public String randomDistribution;

    @Option(names = "--randseed", paramLabel = "N", description = "Seed of random offsets and mixes.")
    public Long randseed;

    @Option(names = "--thinktime", paramLabel = "TIME", converter = TimeSpec.Micros.class,
            description = "Pause issuing this long after every --thinktime_blocks I/Os (plain number: microseconds).")
    public Duration thinktime;

    @Option(names = "--thinktime_blocks", paramLabel = "N", description = "I/Os between pauses (default 1).")
    public int thinktimeBlocks = 1;

    @Option(names = "--thinktime_spin", paramLabel = "TIME", converter = TimeSpec.Micros.class,
            description = "Accepted: a polled job spins during the whole pause anyway.")
    public Duration thinktimeSpin;

    /** A rate: one value; fio's per-direction form (R,W[,T]) is refused saying why. */
    public static final class RateConverter implements picocli.CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            if (value.contains(",")) {
                throw new picocli.CommandLine.TypeConversionException("per-direction rates (READ,WRITE[,TRIM]) are "
                        + "not supported: nvme4j caps a job's I/O of all directions together; give one value (e.g. "
                        + value.substring(0, value.indexOf(',')) + ") but was '" + value + "'");
            }
            return ByteSize.parse(value);
        }
    }

    @Option(names = "--rate_iops", paramLabel = "N", converter = RateConverter.class,
            description = "Cap each job at N I/Os per second.")
    public Long rateIops;

    @Option(names = "--rate", paramLabel = "BYTES", converter = RateConverter.class,
            description = "Cap each job at this many bytes per second, e.g. 100m.")
    public Long rate;

    @Option(names = {"--rate_min", "--ratemin"}, paramLabel = "BYTES", converter = ByteSize.class,
            description = "Stop the job with a failure when its bandwidth over a --ratecycle falls below this.")
    public Long rateMin;

    @Option(names = {"--rate_iops_min"}, paramLabel = "N",
            description = "Stop the job with a failure when its I/O rate over a --ratecycle falls below this.")
    public Long rateIopsMin;

    @Option(names = "--rate_process", paramLabel = "linear",
            description = "How rated I/O is spread: linear (fio's default, the only one nvme4j has).")
    public String rateProcess;

    @Option(names = "--ratecycle", paramLabel = "MS", description = "The window of --rate_min (default 1000 ms).")
    public int ratecycle = 1000;

    /** Checks what can be checked without the device. */
    void checkAlone() {
        positive("--number_ios", numberIos);
        positive("--rate_iops", rateIops);
        positive("--rate", rate);
        positive("--io_size", ioSize);
        positive("--rate_min", rateMin);
        positive("--rate_iops_min", rateIopsMin);
        FioOptions.range("--ratecycle", ratecycle, 1, Integer.MAX_VALUE);
        if (rateProcess != null && !rateProcess.strip().equalsIgnoreCase("linear")) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid value for option '--rate_process': only linear "
                    + "(fio's default: I/Os spread evenly) is supported but was '" + rateProcess + "'");
        }
        FioOptions.range("--loops", loops, 1, Integer.MAX_VALUE);
        FioOptions.range("--thinktime_blocks", thinktimeBlocks, 1, Integer.MAX_VALUE);
        distribution();
    }

    /** The distribution of random offsets. */
    RandomDistribution distribution() {
        return randomDistribution == null ? RandomDistribution.RANDOM : RandomDistribution.parse(randomDistribution);
    }

    /** The seed of a run: fixed by default (fio's randrepeat=1), else randseed or a new one every run. */
    long seed() {
        return randseed != null ? randseed : randrepeat ? 0x6E766D65346AL : System.nanoTime();
    }

    /**
     * The flow of a job over {@code regionBytes} with these sizes.
     *
     * @param ioDefault the bytes to transfer per loop when {@code --io_size} is not given, null for the region's
     */
    JobSpec.Flow flow(BlockSizes sizes, long regionBytes, boolean timeBased, Long ioDefault) {
        long perLoop = ioSize != null ? ioSize : ioDefault != null ? ioDefault : regionBytes;
        long bytesLimit = timeBased || perLoop > Long.MAX_VALUE / loops ? Long.MAX_VALUE : perLoop * loops;
        RandomDistribution d = distribution();
        // as fio: a non-uniform distribution has no random map
        return new JobSpec.Flow(sizes, !norandommap && d.uniform(), bytesLimit,
                numberIos != null ? numberIos : Long.MAX_VALUE, thinktime == null ? 0 : thinktime.toNanos(),
                thinktimeBlocks, rateIops != null ? rateIops : 0, rate != null ? rate : 0, d);
    }

    private static void positive(String option, Long value) {
        if (value != null && value <= 0) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid value for option '" + option
                    + "': must be more than 0 but was " + value);
        }
    }
}
