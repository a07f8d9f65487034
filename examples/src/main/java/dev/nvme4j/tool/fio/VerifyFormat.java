package dev.nvme4j.tool.fio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The on-media format of {@code --verify}: the data of a verifying job's writes is cut into verify
 * units ({@code verify_interval}, by default one logical block); each unit starts with a 32-byte
 * header and is filled with a pattern derived from its LBA and generation, or with
 * {@code verify_pattern} ({@link VerifyPattern}); a checksum ({@link Checksum}) covers the unit
 * without the checksum's own bytes. A checksum of up to 4 bytes (CRC32C, CRC32, CRC16, CRC7,
 * xxHash) sits in the header at byte 4; a longer one (CRC64, MD5, SHA-1, SHA-2, SHA-3) takes the
 * bytes right after the header (32 .. 32+length-1; bytes 4-7 are then 0). All little-endian:
 *
 * <pre>
 *   0  u32  magic 0x4E344A56 ("VJ4N" on media)
 *   4  u32  the checksum (up to 4 bytes, the rest 0), or 0
 *   8  u64  LBA of the unit's first block
 *  16  u64  generation (a per-run number; a stale block from an earlier run has another one)
 *  24  u32  job index
 *  28  u32  reserved (0)
 *  32  ...  data: xorshift64 seeded by LBA and generation, or verify_pattern (a long checksum first)
 * </pre>
 *
 * Without a checksum ({@code verify=meta}, {@code pattern_hdr}) the header alone is checked, and
 * the pattern when one is given; {@code verify=pattern} writes no header: the whole unit is the
 * pattern. A unit read back is good when the magic, the LBA, the checksum, (when known) the
 * generation and (when checked) the pattern all match. Stamping and checking allocate nothing.
 * Not thread-safe (one per job).
 */
public final class VerifyFormat {
    public static final int MAGIC = 0x4E344A56;
    public static final int HEADER_BYTES = 32;
    /** Generation value meaning "not known, do not check". */
    public static final long ANY_GENERATION = -1;

    /** What was wrong with a unit. */
    public enum Problem {
        NO_HEADER("no verify header (block not written by a verifying job)"),
        WRONG_LBA("header names another LBA"),
        BAD_CRC("checksum mismatch"),
        STALE_GENERATION("stale generation"),
        BAD_PATTERN("pattern mismatch");

        private final String text;

        Problem(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    /** Receives each bad unit found by {@link #check}. */
    @FunctionalInterface
    public interface MismatchSink {
        void mismatch(long lba, Problem problem, long expected, long found);

        /** A byte that does not hold the pattern: {@code at} bytes into block {@code lba}. */
        default void patternMismatch(long lba, int at, int expected, int found) {
            mismatch(lba, Problem.BAD_PATTERN, expected, found);
        }
    }

    /** The checksum of a unit: fio's name, its length and how it is computed ({@link BlockSums}). */
    public enum Checksum {
        CRC32C("crc32c", 4), CRC32("crc32", 4), CRC16("crc16", 2), CRC7("crc7", 1), XXHASH("xxhash", 4),
        CRC64("crc64", 8), MD5("md5", 16), SHA1("sha1", 20), SHA256("sha256", 32), SHA512("sha512", 64),
        SHA3_224("sha3-224", 28), SHA3_256("sha3-256", 32), SHA3_384("sha3-384", 48), SHA3_512("sha3-512", 64);

        private final String text;
        private final int length;

        Checksum(String text, int length) {
            this.text = text;
            this.length = length;
        }

        /** fio's name, as in {@code md5 mismatch}. */
        public String text() {
            return text;
        }

        /** Bytes of the checksum. */
        public int length() {
            return length;
        }

        /** Where the checksum sits in a unit: in the header's slot at byte 4, or after the header. */
        int offset() {
            return length <= 4 ? 4 : HEADER_BYTES;
        }

        BlockSums.Sum newSum() {
            return switch (this) {
                case CRC32C -> BlockSums.zip(new java.util.zip.CRC32C());
                case CRC32 -> BlockSums.zip(new java.util.zip.CRC32());
                case CRC16 -> BlockSums.reflectedCrc(16, 0xA001, 0, 0);
                case CRC7 -> BlockSums.crc7();
                case XXHASH -> BlockSums.xxhash32();
                case CRC64 -> BlockSums.reflectedCrc(64, 0x9A6C9329AC4BC9B5L, -1L, -1L);
                case MD5 -> BlockSums.digest("MD5");
                case SHA1 -> BlockSums.digest("SHA-1");
                case SHA256 -> BlockSums.digest("SHA-256");
                case SHA512 -> BlockSums.digest("SHA-512");
                case SHA3_224 -> BlockSums.digest("SHA3-224");
                case SHA3_256 -> BlockSums.digest("SHA3-256");
                case SHA3_384 -> BlockSums.digest("SHA3-384");
                case SHA3_512 -> BlockSums.digest("SHA3-512");
            };
        }

        /** The checksum of {@code data} as stored (a CRC or xxHash little-endian). */
        public byte[] of(byte[] data) {
            BlockSums.Sum sum = newSum();
            sum.update(ByteBuffer.wrap(data), 0, data.length);
            byte[] out = new byte[length];
            sum.finish(out);
            return out;
        }
    }

    private final int lbaSize;
    private final int unitBytes;
    private final int blocksPerUnit;
    private final Checksum checksum;
    private final boolean header;
    private final VerifyPattern pattern;
    private final BlockSums.Sum sum;
    private final byte[] stored;
    private final byte[] computed;

    /** CRC32C per logical block. @param lbaSize logical block size, at least 64 bytes and a multiple of 8 */
    public VerifyFormat(int lbaSize) {
        this(lbaSize, Checksum.CRC32C);
    }

    /** A checksum per logical block. @param lbaSize logical block size, at least 64 bytes and a multiple of 8 */
    public VerifyFormat(int lbaSize, Checksum checksum) {
        this(lbaSize, lbaSize, checksum, true, null);
    }

    /**
     * @param unitBytes bytes of a verify unit: a multiple of {@code lbaSize}
     * @param checksum  the checksum, or null for none (then the header and the pattern are checked)
     * @param header    false for fio's {@code verify=pattern}: the unit holds the pattern only
     * @param pattern   fio's {@code verify_pattern}, or null for data derived from LBA and generation
     */
    public VerifyFormat(int lbaSize, int unitBytes, Checksum checksum, boolean header, VerifyPattern pattern) {
        if (lbaSize < 64 || lbaSize % 8 != 0) {
            throw new IllegalArgumentException("LBA size must be a multiple of 8 and at least 64, got " + lbaSize);
        }
        if (unitBytes % lbaSize != 0 || unitBytes <= 0) {
            throw new IllegalArgumentException("the verify unit (" + unitBytes + ") must be a multiple of the LBA size ("
                    + lbaSize + ")");
        }
        if (checksum != null && unitBytes < HEADER_BYTES + checksum.length + 8) {
            throw new IllegalArgumentException(checksum.text + " needs verify units of at least "
                    + (HEADER_BYTES + checksum.length + 8) + " bytes, got " + unitBytes);
        }
        if (!header && (checksum != null || pattern == null)) {
            throw new IllegalArgumentException("without a header only a pattern can be checked");
        }
        this.lbaSize = lbaSize;
        this.unitBytes = unitBytes;
        this.blocksPerUnit = unitBytes / lbaSize;
        this.checksum = checksum;
        this.header = header;
        this.pattern = pattern;
        this.sum = checksum == null ? null : checksum.newSum();
        this.stored = new byte[checksum == null ? 0 : checksum.length];
        this.computed = new byte[stored.length];
    }

    /** The checksum used, null for none. */
    public Checksum checksum() {
        return checksum;
    }

    /** Bytes of a verify unit. */
    public int unitBytes() {
        return unitBytes;
    }

    /** Writes units into the {@code blocks} logical blocks (a whole number of units) at the start of {@code buf}. */
    public void stamp(ByteBuffer buf, int blocks, long firstLba, long generation, int job) {
        ByteBuffer b = buf.order(ByteOrder.LITTLE_ENDIAN);
        for (int u = 0; u < blocks / blocksPerUnit; u++) {
            int base = u * unitBytes;
            long lba = firstLba + (long) u * blocksPerUnit;
            if (pattern != null) {
                pattern.fill(b, base, base + unitBytes, 0, lba * lbaSize);
            } else {
                long s = seed(lba, generation);
                for (int off = base + HEADER_BYTES; off < base + unitBytes; off += 8) {
                    s ^= s << 13;
                    s ^= s >>> 7;
                    s ^= s << 17;
                    b.putLong(off, s);
                }
            }
            if (!header) {
                continue;
            }
            b.putInt(base, MAGIC);
            b.putInt(base + 4, 0);
            b.putLong(base + 8, lba);
            b.putLong(base + 16, generation);
            b.putInt(base + 24, job);
            b.putInt(base + 28, 0);
            if (sum != null) {
                compute(b, base);
                b.put(base + checksum.offset(), computed, 0, checksum.length);
            }
        }
    }

    /**
     * Checks the units in the {@code blocks} logical blocks at the start of {@code buf}, read from
     * {@code firstLba}; reports each bad one to {@code sink}.
     *
     * @param expectedGeneration the generation written, or {@link #ANY_GENERATION}
     * @return the number of bad units
     */
    public int check(ByteBuffer buf, int blocks, long firstLba, long expectedGeneration, MismatchSink sink) {
        ByteBuffer b = buf.order(ByteOrder.LITTLE_ENDIAN);
        int bad = 0;
        for (int u = 0; u < blocks / blocksPerUnit; u++) {
            int base = u * unitBytes;
            long lba = firstLba + (long) u * blocksPerUnit;
            if (header ? !checkHeader(b, base, lba, expectedGeneration, sink)
                    : !checkPattern(b, base, 0, lba, sink)) {
                bad++;
            }
        }
        return bad;
    }

    private boolean checkHeader(ByteBuffer b, int base, long lba, long expectedGeneration, MismatchSink sink) {
        int magic = b.getInt(base);
        if (sum != null) {
            b.get(base + checksum.offset(), stored, 0, checksum.length);
            compute(b, base);
            if (!Arrays.equals(stored, computed)) {
                // A written unit whose bytes changed, or a unit that never held a header.
                if (magic == MAGIC || b.getLong(base + 8) == lba && b.getLong(base + 16) != 0) {
                    sink.mismatch(lba, Problem.BAD_CRC, leading(stored), leading(computed));
                } else {
                    sink.mismatch(lba, Problem.NO_HEADER, MAGIC & 0xFFFFFFFFL, magic & 0xFFFFFFFFL);
                }
                return false;
            }
        }
        if (magic != MAGIC) {
            sink.mismatch(lba, Problem.NO_HEADER, MAGIC & 0xFFFFFFFFL, magic & 0xFFFFFFFFL);
            return false;
        }
        long headerLba = b.getLong(base + 8);
        if (headerLba != lba) {
            sink.mismatch(lba, Problem.WRONG_LBA, lba, headerLba);
            return false;
        }
        long gen = b.getLong(base + 16);
        if (expectedGeneration != ANY_GENERATION && gen != expectedGeneration) {
            sink.mismatch(lba, Problem.STALE_GENERATION, expectedGeneration, gen);
            return false;
        }
        return sum != null || pattern == null || checkPattern(b, base, HEADER_BYTES, lba, sink);
    }

    /** Checks the pattern from {@code skip} bytes into the unit at {@code base}. */
    private boolean checkPattern(ByteBuffer b, int base, int skip, long lba, MismatchSink sink) {
        int at = pattern.mismatch(b, base + skip, base + unitBytes, skip, lba * lbaSize);
        if (at < 0) {
            return true;
        }
        int inUnit = at - base;
        sink.patternMismatch(lba + inUnit / lbaSize, inUnit % lbaSize, pattern.expected(inUnit, lba * lbaSize),
                b.get(at) & 0xFF);
        return false;
    }

    /** Computes the checksum of the unit at {@code base} (without its own bytes) into {@link #computed}. */
    private void compute(ByteBuffer b, int base) {
        sum.reset();
        int slot = base + checksum.offset();
        sum.update(b, base, slot);
        sum.update(b, slot + checksum.length, base + unitBytes);
        sum.finish(computed);
    }

    /** The first (up to) 4 bytes of a checksum as an unsigned number, for reports (a CRC: its value). */
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
