package dev.nvme4j.tool.fio;

/**
 * A verify unit that failed verification.
 *
 * @param lba      the LBA read (of a pattern mismatch: the block holding the first bad byte)
 * @param problem  what was wrong
 * @param expected expected value (magic, checksum stored in the header, LBA, generation or pattern byte)
 * @param found    the value found (magic, checksum computed over the data, LBA, generation or byte)
 * @param checksum the checksum of the job (names a checksum mismatch), null for none
 * @param at       of a pattern mismatch: the first bad byte's offset in block {@code lba}; else -1
 * @param dump     with verify_dump: the unit's files without {@code .received}/{@code .expected}; else null
 */
public record Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found,
                       VerifyFormat.Checksum checksum, int at, String dump) {
    /** A mismatch that was not dumped. */
    public Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found, VerifyFormat.Checksum checksum,
                    int at) {
        this(lba, problem, expected, found, checksum, at, null);
    }

    /** This mismatch, its unit dumped to {@code base}.received and {@code base}.expected. */
    public Mismatch dumpedAs(String base) {
        return new Mismatch(lba, problem, expected, found, checksum, at, base);
    }

    /** A mismatch of a CRC32C-verified block. */
    public Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found) {
        this(lba, problem, expected, found, VerifyFormat.Checksum.CRC32C, -1);
    }

    /** A mismatch other than of a pattern. */
    public Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found, VerifyFormat.Checksum checksum) {
        this(lba, problem, expected, found, checksum, -1);
    }

    /** One line, e.g. {@code lba 123: crc32c mismatch (header 0x..., data 0x...)} (a digest: its first 4 bytes). */
    public String describe() {
        return switch (problem) {
            case NO_HEADER -> String.format("lba %d: %s (magic 0x%08x)", lba, problem.text(), found);
            case BAD_CRC -> String.format("lba %d: %s mismatch (header 0x%08x, data 0x%08x)", lba,
                    checksum == null ? "checksum" : checksum.text(), expected, found);
            case WRONG_LBA -> String.format("lba %d: %s (%d)", lba, problem.text(), found);
            case STALE_GENERATION -> String.format("lba %d: %s (expected %d, found %d)", lba, problem.text(),
                    expected, found);
            case BAD_PATTERN -> String.format("lba %d: %s at byte %d (expected 0x%02x, found 0x%02x)", lba,
                    problem.text(), at, expected, found);
        };
    }
}
