package dev.nvme4j.tool.admin;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A number as nvme-cli takes it: decimal, or hex with {@code 0x}; up to 64 bits unsigned. Stateless. */
public final class Num implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String s = value.trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number (decimal, or hex with 0x)");
        }
    }

    /**
     * A command's own {@code --timeout} in milliseconds, as nvme-cli's 32-bit field takes it.
     *
     * @throws dev.nvme4j.tool.cli.ToolException naming the option when it is outside 1..2^32-1
     */
    static java.time.Duration commandTimeout(long timeoutMs) {
        if (timeoutMs < 1 || timeoutMs > 0xFFFF_FFFFL) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid value for option '--timeout': " + timeoutMs
                    + " (1-4294967295 ms)");
        }
        return java.time.Duration.ofMillis(timeoutMs);
    }
}
