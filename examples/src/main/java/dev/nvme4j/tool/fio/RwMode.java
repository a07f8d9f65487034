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

    /**
     * fio's {@code rw=MODE[:N]}: the mode and its modifier. For a random mode, N I/Os in a row
     * (the first at a random offset, the others each right after the one before: {@code seqRun});
     * for a sequential mode, N bytes skipped after each I/O, backwards when negative
     * ({@code seqAdd}).
     */
    public record Choice(RwMode mode, int seqRun, long seqAdd) {
        /** Converter accepting fio's spellings, with an optional {@code :N}. */
        public static final class Converter implements picocli.CommandLine.ITypeConverter<Choice> {
            @Override
            public Choice convert(String value) {
                int colon = value.indexOf(':');
                RwMode mode = new RwMode.Converter().convert(colon < 0 ? value : value.substring(0, colon));
                if (colon < 0) {
                    return new Choice(mode, 1, 0);
                }
                String n = value.substring(colon + 1).strip();
                if (mode.random()) {
                    long run;
                    try {
                        run = Long.parseLong(n);
                    } catch (NumberFormatException e) {
                        run = -1;
                    }
                    if (run < 1 || run > Integer.MAX_VALUE) {
                        throw new picocli.CommandLine.TypeConversionException("'" + value + "': after " + mode.spelling()
                                + ": comes the number of I/Os per sequential run (1 or more), e.g. "
                                + mode.spelling() + ":8");
                    }
                    return new Choice(mode, (int) run, 0);
                }
                boolean back = n.startsWith("-");
                long add;
                try {
                    add = dev.nvme4j.tool.cli.ByteSize.parse(back ? n.substring(1) : n);
                } catch (RuntimeException e) {
                    throw new picocli.CommandLine.TypeConversionException("'" + value + "': after " + mode.spelling()
                            + ": comes the bytes to skip after each I/O (negative: backwards), e.g. "
                            + mode.spelling() + ":8k");
                }
                return new Choice(mode, 1, back ? -add : add);
            }
        }
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
            return super.convert(value);
        }
    }
}
