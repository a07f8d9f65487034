package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ByteSize;
import java.util.SplittableRandom;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * fio's {@code filesize}: the size of each job's file, or a range ({@code 1m-4m}, also
 * {@code 1m:4m}) from which each job's size is drawn, rounded down to the smallest I/O size as
 * fio does. On nvme4j the file is the job's region of the namespace.
 *
 * @param low  the smallest size in bytes
 * @param high the largest size in bytes (equal to low for one size)
 */
public record FileSizeRange(long low, long high) {
    /** The size of the job seeded with {@code seed}, a multiple of {@code unit} bytes. */
    long pick(long seed, int unit) {
        long bytes = low == high ? low : low + (long) ((high - low) * new SplittableRandom(seed).nextDouble());
        return bytes - bytes % unit;
    }

    @Override
    public String toString() {
        return low == high ? Long.toString(low) : low + "-" + high;
    }

    /** Parses {@code SIZE} or {@code LOW-HIGH} / {@code LOW:HIGH} with fio's size suffixes. */
    public static final class Converter implements ITypeConverter<FileSizeRange> {
        @Override
        public FileSizeRange convert(String value) {
            String v = value.strip();
            int sep = Math.max(v.indexOf('-'), v.indexOf(':'));
            long low = ByteSize.parse(sep < 0 ? v : v.substring(0, sep));
            long high = sep < 0 ? low : ByteSize.parse(v.substring(sep + 1));
            if (low <= 0 || high < low) {
                throw new TypeConversionException("expected a size above 0 or a range LOW-HIGH with LOW at most HIGH "
                        + "(e.g. 64m or 1m-4m) but was '" + value + "'");
            }
            return new FileSizeRange(low, high);
        }
    }
}
