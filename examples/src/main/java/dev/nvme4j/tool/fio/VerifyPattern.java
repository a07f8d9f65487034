package dev.nvme4j.tool.fio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * fio's {@code verify_pattern}: a byte sequence written over and over across each verify unit and
 * checked when read back. The value is a sequence of pieces, as fio reads it:
 * <ul>
 *   <li>{@code 0x...}: hexadecimal bytes in the order written ({@code 0xdeadbeef}: de ad be ef; an
 *       odd digit count makes the first digit a byte of its own: {@code 0x123}: 01 23);</li>
 *   <li>a decimal number from -2^31 to 2^31-1: its value little-endian in as few bytes as it needs
 *       (66: 42; -1024: 00 fc ff ff; 0: one zero byte);</li>
 *   <li>{@code "text"}: the bytes of the text;</li>
 *   <li>{@code %o}: the unit's byte offset on the namespace, 8 bytes little-endian.</li>
 * </ul>
 * Pieces follow each other without separators ({@code 0xff%o"abcd"-12}). Immutable; filling and
 * comparing allocate nothing.
 */
public final class VerifyPattern {
    /** The pattern's bytes (offset slots hold zeros). */
    private final byte[] bytes;
    /** Where the 8-byte offsets go in {@link #bytes}. */
    private final int[] offsetSlots;
    private final String spec;

    private VerifyPattern(String spec, byte[] bytes, int[] offsetSlots) {
        this.spec = spec;
        this.bytes = bytes;
        this.offsetSlots = offsetSlots;
    }

    /**
     * Parses a {@code verify_pattern} value.
     *
     * @throws IllegalArgumentException saying what is wrong and where
     */
    public static VerifyPattern parse(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("the pattern is empty");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] slots = new int[0];
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                int end = s.indexOf('"', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("the string at character " + (i + 1) + " has no closing quote");
                }
                if (end == i + 1) {
                    throw new IllegalArgumentException("the string at character " + (i + 1) + " is empty");
                }
                out.writeBytes(s.substring(i + 1, end).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                i = end + 1;
            } else if (c == '%') {
                if (!s.startsWith("%o", i)) {
                    throw new IllegalArgumentException("unknown format at character " + (i + 1)
                            + " (only %o, the block's offset, is known)");
                }
                slots = Arrays.copyOf(slots, slots.length + 1);
                slots[slots.length - 1] = out.size();
                out.writeBytes(new byte[8]);
                i += 2;
            } else if (c == '\'') {
                throw new IllegalArgumentException("a pattern read from a file ('name') is not supported; give the "
                        + "bytes as 0x..., a number or \"text\"");
            } else if (s.regionMatches(true, i, "0x", 0, 2)) {
                i = hex(s, i + 2, out);
            } else if (c == '-' || Character.isDigit(c)) {
                i = decimal(s, i, out);
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at character " + (i + 1));
            }
        }
        return new VerifyPattern(s, out.toByteArray(), slots);
    }

    /** Hex digits from {@code i} up to a non-digit or the next {@code 0x}; returns where parsing stopped. */
    private static int hex(String s, int i, ByteArrayOutputStream out) {
        int end = i;
        while (end < s.length() && Character.digit(s.charAt(end), 16) >= 0
                && !(s.charAt(end) == '0' && end + 1 < s.length() && (s.charAt(end + 1) | 0x20) == 'x'
                && end + 2 < s.length() && Character.digit(s.charAt(end + 2), 16) >= 0)) {
            end++;
        }
        if (end == i) {
            throw new IllegalArgumentException("0x at character " + (i - 1) + " has no hex digits after it");
        }
        int at = i;
        if ((end - i) % 2 == 1) {
            out.write(Character.digit(s.charAt(at++), 16));
        }
        for (; at < end; at += 2) {
            out.write(Character.digit(s.charAt(at), 16) << 4 | Character.digit(s.charAt(at + 1), 16));
        }
        return end;
    }

    /** A decimal number in int range, written little-endian in as few bytes as its 32-bit value needs. */
    private static int decimal(String s, int i, ByteArrayOutputStream out) {
        int end = i + (s.charAt(i) == '-' ? 1 : 0);
        while (end < s.length() && Character.isDigit(s.charAt(end))
                && !(s.charAt(end) == '0' && end + 1 < s.length() && (s.charAt(end + 1) | 0x20) == 'x')) {
            end++;
        }
        long v;
        try {
            v = Long.parseLong(s.substring(i, end));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s.substring(i, end) + "' at character " + (i + 1)
                    + " is not a number");
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(s.substring(i, end) + " is outside -2147483648..2147483647; give a "
                    + "larger value in hex (0x...)");
        }
        long u = v & 0xFFFFFFFFL;
        do {
            out.write((int) (u & 0xFF));
            u >>>= 8;
        } while (u != 0);
        return end;
    }

    /** The pattern's length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** One copy of the pattern for a unit at byte offset {@code unitOffset} (its %o filled in). */
    public byte[] bytesAt(long unitOffset) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = at(i, unitOffset);
        }
        return out;
    }

    /** The value as given. */
    public String spec() {
        return spec;
    }

    /** True when the pattern holds {@code %o}. */
    boolean hasOffset() {
        return offsetSlots.length > 0;
    }

    /** The byte at index {@code k} of the pattern repeated from a unit starting at {@code unitOffset}. */
    private byte at(int k, long unitOffset) {
        int p = k % bytes.length;
        for (int slot : offsetSlots) {
            if (p >= slot && p < slot + 8) {
                return (byte) (unitOffset >>> (8 * (p - slot)));
            }
        }
        return bytes[p];
    }

    /**
     * Writes the pattern repeated from the unit's start into {@code b[from, to)}: {@code from} is
     * {@code skip} bytes into a unit at byte offset {@code unitOffset} of the namespace.
     */
    void fill(ByteBuffer b, int from, int to, int skip, long unitOffset) {
        if (!hasOffset() && bytes.length == 1) {
            for (int i = from; i < to; i++) {
                b.put(i, bytes[0]);
            }
            return;
        }
        for (int i = from; i < to; i++) {
            b.put(i, at(i - from + skip, unitOffset));
        }
    }

    /**
     * The first index in {@code b[from, to)} that does not hold the pattern (as {@link #fill} writes
     * it), or -1.
     */
    int mismatch(ByteBuffer b, int from, int to, int skip, long unitOffset) {
        for (int i = from; i < to; i++) {
            if (b.get(i) != at(i - from + skip, unitOffset)) {
                return i;
            }
        }
        return -1;
    }

    /** The pattern's byte expected at {@code index} of a unit at {@code unitOffset} (for reports). */
    int expected(int index, long unitOffset) {
        return at(index, unitOffset) & 0xFF;
    }
}
