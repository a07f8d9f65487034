package dev.nvme4j.spec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 16-bit guard of end-to-end protection information: CRC-16 T10-DIF (NVM Command Set
 * Specification 1.0, section 5.2.1.1; polynomial 0x8BB7, initial value 0, not reflected, no final
 * XOR; check value 0xD0DB for the ASCII bytes "123456789"). Table driven, eight bytes per step
 * (slicing by eight); stateless and allocation-free.
 */
public final class Crc16T10Dif {
    private static final int POLY = 0x8BB7;
    private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** T[k][b]: the CRC contribution of byte b followed by k zero bytes. */
    private static final char[][] T = tables();

    private Crc16T10Dif() {
    }

    private static char[][] tables() {
        char[][] t = new char[8][256];
        for (int b = 0; b < 256; b++) {
            int crc = b << 8;
            for (int i = 0; i < 8; i++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ POLY : crc << 1;
            }
            t[0][b] = (char) crc;
        }
        for (int k = 1; k < 8; k++) {
            for (int b = 0; b < 256; b++) {
                int prev = t[k - 1][b];
                t[k][b] = (char) ((prev << 8) ^ t[0][prev >>> 8]);
            }
        }
        return t;
    }

    /** CRC of {@code len} bytes of {@code s} at {@code off}, starting from {@code crc} (0 for a new guard). */
    public static int update(int crc, MemorySegment s, long off, long len) {
        char[] t0 = T[0];
        long end = off + len;
        char[] t1 = T[1], t2 = T[2], t3 = T[3], t4 = T[4], t5 = T[5], t6 = T[6], t7 = T[7];
        while (end - off >= 8) {
            long v = s.get(BE_LONG, off);
            int hi = (int) (v >>> 48) ^ crc;
            crc = t7[hi >>> 8] ^ t6[hi & 0xFF] ^ t5[(int) (v >>> 40) & 0xFF] ^ t4[(int) (v >>> 32) & 0xFF]
                    ^ t3[(int) (v >>> 24) & 0xFF] ^ t2[(int) (v >>> 16) & 0xFF] ^ t1[(int) (v >>> 8) & 0xFF]
                    ^ t0[(int) v & 0xFF];
            off += 8;
        }
        while (off < end) {
            crc = ((crc << 8) ^ t0[((crc >>> 8) ^ s.get(ValueLayout.JAVA_BYTE, off)) & 0xFF]) & 0xFFFF;
            off++;
        }
        return crc;
    }

    /** CRC of a byte array (for tests and tools). */
    public static int of(byte[] bytes) {
        return update(0, MemorySegment.ofArray(bytes), 0, bytes.length);
    }
}
