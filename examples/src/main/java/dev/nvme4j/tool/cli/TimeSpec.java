package dev.nvme4j.tool.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses durations with fio's meaning: a plain number is seconds; suffixes {@code ns},
 * {@code us}, {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}. At most {@link #MAX}
 * (every deadline the tool and the driver compute from it stays far from overflowing).
 * Stateless.
 */
public class TimeSpec implements ITypeConverter<Duration> {
    /** The longest duration any option accepts: ten years. */
    public static final Duration MAX = Duration.ofDays(3650);

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    /** Like {@link TimeSpec}, but refuses zero (timeouts). */
    public static final class Positive extends TimeSpec {
        @Override
        public Duration convert(String value) {
            Duration d = parse(value);
            if (d.isZero()) {
                throw new TypeConversionException("must be more than 0 but was '" + value + "'");
            }
            return d;
        }
    }

    /** Like {@link TimeSpec}, but a plain number is microseconds (fio's thinktime). */
    public static final class Micros extends TimeSpec {
        @Override
        public Duration convert(String value) {
            String s = value.strip();
            return !s.isEmpty() && Character.isDigit(s.charAt(s.length() - 1)) ? parse(s + "us") : parse(s);
        }
    }

    /**
     * Parses a duration; a plain number is seconds.
     *
     * @throws TypeConversionException naming the accepted forms, or the limit when beyond {@link #MAX}
     */
    public static Duration parse(String value) {
        Duration d = parseUnbounded(value);
        if (d.compareTo(MAX) > 0) {
            throw new TypeConversionException("must be at most 3650d (ten years) but was '" + value + "'");
        }
        return d;
    }

    private static Duration parseUnbounded(String value) {
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
        } catch (ArithmeticException beyondDuration) {
            return MAX.plusDays(1); // far beyond MAX: parse() names the limit
        } catch (NumberFormatException e) {
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
