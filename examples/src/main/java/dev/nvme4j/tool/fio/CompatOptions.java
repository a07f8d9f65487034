package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.FioFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * fio options accepted so that fio's command lines and job files run unchanged, though they do
 * not change what nvme4j does; {@link #notes} says so where it matters.
 */
public final class CompatOptions {
    /** Accepted options that change nothing (see {@link #ignored}). */
    static final Set<String> IGNORED = Set.of("directory", "create_serialize", "invalidate",
            "fadvise_hint", "gtod_reduce", "random_generator", "iodepth_batch_submit", "iodepth_batch",
            "iodepth_batch_complete", "iodepth_batch_complete_min", "iodepth_batch_complete_max", "iodepth_low",
            "sqthread_poll", "sqthread_poll_cpu", "hipri", "fixedbufs", "registerfiles", "nonvectored", "force_async");

    /** fio's io_uring options, for their note. */
    private static final Set<String> IO_URING = Set.of("sqthread_poll", "sqthread_poll_cpu", "hipri", "fixedbufs",
            "registerfiles", "nonvectored", "force_async");

    @Option(names = "--description", paramLabel = "TEXT", description = "Text describing the job (accepted).")
    public String description;

    @Option(names = "--ioengine", paramLabel = "ENGINE",
            description = "nvme4j (default): each job drives its own queue pair asynchronously; psync: each job is "
                    + "a virtual thread making blocking calls through one shared BlockDevice (see --mem); any "
                    + "other name is accepted for fio's job files and runs as nvme4j (noted).")
    public String ioengine;

    @Option(names = "--direct", arity = "0..1", fallbackValue = "1", converter = FioFlag.class, paramLabel = "0|1",
            description = "Accepted: nvme4j's I/O never passes a page cache (direct=0 is noted).")
    public Boolean direct;

    @Option(names = "--buffered", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Accepted: see --direct (buffered=1 is noted).")
    public Boolean buffered;

    @Option(names = {"--thread", "--threads"}, arity = "0..1", fallbackValue = "1", converter = FioFlag.class, paramLabel = "0|1",
            description = "Accepted: every job runs on its own thread anyway.")
    public boolean thread;

    @Option(names = {"--directory", "--create_serialize", "--invalidate", "--fadvise_hint",
        "--gtod_reduce", "--random_generator",
        "--iodepth_batch_submit", "--iodepth_batch", "--iodepth_batch_complete", "--iodepth_batch_complete_min",
        "--iodepth_batch_complete_max", "--iodepth_low", "--sqthread_poll", "--sqthread_poll_cpu", "--hipri",
        "--fixedbufs", "--registerfiles", "--nonvectored", "--force_async"}, paramLabel = "VALUE", arity = "0..1",
            fallbackValue = "1",
            description = "Accepted for fio's job files; they do not change what nvme4j does (noted).")
    public List<String> ignored = new ArrayList<>();

    /** Accepts one value (case-insensitive), else refuses with {@code why}. */
    private abstract static class Only implements picocli.CommandLine.ITypeConverter<String> {
        private final String accepted;
        private final String why;

        Only(String accepted, String why) {
            this.accepted = accepted;
            this.why = why;
        }

        @Override
        public String convert(String value) {
            if (!value.strip().equalsIgnoreCase(accepted)) {
                throw new picocli.CommandLine.TypeConversionException(why + " but was '" + value + "'");
            }
            return accepted;
        }
    }

    /** {@code cmd_type}: nvme only. */
    public static final class CmdType extends Only {
        public CmdType() {
            super("nvme", "nvme4j sends NVMe commands only (cmd_type=nvme)");
        }
    }

    /** {@code io_submit_mode}: inline only. */
    public static final class SubmitMode extends Only {
        public SubmitMode() {
            super("inline", "nvme4j submits inline, from each job's own thread (there is no offload thread); remove "
                    + "io_submit_mode or give inline, and pace with rate_iops (rate_process=linear) instead,");
        }
    }

    @Option(names = "--cmd_type", paramLabel = "nvme", converter = CmdType.class,
            description = "fio's io_uring_cmd command type: nvme (accepted: nvme4j sends NVMe commands itself).")
    public String cmdType;

    @Option(names = "--io_submit_mode", paramLabel = "inline", converter = SubmitMode.class,
            description = "inline (fio's default, what nvme4j does: each job submits from its own thread).")
    public String ioSubmitMode;

    /**
     * Notes on accepted options that do not apply to nvme4j, one per option, for stderr.
     *
     * @param given which options were given (their names without dashes)
     */
    public List<String> notes(Set<String> given) {
        List<String> notes = new ArrayList<>();
        if (ioengine != null && !ioengine.equals("nvme4j") && !EngineOptions.psync(ioengine)) {
            notes.add("ioengine=" + ioengine + " does not apply: nvme4j drives the NVMe controller itself "
                    + "(engine nvme4j)");
        }
        if (Boolean.FALSE.equals(direct) || Boolean.TRUE.equals(buffered)) {
            notes.add((Boolean.FALSE.equals(direct) ? "direct=0" : "buffered=1") + " does not apply: nvme4j's I/O "
                    + "goes straight to the device, never through a page cache");
        }
        for (String g : given) {
            if (IO_URING.contains(g)) {
                notes.add(g + " is io_uring's and does not apply: nvme4j drives its own NVMe queue pairs (ignored)");
            } else if (IGNORED.contains(g)) {
                notes.add(g + " does not apply to nvme4j and is ignored");
            }
        }
        return notes;
    }
}
