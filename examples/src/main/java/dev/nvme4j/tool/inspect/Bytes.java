package dev.nvme4j.tool.inspect;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** Little-endian field reads from an NVMe data structure (log page or Identify data). Stateless. */
final class Bytes {
    private Bytes() {
    }

    static int u8(byte[] b, int off) {
        return off < b.length ? b[off] & 0xFF : 0;
    }

    static int u16(byte[] b, int off) {
        return u8(b, off) | u8(b, off + 1) << 8;
    }

    static long u32(byte[] b, int off) {
        return (u16(b, off) | (long) u16(b, off + 2) << 16) & 0xFFFFFFFFL;
    }

    static long u64(byte[] b, int off) {
        return u32(b, off) | u32(b, off + 4) << 32;
    }

    /** An unsigned 128-bit counter (SMART log). */
    static BigInteger u128(byte[] b, int off) {
        byte[] be = new byte[17];
        for (int i = 0; i < 16; i++) {
            be[16 - i] = (byte) u8(b, off + i);
        }
        return new BigInteger(be);
    }

    /** An ASCII field with trailing spaces and NULs removed. */
    static String ascii(byte[] b, int off, int len) {
        int end = Math.min(b.length, off + len);
        if (off >= end) {
            return "";
        }
        String s = new String(b, off, end - off, StandardCharsets.US_ASCII);
        int n = s.length();
        while (n > 0 && (s.charAt(n - 1) == ' ' || s.charAt(n - 1) == 0)) {
            n--;
        }
        return s.substring(0, n);
    }

    /** An ASCII field as stored: padding kept, cut at the first NUL (nvme-cli's {@code %-.*s}). */
    static String rawAscii(byte[] b, int off, int len) {
        int end = Math.min(b.length, off + len);
        int n = off;
        while (n < end && b[n] != 0) {
            n++;
        }
        return n <= off ? "" : new String(b, off, n - off, StandardCharsets.US_ASCII);
    }

    /** 16 bytes as a UUID: {@code 00000000-0000-0000-0000-000000000000}, in stored order. */
    static String uuid(byte[] b, int off) {
        String h = hex(b, off, 16);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20)
                + "-" + h.substring(20);
    }

    /** Bytes as lower-case hex, most significant first as nvme-cli prints EUI64/NGUID. */
    static String hex(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            sb.append(String.format("%02x", u8(b, off + i)));
        }
        return sb.toString();
    }
}
