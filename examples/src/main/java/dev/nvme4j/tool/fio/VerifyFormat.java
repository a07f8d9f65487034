package dev.nvme4j.tool.fio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-media format of {@code --verify=crc32c}: every logical block a verifying job writes
 * starts with a 32-byte header and is filled with a pattern derived from its LBA and
 * generation; a CRC32C covers everything after the checksum field. All little-endian:
 *
 * <pre>
 *   0  u32  magic 0x4E344A56 ("VJ4N" on media)
 *   4  u32  CRC32C of the block without this field (bytes 0-3 and 8 .. lbaSize-1)
 *   8  u64  LBA the block was written to
 *  16  u64  generation (a per-run number; a stale block from an earlier run has another one)
 *  24  u32  job index
 *  28  u32  reserved (0)
 *  32  ...  pattern: xorshift64 seeded by LBA and generation
 * </pre>
 *
 * A block read back is good when the magic, the LBA, the CRC and (when known) the
 * generation all match. Stamping and checking allocate nothing. Not thread-safe (one per job).
 */
public final class VerifyFormat {
    public static final int MAGIC = 0x4E344A56;
    public static final int HEADER_BYTES = 32;
    /** Generation value meaning "not known, do not check". */
    public static final long ANY_GENERATION = -1;

    /** What was wrong with a block. */
    public enum Problem {
        NO_HEADER("no verify header (block not written by a verifying job)"),
        WRONG_LBA("header names another LBA"),
        BAD_CRC("crc32c mismatch"),
        STALE_GENERATION("stale generation");

        private final String text;

        Problem(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** Receives each bad block found by {@link #check}. */
    @FunctionalInterface
    public interface MismatchSink {
        void mismatch(long lba, Problem problem, long expected, long found);
    }

    private final int lbaSize;
    private final CRC32C crc = new CRC32C();

    /** @param lbaSize logical block size, at least 64 bytes and a multiple of 8 */
    public VerifyFormat(int lbaSize) {
        if (lbaSize < 64 || lbaSize % 8 != 0) {
            throw new IllegalArgumentException("LBA size must be a multiple of 8 and at least 64, got " + lbaSize);
        }
        this.lbaSize = lbaSize;
    }

    /** Writes headers and patterns into the {@code blocks} logical blocks at the start of {@code buf}. */
    public void stamp(ByteBuffer buf, int blocks, long firstLba, long generation, int job) {
        ByteBuffer b = buf.order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < blocks; i++) {
            int base = i * lbaSize;
            long lba = firstLba + i;
            b.putInt(base, MAGIC);
            b.putLong(base + 8, lba);
            b.putLong(base + 16, generation);
            b.putInt(base + 24, job);
            b.putInt(base + 28, 0);
            long s = seed(lba, generation);
            for (int off = base + HEADER_BYTES; off < base + lbaSize; off += 8) {
                s ^= s << 13;
                s ^= s >>> 7;
                s ^= s << 17;
                b.putLong(off, s);
            }
            b.putInt(base + 4, checksum(b, base));
        }
    }

    /**
     * Checks the {@code blocks} logical blocks at the start of {@code buf}, read from
     * {@code firstLba}; reports each bad one to {@code sink}.
     *
     * @param expectedGeneration the generation written, or {@link #ANY_GENERATION}
     * @return the number of bad blocks
     */
    public int check(ByteBuffer buf, int blocks, long firstLba, long expectedGeneration, MismatchSink sink) {
        ByteBuffer b = buf.order(ByteOrder.LITTLE_ENDIAN);
        int bad = 0;
        for (int i = 0; i < blocks; i++) {
            int base = i * lbaSize;
            long lba = firstLba + i;
            int magic = b.getInt(base);
            int stored = b.getInt(base + 4);
            int computed = checksum(b, base);
            if (stored != computed) {
                // A written block whose bytes changed, or a block that never held a header.
                if (magic == MAGIC || b.getLong(base + 8) == lba && b.getLong(base + 16) != 0) {
                    sink.mismatch(lba, Problem.BAD_CRC, stored & 0xFFFFFFFFL, computed & 0xFFFFFFFFL);
                } else {
                    sink.mismatch(lba, Problem.NO_HEADER, MAGIC & 0xFFFFFFFFL, magic & 0xFFFFFFFFL);
                }
                bad++;
                continue;
            }
            if (magic != MAGIC) {
                sink.mismatch(lba, Problem.NO_HEADER, MAGIC & 0xFFFFFFFFL, magic & 0xFFFFFFFFL);
                bad++;
                continue;
            }
            long headerLba = b.getLong(base + 8);
            if (headerLba != lba) {
                sink.mismatch(lba, Problem.WRONG_LBA, lba, headerLba);
                bad++;
                continue;
            }
            long gen = b.getLong(base + 16);
            if (expectedGeneration != ANY_GENERATION && gen != expectedGeneration) {
                sink.mismatch(lba, Problem.STALE_GENERATION, expectedGeneration, gen);
                bad++;
            }
        }
        return bad;
    }

    private int checksum(ByteBuffer b, int base) {
        int oldPos = b.position();
        int oldLimit = b.limit();
        crc.reset();
        b.limit(base + 4);
        b.position(base);
        crc.update(b);
        b.limit(base + lbaSize);
        b.position(base + 8);
        crc.update(b);
        b.limit(oldLimit);
        b.position(oldPos);
        return (int) crc.getValue();
    }

    private static long seed(long lba, long generation) {
        long z = lba * 0x9E3779B97F4A7C15L ^ generation;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z ^= z >>> 33;
        return z == 0 ? 0x2545F4914F6CDD1DL : z;
    }
}
