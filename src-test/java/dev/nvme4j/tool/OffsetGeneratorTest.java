package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.fio.OffsetGenerator;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

class OffsetGeneratorTest {
    @Test
    void sequentialWrapsAround() {
        OffsetGenerator g = new OffsetGenerator(3, false, 1);
        long[] got = new long[7];
        for (int i = 0; i < got.length; i++) {
            got[i] = g.next();
        }
        assertArrayEquals(new long[] {0, 1, 2, 0, 1, 2, 0}, got);
    }

    @Test
    void randomVisitsEveryUnitOncePerPass() {
        for (long units : new long[] {1, 2, 3, 5, 1000, 4096, 65537}) {
            OffsetGenerator g = new OffsetGenerator(units, true, 42);
            BitSet seen = new BitSet();
            for (long i = 0; i < units; i++) {
                long u = g.next();
                assertTrue(u >= 0 && u < units);
                assertFalse(seen.get((int) u), "unit " + u + " twice in a pass of " + units);
                seen.set((int) u);
            }
            assertEquals(units, seen.cardinality());
        }
    }

    @Test
    void randomIsDeterministicPerSeedAndNotSequential() {
        OffsetGenerator a = new OffsetGenerator(10_000, true, 7);
        OffsetGenerator b = new OffsetGenerator(10_000, true, 7);
        OffsetGenerator c = new OffsetGenerator(10_000, true, 8);
        int sequentialSteps = 0;
        int differ = 0;
        long prev = -1;
        for (int i = 0; i < 1000; i++) {
            long x = a.next();
            assertEquals(x, b.next());
            if (x != c.next()) {
                differ++;
            }
            if (x == prev + 1) {
                sequentialSteps++;
            }
            prev = x;
        }
        assertTrue(differ > 900, "another seed gives another order");
        assertTrue(sequentialSteps < 50, "random order is not mostly sequential: " + sequentialSteps);
    }

    @Test
    void rewindRepeatsTheSequence() {
        OffsetGenerator g = new OffsetGenerator(100, true, 3);
        long first = g.next();
        long second = g.next();
        g.rewind();
        assertEquals(first, g.next());
        assertEquals(second, g.next());
    }
}
