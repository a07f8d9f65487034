package dev.nvme4j.tool.fio;

/**
 * A logical block that failed verification.
 *
 * @param lba      the LBA read
 * @param problem  what was wrong
 * @param expected expected value (magic, CRC stored in the header, LBA or generation)
 * @param found    the value found (magic, CRC computed over the data, LBA or generation)
 * @param checksum the checksum of the job (names a checksum mismatch)
 */
public record Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found,
                       VerifyFormat.Checksum checksum) {
    /** A mismatch of a CRC32C-verified block. */
    public Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found) {
        this(lba, problem, expected, found, VerifyFormat.Checksum.CRC32C);
    }

    /** One line, e.g. {@code lba 123: crc32c mismatch (header 0x..., data 0x...)} (a digest: its first 4 bytes). */
    public String describe() {
        return switch (problem) {
            case NO_HEADER -> String.format("lba %d: %s (magic 0x%08x)", lba, problem.text(), found);
            case BAD_CRC -> String.format("lba %d: %s mismatch (header 0x%08x, data 0x%08x)", lba, checksum.text(),
                    expected, found);
            case WRONG_LBA -> String.format("lba %d: %s (%d)", lba, problem.text(), found);
            case STALE_GENERATION -> String.format("lba %d: %s (expected %d, found %d)", lba, problem.text(),
                    expected, found);
        };
    }
}
