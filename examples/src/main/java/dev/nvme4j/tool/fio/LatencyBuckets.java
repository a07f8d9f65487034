package dev.nvme4j.tool.fio;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * fio's latency distribution ({@code lat (usec)   : 10=0.01%, 20=95.12%, ...} and the JSON
 * {@code latency_ns}, {@code latency_us}, {@code latency_ms} maps): the share of I/Os whose
 * latency falls at or below each bound and above the previous one, for bounds of 2, 4, 10, 20,
 * 50, 100, 250, 500, 750, 1000 in each unit, and 2000 and {@code >=2000} ms. Stateless.
 */
public final class LatencyBuckets {
    private static final long[] BOUNDS = {2, 4, 10, 20, 50, 100, 250, 500, 750, 1000};
    private static final String[] UNITS = {"nsec", "usec", "msec"};

    private LatencyBuckets() {
    }

    /**
     * The buckets of one unit (0 ns, 1 us, 2 ms), keyed like fio's JSON, percentages of all I/Os.
     */
    public static Map<String, Double> of(Histogram h, int unit) {
        Map<String, Double> m = new LinkedHashMap<>();
        long total = h.getTotalCount();
        long scale = unit == 0 ? 1 : unit == 1 ? 1000 : 1_000_000;
        long prev = unit == 0 ? 0 : scale; // each unit's buckets start above 1000 of the unit below
        for (long b : BOUNDS) {
            long hi = b * scale;
            m.put(Long.toString(b), pct(h, prev, hi, total, unit == 0 && b == BOUNDS[0]));
            prev = hi;
        }
        if (unit == 2) {
            m.put("2000", pct(h, prev, 2_000_000_000L, total, false));
            m.put(">=2000", total == 0 ? 0.0 : 100.0 * h.getCountBetweenValues(2_000_000_001L,
                    Math.max(2_000_000_001L, h.getMaxValue())) / total);
        }
        return m;
    }

    private static double pct(Histogram h, long lowExclusive, long highInclusive, long total, boolean first) {
        if (total == 0) {
            return 0;
        }
        long low = first ? 0 : lowExclusive + 1;
        return 100.0 * h.getCountBetweenValues(low, highInclusive) / total;
    }

    /** The lines fio prints, one per unit with a share of at least 0.01%. */
    public static String lines(Histogram h) {
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < 3; u++) {
            StringBuilder line = new StringBuilder();
            for (Map.Entry<String, Double> e : of(h, u).entrySet()) {
                if (e.getValue() >= 0.005) {
                    if (!line.isEmpty()) {
                        line.append(", ");
                    }
                    line.append(e.getKey()).append('=').append(String.format(java.util.Locale.ROOT, "%3.2f%%",
                            e.getValue()));
                }
            }
            if (!line.isEmpty()) {
                sb.append(String.format("  lat (%s)   : ", UNITS[u])).append(line).append('\n');
            }
        }
        return sb.toString();
    }
}
