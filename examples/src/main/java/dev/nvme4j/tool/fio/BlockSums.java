package dev.nvme4j.tool.fio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The checksums of {@code --verify} behind one interface ({@link Sum}): the JDK's CRC32C, CRC32
 * and message digests, and small table-driven implementations of the ones the JDK lacks: CRC-16
 * (the ARC variant, polynomial 0x8005 reflected), CRC-7 (polynomial 0x09, as in MMC), CRC-64 (the
 * NVMe variant, polynomial 0xAD93D23594C935A9 reflected, all ones in and out) and xxHash32
 * (seed 0). A CRC or xxHash is stored little-endian. Updating allocates nothing.
 */
final class BlockSums {
    private BlockSums() {
    }

    /** A running checksum over byte ranges of a buffer. Not thread-safe. */
    interface Sum {
        void reset();

        /** Adds {@code b[from, to)} (absolute indices; position and limit are left as they were). */
        void update(ByteBuffer b, int from, int to);

        /** Writes the checksum's bytes into {@code out[0, length)}. */
        void finish(byte[] out);
    }

    /** The sum of a JDK {@link java.util.zip.Checksum} (CRC32, CRC32C), stored as 4 little-endian bytes. */
    static Sum zip(java.util.zip.Checksum c) {
        return new Sum() {
            @Override
            public void reset() {
                c.reset();
            }

            @Override
            public void update(ByteBuffer b, int from, int to) {
                int position = b.position();
                int limit = b.limit();
                b.limit(to).position(from);
                c.update(b);
                b.limit(limit).position(position);
            }

            @Override
            public void finish(byte[] out) {
                little(c.getValue(), out, 4);
            }
        };
    }

    /** The sum of a JDK message digest ({@code MD5}, {@code SHA-1}, {@code SHA3-256}, ...). */
    static Sum digest(String jcaName) {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jcaName + " is not available in this JDK", e);
        }
        return new Sum() {
            @Override
            public void reset() {
                d.reset();
            }

            @Override
            public void update(ByteBuffer b, int from, int to) {
                int position = b.position();
                int limit = b.limit();
                b.limit(to).position(from);
                d.update(b);
                b.limit(limit).position(position);
            }

            @Override
            public void finish(byte[] out) {
                try {
                    d.digest(out, 0, d.getDigestLength());
                } catch (DigestException e) {
                    throw new IllegalStateException(e); // the array is sized to the digest
                }
            }
        };
    }

    /** A reflected CRC of {@code width} bits (up to 64): a table of 256 entries, one byte a step. */
    static Sum reflectedCrc(int width, long reflectedPoly, long init, long xorOut) {
        long[] table = new long[256];
        for (int i = 0; i < 256; i++) {
            long r = i;
            for (int k = 0; k < 8; k++) {
                r = (r & 1) != 0 ? (r >>> 1) ^ reflectedPoly : r >>> 1;
            }
            table[i] = r;
        }
        int bytes = (width + 7) / 8;
        return new Sum() {
            private long crc = init;

            @Override
            public void reset() {
                crc = init;
            }

            @Override
            public void update(ByteBuffer b, int from, int to) {
                long c = crc;
                for (int i = from; i < to; i++) {
                    c = table[(int) (c ^ b.get(i)) & 0xFF] ^ (c >>> 8);
                }
                crc = c;
            }

            @Override
            public void finish(byte[] out) {
                little(crc ^ xorOut, out, bytes);
            }
        };
    }

    /** CRC-7 (x^7 + x^3 + 1, most significant bit first, initial value 0): one byte. */
    static Sum crc7() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i;
            for (int k = 0; k < 8; k++) {
                r = (r & 0x80) != 0 ? (r << 1) ^ (0x09 << 1) : r << 1;
            }
            table[i] = r & 0xFF; // the 7-bit remainder kept in the top bits of a byte
        }
        return new Sum() {
            private int crc;

            @Override
            public void reset() {
                crc = 0;
            }

            @Override
            public void update(ByteBuffer b, int from, int to) {
                int c = crc;
                for (int i = from; i < to; i++) {
                    c = table[(c ^ b.get(i)) & 0xFF];
                }
                crc = c;
            }

            @Override
            public void finish(byte[] out) {
                out[0] = (byte) (crc >>> 1);
            }
        };
    }

    /** xxHash32 with seed 0: four lanes over 16-byte stripes, then the tail and the final mix. */
    static Sum xxhash32() {
        return new Xxh32();
    }

    private static final class Xxh32 implements Sum {
        private static final int P1 = 0x9E3779B1;
        private static final int P2 = 0x85EBCA77;
        private static final int P3 = 0xC2B2AE3D;
        private static final int P4 = 0x27D4EB2F;
        private static final int P5 = 0x165667B1;
        private int v1;
        private int v2;
        private int v3;
        private int v4;
        private long total;
        /** Bytes not yet consumed as a stripe (fewer than 16). */
        private final byte[] tail = new byte[16];
        private final ByteBuffer tailView = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
        private int tailLength;

        Xxh32() {
            reset();
        }

        @Override
        public void reset() {
            v1 = P1 + P2;
            v2 = P2;
            v3 = 0;
            v4 = -P1;
            total = 0;
            tailLength = 0;
        }

        private static int round(int acc, int lane) {
            return Integer.rotateLeft(acc + lane * P2, 13) * P1;
        }

        private void stripe(ByteBuffer b, int at) {
            v1 = round(v1, b.getInt(at));
            v2 = round(v2, b.getInt(at + 4));
            v3 = round(v3, b.getInt(at + 8));
            v4 = round(v4, b.getInt(at + 12));
        }

        @Override
        public void update(ByteBuffer b, int from, int to) {
            ByteOrder order = b.order();
            b.order(ByteOrder.LITTLE_ENDIAN);
            total += to - from;
            int i = from;
            while (tailLength > 0 && i < to) {
                tail[tailLength++] = b.get(i++);
                if (tailLength == 16) {
                    stripe(tailView, 0);
                    tailLength = 0;
                }
            }
            for (; to - i >= 16; i += 16) {
                stripe(b, i);
            }
            while (i < to) {
                tail[tailLength++] = b.get(i++);
            }
            b.order(order);
        }

        @Override
        public void finish(byte[] out) {
            int h = total >= 16 ? Integer.rotateLeft(v1, 1) + Integer.rotateLeft(v2, 7) + Integer.rotateLeft(v3, 12)
                    + Integer.rotateLeft(v4, 18) : P5;
            h += (int) total;
            int i = 0;
            for (; tailLength - i >= 4; i += 4) {
                h = Integer.rotateLeft(h + tailView.getInt(i) * P3, 17) * P4;
            }
            for (; i < tailLength; i++) {
                h = Integer.rotateLeft(h + (tail[i] & 0xFF) * P5, 11) * P1;
            }
            h ^= h >>> 15;
            h *= P2;
            h ^= h >>> 13;
            h *= P3;
            h ^= h >>> 16;
            little(h & 0xFFFFFFFFL, out, 4);
        }
    }

    private static void little(long v, byte[] out, int bytes) {
        for (int i = 0; i < bytes; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
    }
}
