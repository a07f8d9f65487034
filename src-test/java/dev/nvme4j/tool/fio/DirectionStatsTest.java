package dev.nvme4j.tool.fio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * DirectionStats against plain HdrHistograms fed value by value: whatever the stats do to make
 * recording cheap, the histograms, counts and published progress must be the same.
 */
class DirectionStatsTest {
    @Test
    void histogramsEqualValueByValueRecordingWithRunsOfEqualLatencies() {
        DirectionStats d = new DirectionStats();
        Histogram slat = DirectionStats.newHistogram();
        Histogram clat = DirectionStats.newHistogram();
        Histogram lat = DirectionStats.newHistogram();
        SplittableRandom r = new SplittableRandom(7);
        long ios = 0;
        for (int batch = 0; batch < 2000; batch++) {
            // runs of equal values (I/Os of one batch share their clock readings), then a change
            long s = r.nextInt(4) == 0 ? 0 : r.nextLong(1, 50_000);
            long c = r.nextLong(1, 2_000_000);
            int run = 1 + r.nextInt(70);
            for (int i = 0; i < run; i++) {
                long cc = i % 17 == 16 ? c + 1 : c; // a different value inside a run
                d.countProgress(4096);
                d.record(s, cc, s + cc, 4096);
                slat.recordValue(s);
                clat.recordValue(cc);
                lat.recordValue(s + cc);
                ios++;
            }
            if (batch % 3 == 0) {
                d.publish();
            }
        }
        d.record(-5, DirectionStats.HIGHEST_NS * 2, DirectionStats.HIGHEST_NS * 2, 512); // clamped
        slat.recordValue(0);
        clat.recordValue(DirectionStats.HIGHEST_NS);
        lat.recordValue(DirectionStats.HIGHEST_NS);
        assertEquals(slat, d.slat());
        assertEquals(clat, d.clat());
        assertEquals(lat, d.lat());
        assertEquals(ios + 1, d.ios());
        assertEquals(ios * 4096 + 512, d.bytes());
        assertEquals(slat.getTotalCount(), d.slat().getTotalCount());
        assertEquals(slat.getMaxValue(), d.slat().getMaxValue());
        assertEquals(clat.getMinNonZeroValue(), d.clat().getMinNonZeroValue());
    }

    @Test
    void progressIsPublishedForOtherThreadsByPublish() {
        DirectionStats d = new DirectionStats();
        for (int i = 0; i < 10; i++) {
            d.countProgress(4096);
            d.record(1, 2, 3, 4096);
        }
        d.publish();
        assertEquals(10, d.progressIos());
        assertEquals(40960, d.progressBytes());
        assertEquals(10, d.recordedIos());
        assertEquals(40960, d.recordedBytes());
    }

    @Test
    void groupReportingAddsTheOtherJobsPendingValuesToo() {
        DirectionStats a = new DirectionStats();
        DirectionStats b = new DirectionStats();
        Histogram expected = DirectionStats.newHistogram();
        for (int i = 0; i < 5; i++) {
            a.record(10, 20, 30, 4096);
            b.record(10, 20, 30, 4096);
            expected.recordValue(20);
            expected.recordValue(20);
        }
        DirectionStats group = new DirectionStats();
        group.add(a);
        group.add(b);
        assertEquals(expected, group.clat());
        assertEquals(10, group.ios());
    }
}
