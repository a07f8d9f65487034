package dev.nvme4j.tool.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A size as fio takes it for {@code size} and {@code offset}: bytes ({@link ByteSize}'s forms) or a
 * percentage of the device ({@code 50%}). Immutable.
 *
 * @param bytes   the size in bytes (when not a percentage)
 * @param percent the percentage, or -1 for a size in bytes
 */
public record Amount(long bytes, double percent) {
    /** {@code bytes} bytes. */
    public static Amount ofBytes(long bytes) {
        return new Amount(bytes, -1);
    }

    public boolean isPercent() {
        return percent >= 0;
    }

    /** The bytes this amount is of a device of {@code total} bytes, rounded down to {@code align}. */
    public long resolve(long total, long align) {
        long v = isPercent() ? (long) (total * (percent / 100.0)) : bytes;
        return v - v % align;
    }

    @Override
    public String toString() {
        return isPercent() ? String.format(Locale.ROOT, "%s%%", percent) : Long.toString(bytes);
    }

    /** Converter accepting {@code 4096}, {@code 64m}, {@code 50%}. */
    public static final class Converter implements ITypeConverter<Amount> {
        @Override
        public Amount convert(String value) {
            String s = value.strip();
            if (!s.endsWith("%")) {
                return ofBytes(ByteSize.parse(s));
            }
            double p;
            try {
                p = Double.parseDouble(s.substring(0, s.length() - 1));
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (!(p >= 0 && p <= 100)) {
                throw new TypeConversionException("expected a size such as 64m or a share of the device from 0% to "
                        + "100% but was '" + value + "'");
            }
            return new Amount(0, p);
        }
    }
}
