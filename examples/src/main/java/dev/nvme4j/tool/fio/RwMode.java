package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.LowerCaseEnumConverter;

/** fio's {@code --rw}: direction and order of the I/O (trims are NVMe Deallocate). */
public enum RwMode {
    READ(true, false, false), WRITE(false, true, false), RANDREAD(true, false, true),
    RANDWRITE(false, true, true), RW(true, true, false), RANDRW(true, true, true), TRIM(false, false, false),
    RANDTRIM(false, false, true);

    private final boolean reads;
    private final boolean writes;
    private final boolean random;

    RwMode(boolean reads, boolean writes, boolean random) {
        this.reads = reads;
        this.writes = writes;
        this.random = random;
    }

    public boolean reads() {
        return reads;
    }

    public boolean writes() {
        return writes;
    }

    public boolean random() {
        return random;
    }

    /** Deallocates (trim, randtrim). */
    public boolean trims() {
        return this == TRIM || this == RANDTRIM;
    }

    /** Both directions. */
    public boolean mixed() {
        return reads && writes;
    }

    /** The fio spelling, e.g. {@code randread}. */
    public String spelling() {
        return LowerCaseEnumConverter.spelling(this);
    }

    /** The letter fio's progress line shows for a running job of this kind. */
    public char progressChar() {
        return switch (this) {
            case READ -> 'R';
            case WRITE -> 'W';
            case RANDREAD -> 'r';
            case RANDWRITE -> 'w';
            case RW -> 'M';
            case RANDRW -> 'm';
            case TRIM -> 'D';
            case RANDTRIM -> 'd';
        };
    }

    /** Converter accepting fio's spellings. */
    public static final class Converter extends LowerCaseEnumConverter<RwMode> {
        public Converter() {
            super(RwMode.class);
        }

        @Override
        public RwMode convert(String value) {
            if (value.equalsIgnoreCase("readwrite")) {
                return RW; // fio's other name for rw
            }
            if (value.indexOf(':') > 0) {
                throw new picocli.CommandLine.TypeConversionException("offset modifiers (" + value
                        + ") are not supported; use the mode alone, e.g. '" + value.substring(0, value.indexOf(':'))
                        + "'");
            }
            return super.convert(value);
        }
    }
}
