package dev.nvme4j.tool.fio;

import java.util.EnumSet;
import java.util.Locale;
import java.util.stream.Collectors;
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

    /**
     * The formats of one run: as in fio, several may be given separated by commas
     * ({@code normal,json}); each report is printed once, in fio's order whatever the order given:
     * terse, then JSON (with bins when json+ is among them), then the normal report (its header
     * lines before the run). Immutable.
     */
    public static final class Formats {
        private final EnumSet<FioFormat> set;

        private Formats(EnumSet<FioFormat> set) {
            this.set = set;
        }

        /** One format. */
        public static Formats of(FioFormat f) {
            return new Formats(EnumSet.of(f));
        }

        /** These formats and {@code f}. */
        public Formats with(FioFormat f) {
            EnumSet<FioFormat> s = EnumSet.copyOf(set);
            s.add(f);
            return new Formats(s);
        }

        public boolean has(FioFormat f) {
            return set.contains(f);
        }

        /** True when a JSON report is printed (json or json+). */
        public boolean json() {
            return has(JSON) || has(JSON_PLUS);
        }

        /** True when the normal report is the only output. */
        public boolean normalOnly() {
            return set.equals(EnumSet.of(NORMAL));
        }

        @Override
        public String toString() {
            return set.stream().map(FioFormat::spelling).collect(Collectors.joining(","));
        }
    }

    /** Converter accepting fio's spellings, one or several separated by commas. */
    public static final class Converter implements ITypeConverter<Formats> {
        @Override
        public Formats convert(String value) {
            EnumSet<FioFormat> set = EnumSet.noneOf(FioFormat.class);
            for (String part : value.split(",", -1)) {
                String v = part.strip().toLowerCase(Locale.ROOT);
                FioFormat found = null;
                for (FioFormat f : values()) {
                    if (f.spelling.equals(v)) {
                        found = f;
                    }
                }
                if (v.equals("minimal") || v.equals("csv")) {
                    found = TERSE; // fio's other names
                }
                if (found == null) {
                    throw new TypeConversionException("expected normal, json, json+ or terse (minimal, csv), or several of them "
                            + "separated by commas (normal,json), but was '" + value + "'");
                }
                set.add(found);
            }
            return new Formats(set);
        }
    }
}
