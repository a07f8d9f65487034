package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.fio.OffsetGenerator;
import dev.nvme4j.tool.fio.RandomDistribution;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** fio's random_distribution: the shapes of random offsets. */
class RandomDistributionTest {
    private static final long UNITS = 10_000;
    private static final int DRAWS = 200_000;

    /** Draw counts per unit, largest first. */
    private static long[] sortedCounts(String spec) {
        OffsetGenerator g = new OffsetGenerator(UNITS, true, false, 42).distributed(RandomDistribution.parse(spec));
        long[] counts = new long[(int) UNITS];
        for (int i = 0; i < DRAWS; i++) {
            counts[(int) g.next()]++;
        }
        Arrays.sort(counts);
        for (int i = 0; i < counts.length / 2; i++) {
            long t = counts[i];
            counts[i] = counts[counts.length - 1 - i];
            counts[counts.length - 1 - i] = t;
        }
        return counts;
    }

    /** The share of the draws that went to the hottest {@code fraction} of the units. */
    private static double hotShare(long[] sorted, double fraction) {
        long sum = 0;
        for (int i = 0; i < (int) (UNITS * fraction); i++) {
            sum += sorted[i];
        }
        return (double) sum / DRAWS;
    }

    @Test
    void zipfAndParetoSendMostIoToAFewUnits() {
        // Zipf theta 1.2 over 10k units: the hottest 1% of units take well over half the draws.
        double zipf = hotShare(sortedCounts("zipf:1.2"), 0.01);
        assertTrue(zipf > 0.55, "zipf:1.2 top 1%: " + zipf);
        // Pareto h=0.2 is the 80/20 rule: about 80% of the draws to 20% of the units.
        double pareto = hotShare(sortedCounts("pareto:0.2"), 0.2);
        assertTrue(pareto > 0.7 && pareto < 0.95, "pareto:0.2 top 20%: " + pareto);
        double uniform = hotShare(sortedCounts("random"), 0.2);
        assertTrue(uniform < 0.3, "uniform top 20%: " + uniform);
    }

    @Test
    void normalIsABellAroundTheMiddle() {
        OffsetGenerator g = new OffsetGenerator(UNITS, true, false, 7).distributed(RandomDistribution.parse("normal"));
        int inMiddle = 0;
        for (int i = 0; i < DRAWS; i++) {
            long u = g.next();
            assertTrue(u >= 0 && u < UNITS);
            if (Math.abs(u - UNITS / 2) < UNITS / 10) {
                inMiddle++;
            }
        }
        // the mean of 12 uniform draws: sd = n/sqrt(144); +-n/10 is about +-1.2 sd, ~77%
        assertTrue(inMiddle > DRAWS * 0.7, "the middle fifth: " + inMiddle);
    }

    @Test
    void zonedSendsEachShareOfIoToItsShareOfTheRegion() {
        OffsetGenerator g = new OffsetGenerator(UNITS, true, false, 9)
                .distributed(RandomDistribution.parse("zoned:60/10:30/20:10/")); // the last: the rest
        int[] zone = new int[3];
        for (int i = 0; i < DRAWS; i++) {
            long u = g.next();
            zone[u < 1000 ? 0 : u < 3000 ? 1 : 2]++;
        }
        assertEquals(0.60, zone[0] / (double) DRAWS, 0.01);
        assertEquals(0.30, zone[1] / (double) DRAWS, 0.01);
        assertEquals(0.10, zone[2] / (double) DRAWS, 0.01);
    }

    @Test
    void aRunWithADistributionRepeatsHotBlocks() throws Exception {
        FakeController fake = new FakeController(4096, 4096);
        java.util.List<long[]> ios = fake.recordIos();
        ToolRun r = ToolRun.run(() -> fake, "fio", "--rw=randread", "--random_distribution=zipf:1.5",
                "--number_ios=2000", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        long distinct = ios.stream().mapToLong(io -> io[1]).distinct().count();
        assertTrue(distinct < 1000, "no random map, hot blocks again and again: " + distinct + " of 2000");
    }

    @Test
    void badSpellingsNameTheOption() {
        for (String bad : new String[] {"zipf:1", "pareto:1.5", "normal:100", "zoned:50/10:40/90", "gauss", "zipf:x"}) {
            ToolException e = assertThrows(ToolException.class, () -> RandomDistribution.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("Invalid value for option '--random_distribution': "), e.getMessage());
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }
}
