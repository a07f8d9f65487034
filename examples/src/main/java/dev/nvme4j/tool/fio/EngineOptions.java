package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ToolException;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * How a job does its I/O: {@code --ioengine} (in {@link CompatOptions}, for fio's job files)
 * picks the engine, {@code --mem} the kind of buffer.
 * <ul>
 *   <li>{@code nvme4j} (default): the job owns a queue pair and keeps {@code iodepth} I/Os in
 *       flight asynchronously, from DMA buffers.</li>
 *   <li>{@code psync}: the job is a virtual thread making blocking calls, one I/O at a time,
 *       through one {@code BlockDevice} that every job of the run shares ({@code --numjobs=256}
 *       means 256 virtual threads on the device's few queue pairs).</li>
 * </ul>
 */
public final class EngineOptions {
    /** Largest numjobs of a psync run: each job is a virtual thread but still holds its latency histograms. */
    public static final int MAX_PSYNC_NUMJOBS = 256;

    /** The buffer kinds of {@code --mem}. */
    public enum Mem { DMA, DIRECT, HEAP }

    @Option(names = {"--mem", "--iomem"}, paramLabel = "dma|direct|heap",
            description = "The I/O buffers of a psync job: dma (the controller's DMA memory, zero copy; default), "
                    + "direct (a direct ByteBuffer) or heap (a heap ByteBuffer); the last two go through the "
                    + "BlockDevice's bounce buffers (a copy per I/O). The nvme4j engine always uses dma.")
    public String mem;

    /** True for {@code --ioengine=psync}. */
    static boolean psync(String ioengine) {
        return ioengine != null && ioengine.equalsIgnoreCase("psync");
    }

    /** The buffer kind; checked by {@link #check}. */
    Mem memKind() {
        return mem == null ? Mem.DMA : Mem.valueOf(mem.toUpperCase(Locale.ROOT));
    }

    /** Checks --mem and what a psync job cannot do, before the device is opened. */
    void check(FioOptions o) {
        if (mem != null) {
            try {
                memKind();
            } catch (IllegalArgumentException e) {
                throw ToolException.usage("Invalid value for option '--mem': expected dma, direct or heap but was '"
                        + mem + "'");
            }
        }
        boolean psync = psync(o.compat.ioengine);
        if (!psync && memKind() != Mem.DMA) {
            throw ToolException.usage("Invalid value for option '--mem': " + mem + " needs --ioengine=psync (the "
                    + "nvme4j engine's queue pairs move DMA buffers only)");
        }
        if (!psync) {
            return;
        }
        if (o.rw != null && o.rw.trims()) {
            throw ToolException.usage("Invalid value for option '--rw': --ioengine=psync does reads and writes only "
                    + "(use --ioengine=nvme4j for trims)");
        }
        if (o.checks.enabled()) {
            throw ToolException.usage("Invalid value for option '--verify': --ioengine=psync does not verify (use "
                    + "--ioengine=nvme4j)");
        }
    }
}
