package dev.nvme4j.tool.fio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The on-media format of {@code --verify}: every logical block a verifying job writes
 * starts with a 32-byte header and is filled with a pattern derived from its LBA and
 * generation; a checksum ({@link Checksum}) covers the block without the checksum's own bytes.
 * CRC32C sits in the header at byte 4; a digest (MD5, SHA-256) takes the bytes right after the
 * header (32 .. 32+length-1; byte 4 is then 0). All little-endian:
 *
 * <pre>
 *   0  u32  magic 0x4E344A56 ("VJ4N" on media)
 *   4  u32  CRC32C of the block without this field (bytes 0-3 and 8 .. lbaSize-1), or 0
 *   8  u64  LBA the block was written to
 *  16  u64  generation (a per-run number; a stale block from an earlier run has another one)
 *  24  u32  job index
 *  28  u32  reserved (0)
 *  32  ...  pattern: xorshift64 seeded by LBA and generation (a digest over its first bytes)
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
        BAD_CRC("checksum mismatch"),
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

    /** The checksum of a block: where it sits and how it is computed. */
    public enum Checksum {
        CRC32C("crc32c", null, 4, 4),
        MD5("md5", "MD5", HEADER_BYTES, 16),
        SHA256("sha256", "SHA-256", HEADER_BYTES, 32);

        private final String text;
        private final String jcaName;
        private final int offset;
        private final int length;

        Checksum(String text, String jcaName, int offset, int length) {
            this.text = text;
            this.jcaName = jcaName;
            this.offset = offset;
            this.length = length;
        }

        /** fio's name, as in {@code md5 mismatch}. */
        public String text() {
            return text;
        }
    }

    private final int lbaSize;
    private final Checksum checksum;
    private final CRC32C crc;
    private final MessageDigest digest;
    private final byte[] stored;
    private final byte[] computed;

    /** @param lbaSize logical block size, at least 64 bytes and a multiple of 8 */
    public VerifyFormat(int lbaSize) {
        this(lbaSize, Checksum.CRC32C);
    }

    /** @param lbaSize logical block size, at least 64 bytes and a multiple of 8 */
    public VerifyFormat(int lbaSize, Checksum checksum) {
        if (lbaSize < 64 || lbaSize % 8 != 0) {
            throw new IllegalArgumentException("LBA size must be a multiple of 8 and at least 64, got " + lbaSize);
        }
        this.lbaSize = lbaSize;
        this.checksum = checksum;
        this.crc = checksum.jcaName == null ? new CRC32C() : null;
        try {
            this.digest = checksum.jcaName == null ? null : MessageDigest.getInstance(checksum.jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(checksum.jcaName + " is not available in this JDK", e);
        }
        this.stored = new byte[checksum.length];
        this.computed = new byte[checksum.length];
    }

    /** The checksum used. */
    public Checksum checksum() {
        return checksum;
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
            if (checksum != Checksum.CRC32C) {
                // The header's checksum slot is CRC32C's; a longer digest sits after the header.
                b.putInt(base + 4, 0);
            }
            compute(b, base);
            b.put(base + checksum.offset, computed, 0, checksum.length);
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
            b.get(base + checksum.offset, stored, 0, checksum.length);
            compute(b, base);
            if (!Arrays.equals(stored, computed)) {
                // A written block whose bytes changed, or a block that never held a header.
                if (magic == MAGIC || b.getLong(base + 8) == lba && b.getLong(base + 16) != 0) {
                    sink.mismatch(lba, Problem.BAD_CRC, leading(stored), leading(computed));
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

    /** Computes the checksum of the block at {@code base} (without its own bytes) into {@link #computed}. */
    private void compute(ByteBuffer b, int base) {
        int oldPos = b.position();
        int oldLimit = b.limit();
        if (crc != null) {
            crc.reset();
        } else {
            digest.reset();
        }
        update(b, base, base + checksum.offset);
        update(b, base + checksum.offset + checksum.length, base + lbaSize);
        b.limit(oldLimit);
        b.position(oldPos);
        if (crc != null) {
            int v = (int) crc.getValue();
            for (int i = 0; i < 4; i++) {
                computed[i] = (byte) (v >>> (8 * i));
            }
        } else {
            try {
                digest.digest(computed, 0, checksum.length);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e); // the array is sized to the digest
            }
        }
    }

    private void update(ByteBuffer b, int from, int to) {
        if (from < to) {
            b.limit(to);
            b.position(from);
            if (crc != null) {
                crc.update(b);
            } else {
                digest.update(b);
            }
        }
    }

    /** The first (up to) 4 bytes of a checksum as an unsigned number, for reports (CRC32C: its value). */
    private static long leading(byte[] sum) {
        long v = 0;
        for (int i = Math.min(4, sum.length) - 1; i >= 0; i--) {
            v = v << 8 | (sum[i] & 0xFF);
        }
        return v;
    }

    private static long seed(long lba, long generation) {
        long z = lba * 0x9E3779B97F4A7C15L ^ generation;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z ^= z >>> 33;
        return z == 0 ? 0x2545F4914F6CDD1DL : z;
    }
}
