package dev.nvme4j.tool.fio;

/**
 * A logical block that failed verification.
 *
 * @param lba      the LBA read
 * @param problem  what was wrong
 * @param expected expected value (magic, CRC stored in the header, LBA or generation)
 * @param found    the value found (magic, CRC computed over the data, LBA or generation)
 */
public record Mismatch(long lba, VerifyFormat.Problem problem, long expected, long found) {
    /** One line, e.g. {@code lba 123: crc32c mismatch (header 0x..., data 0x...)}. */
    public String describe() {
        return switch (problem) {
            case NO_HEADER -> String.format("lba %d: %s (magic 0x%08x)", lba, problem.text(), found);
            case BAD_CRC -> String.format("lba %d: %s (header 0x%08x, data 0x%08x)", lba, problem.text(), expected,
                    found);
            case WRONG_LBA -> String.format("lba %d: %s (%d)", lba, problem.text(), found);
            case STALE_GENERATION -> String.format("lba %d: %s (expected %d, found %d)", lba, problem.text(),
                    expected, found);
        };
    }
}
