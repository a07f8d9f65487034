package dev.nvme4j.tool.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations with fio's meaning: a plain number is seconds; suffixes {@code us},
 * {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. Stateless.
 */
public final class TimeSpec implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Parses a duration; a plain number means {@code defaultUnit}-less seconds. */
    public static Duration parse(String value) {
        String s = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("us") || s.endsWith("usec")) {
                return Duration.ofNanos(Math.multiplyExact(number(s, s.endsWith("us") ? 2 : 4), 1000L));
            }
            if (s.endsWith("ns") || s.endsWith("nsec")) {
                return Duration.ofNanos(number(s, s.endsWith("ns") ? 2 : 4));
            }
            if (s.endsWith("ms") || s.endsWith("msec")) {
                return Duration.ofMillis(number(s, s.endsWith("ms") ? 2 : 4));
            }
            if (s.endsWith("s")) {
                return Duration.ofSeconds(number(s, 1));
            }
            if (s.endsWith("m")) {
                return Duration.ofMinutes(number(s, 1));
            }
            if (s.endsWith("h")) {
                return Duration.ofHours(number(s, 1));
            }
            if (s.endsWith("d")) {
                return Duration.ofDays(number(s, 1));
            }
            return Duration.ofSeconds(number(s, 0));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new TypeConversionException(
                    "expected a time such as 5 (seconds), 500ms, 10us, 2m or 1h but was '" + value + "'");
        }
    }

    private static long number(String s, int suffixLength) {
        long n = Long.parseLong(s.substring(0, s.length() - suffixLength));
        if (n < 0) {
            throw new NumberFormatException();
        }
        return n;
    }
}
