package dev.nvme4j.tool.fio;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code nvme4j fio --output-format}: fio's report formats. */
public enum FioFormat {
    NORMAL("normal"), JSON("json"), JSON_PLUS("json+"), TERSE("terse");

    private final String spelling;

    FioFormat(String spelling) {
        this.spelling = spelling;
    }

    /** True for json and json+. */
    public boolean json() {
        return this == JSON || this == JSON_PLUS;
    }

    public String spelling() {
        return spelling;
    }

    /** Converter accepting fio's spellings. */
    public static final class Converter implements ITypeConverter<FioFormat> {
        @Override
        public FioFormat convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            for (FioFormat f : values()) {
                if (f.spelling.equals(v)) {
                    return f;
                }
            }
            if (v.contains(",")) {
                throw new TypeConversionException("one format at a time (normal, json, json+ or terse) but was '"
                        + value + "'");
            }
            throw new TypeConversionException("expected normal, json, json+ or terse but was '" + value + "'");
        }
    }
}
