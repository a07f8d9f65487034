package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nvme4j.tool.fio.LatencyBuckets;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {
    private static double sumOfAllUnits(Histogram h) {
        double sum = 0;
        for (int unit = 0; unit < 3; unit++) {
            for (double v : LatencyBuckets.of(h, unit).values()) {
                sum += v;
            }
        }
        return sum;
    }

    @Test
    void histogramBucketsStraddlingABoundAreCountedOnce() {
        // At 250 us a 3-digit histogram bucket spans 128 ns: 250,000 ns and 250,001 ns share one.
        Histogram h = new Histogram(1, 100_000_000_000L, 3);
        for (long v = 249_900; v <= 250_100; v++) {
            h.recordValue(v);
        }
        assertEquals(100.0, sumOfAllUnits(h), 1e-9);
    }

    @Test
    void eachLatencyLandsInItsUnitAndBucket() {
        Histogram h = new Histogram(1, 100_000_000_000L, 3);
        h.recordValue(3);               // 4 ns
        h.recordValue(1_500);           // 2 us
        h.recordValue(40_000_000);      // 50 ms
        h.recordValue(3_000_000_000L);  // >= 2000 ms
        assertEquals(25.0, LatencyBuckets.of(h, 0).get("4"), 1e-9);
        assertEquals(25.0, LatencyBuckets.of(h, 1).get("2"), 1e-9);
        assertEquals(25.0, LatencyBuckets.of(h, 2).get("50"), 1e-9);
        assertEquals(25.0, LatencyBuckets.of(h, 2).get(">=2000"), 1e-9);
        assertEquals(100.0, sumOfAllUnits(h), 1e-9);
    }
}
