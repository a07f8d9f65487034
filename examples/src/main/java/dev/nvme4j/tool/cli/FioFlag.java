package dev.nvme4j.tool.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a flag's value as fio does: a number (0 is off, anything else on), so that
 * {@code --time_based}, {@code --time_based=1} and {@code --time_based=0} all work; also
 * {@code true}/{@code false}. Stateless.
 */
public final class FioFlag implements ITypeConverter<Boolean> {
    @Override
    public Boolean convert(String value) {
        return parse(value);
    }

    /**
     * Parses a flag value.
     *
     * @throws TypeConversionException naming the accepted forms
     */
    public static boolean parse(String value) {
        String s = value.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) {
            return true;
        }
        if (s.equals("false")) {
            return false;
        }
        try {
            return Long.parseLong(s) != 0;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("expected 1 (on) or 0 (off) but was '" + value + "'");
        }
    }
}
