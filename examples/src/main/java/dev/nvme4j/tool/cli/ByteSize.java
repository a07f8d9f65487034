package dev.nvme4j.tool.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses sizes with fio's meaning of suffixes (kb_base=1024): {@code 4k}, {@code 4K},
 * {@code 4KiB} and {@code 4kb} are all 4096 bytes; {@code m}, {@code g}, {@code t} are the
 * next powers of 1024. A plain number is bytes. Stateless.
 */
public final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parse(value);
    }

    /**
     * Parses a size.
     *
     * @throws TypeConversionException naming the accepted forms
     */
    public static long parse(String value) {
        String s = value.trim().toLowerCase(Locale.ROOT);
        if (s.endsWith("ib")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long mult = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> mult = 1L << 10;
                case 'm' -> mult = 1L << 20;
                case 'g' -> mult = 1L << 30;
                case 't' -> mult = 1L << 40;
                case 'p' -> mult = 1L << 50;
                default -> mult = 1;
            }
            if (mult != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException("expected a size such as 4096, 4k, 1m or 2g but was '" + value + "'");
        }
    }

    /** Formats bytes the short way fio's job header does: {@code 4096B}, {@code 128KiB}. */
    public static String format(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        while (u < units.length - 1 && bytes >= 1024 && bytes % 1024 == 0) {
            bytes /= 1024;
            u++;
        }
        return bytes + units[u];
    }
}
