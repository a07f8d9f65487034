package dev.nvme4j.tool.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts an option value to an enum constant by its lower-case name ({@code randread} for
 * {@code RANDREAD}), and on a bad value lists the allowed ones in that spelling, so picocli
 * reports {@code Invalid value for option '--rw': expected one of [read, write, ...] but was 'foo'}.
 *
 * @param <E> the enum
 */
public class LowerCaseEnumConverter<E extends Enum<E>> implements ITypeConverter<E> {
    private final Class<E> type;

    protected LowerCaseEnumConverter(Class<E> type) {
        this.type = type;
    }

    /** The option spelling of a constant. */
    public static String spelling(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public E convert(String value) {
        for (E e : type.getEnumConstants()) {
            if (spelling(e).equals(value.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new TypeConversionException("expected one of " + allowed() + " but was '" + value + "'");
    }

    /** The allowed values as {@code [a, b, c]}. */
    public String allowed() {
        return Arrays.stream(type.getEnumConstants()).map(LowerCaseEnumConverter::spelling)
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
