package dev.nvme4j.tool.fio;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

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
     * Each recorded histogram bucket (values HdrHistogram treats as equivalent) is counted in
     * exactly one latency bucket, by its highest equivalent value, so the buckets of the three
     * units add up to 100%; counting value ranges instead would count a histogram bucket that
     * straddles a bound twice.
     */
    public static Map<String, Double> of(Histogram h, int unit) {
        long scale = unit == 0 ? 1 : unit == 1 ? 1000 : 1_000_000;
        long low = unit == 0 ? Long.MIN_VALUE : scale; // each unit starts above 1000 of the unit below
        int extra = unit == 2 ? 2 : 0;                 // 2000 and >=2000 ms
        long[] counts = new long[BOUNDS.length + extra];
        for (HistogramIterationValue v : h.recordedValues()) {
            long value = v.getValueIteratedTo();
            if (value > low) {
                int i = bucketOf(value, scale);
                if (i < BOUNDS.length || extra > 0) {
                    counts[i] += v.getCountAddedInThisIterationStep();
                }
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        long total = h.getTotalCount();
        for (int i = 0; i < counts.length; i++) {
            String key = i < BOUNDS.length ? Long.toString(BOUNDS[i]) : i == BOUNDS.length ? "2000" : ">=2000";
            m.put(key, total == 0 ? 0.0 : 100.0 * counts[i] / total);
        }
        return m;
    }

    /** Index of the first bound (in the unit of {@code scale}) at or above the value; past the end: 2000, then beyond. */
    private static int bucketOf(long value, long scale) {
        for (int i = 0; i < BOUNDS.length; i++) {
            if (value <= BOUNDS[i] * scale) {
                return i;
            }
        }
        return value <= 2000 * scale ? BOUNDS.length : BOUNDS.length + 1;
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
