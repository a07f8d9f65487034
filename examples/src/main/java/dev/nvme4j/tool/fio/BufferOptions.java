package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ByteSize;
import dev.nvme4j.tool.cli.FioFlag;
import picocli.CommandLine.Option;

/** The fio options of what plain writes carry (a verifying job's writes carry its verify format). */
public final class BufferOptions {
    @Option(names = "--zero_buffers", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "Write zeros (default: random data).")
    public boolean zeroBuffers;

    @Option(names = "--refill_buffers", arity = "0..1", fallbackValue = "1", converter = FioFlag.class,
            paramLabel = "0|1", description = "New random data for every write (default: filled once; on with "
            + "--buffer_compress_percentage, as in fio).")
    public Boolean refillBuffers;

    @Option(names = "--buffer_compress_percentage", paramLabel = "PCT",
            description = "Data that compresses by about PCT%%: each --buffer_compress_chunk is random for "
                    + "(100 - PCT)%% of its bytes, then zeros (100: zero_buffers).")
    public int compressPercentage;

    @Option(names = "--buffer_pattern", paramLabel = "PATTERN", converter = VerifyOptions.PatternConverter.class,
            description = "Fill the write buffers with this pattern (verify_pattern's syntax without %%o).")
    public VerifyPattern bufferPattern;

    @Option(names = "--buffer_compress_chunk", paramLabel = "SIZE", converter = ByteSize.class,
            description = "The size of those chunks (default 512).")
    public long compressChunk = 512;

    /** Checks what can be checked without the device. */
    void checkAlone() {
        FioOptions.range("--buffer_compress_percentage", compressPercentage, 0, 100);
        FioOptions.range("--buffer_compress_chunk", compressChunk, 1, FioOptions.MAX_BS);
        if (bufferPattern != null && bufferPattern.hasOffset()) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid value for option '--buffer_pattern': %o (the "
                    + "block's offset) is for verify_pattern only, as in fio");
        }
    }

    /** True when the data is zeros (zero_buffers, or buffer_compress_percentage=100 as fio reads it). */
    boolean zeros() {
        return zeroBuffers || compressPercentage == 100;
    }

    /** True when every write gets new data: refill_buffers, or by default with a compress percentage. */
    boolean refill() {
        if (zeros() || bufferPattern != null) {
            return false;
        }
        return refillBuffers != null ? refillBuffers : compressPercentage > 0;
    }
}
