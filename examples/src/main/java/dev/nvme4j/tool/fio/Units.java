package dev.nvme4j.tool.fio;

import java.util.Locale;

/**
 * Number formatting the way fio's reports read: at most four significant digits with a unit
 * prefix ({@code 316k}, {@code 1234MiB/s}, {@code 11.8MiB}), binary (Ki, Mi) or decimal (k, M).
 * Stateless.
 */
public final class Units {
    private static final String[] IEC = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    private static final String[] SI = {"", "k", "M", "G", "T", "P", "E"};

    private Units() {
    }

    /** Formats {@code num} in at most {@code maxDigits} digits plus a prefix and {@code unit}. */
    public static String num(double num, int maxDigits, boolean pow2, String unit) {
        double base = pow2 ? 1024 : 1000;
        String[] prefix = pow2 ? IEC : SI;
        double v = Math.max(0, num);
        int i = 0;
        while (digits(v) > maxDigits && i < prefix.length - 1) {
            v /= base;
            i++;
        }
        if (i == 0) {
            return Math.round(Math.floor(v)) + unit;
        }
        int decimals = maxDigits - digits(v) - 1;
        if (decimals <= 0) {
            return Math.round(v) + prefix[i] + unit;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v) + prefix[i] + unit;
    }

    private static int digits(double v) {
        return Long.toString((long) Math.floor(v)).length();
    }

    /** Bytes per second, binary: {@code 1234MiB/s}. */
    public static String bw(double bytesPerSec) {
        return num(bytesPerSec, 4, true, "B/s");
    }

    /** Bytes per second, decimal: {@code 1294MB/s}. */
    public static String bwSi(double bytesPerSec) {
        return num(bytesPerSec, 4, false, "B/s");
    }

    /** Bytes, binary: {@code 6170MiB}. */
    public static String bytes(double bytes) {
        return num(bytes, 4, true, "B");
    }

    /** Bytes, decimal: {@code 6470MB}. */
    public static String bytesSi(double bytes) {
        return num(bytes, 4, false, "B");
    }

    /** A count: {@code 316k}. */
    public static String count(double n) {
        return num(n, 4, false, "");
    }

    /** Minutes and seconds as in fio's ETA: {@code 00m:03s}. */
    public static String eta(long seconds) {
        long s = Math.max(0, seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%02dh:%02dm:%02ds", s / 3600, (s / 60) % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%02dm:%02ds", s / 60, s % 60);
    }
}
