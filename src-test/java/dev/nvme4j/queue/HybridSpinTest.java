package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The adaptive spin of the HYBRID completion mode, fed with made-up wait times (no clock, no
 * device): what it learns from completions that came quickly, slowly, or in a changing pattern.
 */
class HybridSpinTest {
    private static final long US = 1_000L;
    private static final long LIMIT = 500 * US;

    /** Feeds n waits drawn uniformly from [lo, hi] microseconds. */
    private static void feed(HybridSpin spin, int n, long loUs, long hiUs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            spin.observe(r.nextLong(loUs * US, hiUs * US + 1));
        }
    }

    @Test
    void fixedSpinNeverChanges() {
        HybridSpin spin = HybridSpin.fixed(50 * US);
        assertEquals(50 * US, spin.spinNanos());
        feed(spin, 1000, 100, 400, 1);
        assertEquals(50 * US, spin.spinNanos());
        feed(spin, 1000, 1, 2, 2);
        assertEquals(50 * US, spin.spinNanos());
    }

    @Test
    void aDeviceThatAnswersIn100To400UsGetsASpinCoveringMostOfItsCompletions() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        feed(spin, 2000, 100, 400, 3);
        long s = spin.spinNanos();
        // Uniform 100..400 us: mean 250, mean deviation 75; mean + 2 deviations is 400 us, which
        // catches nearly every completion while spinning, and never more than the limit.
        assertTrue(s >= 330 * US && s <= LIMIT, "spin " + s / US + " us");
    }

    @Test
    void aFastDeviceGetsAShortSpin() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        feed(spin, 2000, 5, 15, 4);
        long s = spin.spinNanos();
        assertTrue(s >= 12 * US && s <= 25 * US, "spin " + s / US + " us");
    }

    @Test
    void aDeviceSlowerThanTheLimitMakesItSleepAtOnceInsteadOfSpinningInVain() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        feed(spin, 2000, 2_000, 6_000, 5);
        assertEquals(HybridSpin.FLOOR_NANOS, spin.spinNanos());
    }

    @Test
    void aDeviceNearTheLimitSpinsNoLongerThanTheLimit() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        feed(spin, 2000, 350, 450, 6);
        long s = spin.spinNanos();
        assertTrue(s >= 420 * US && s < LIMIT, "mean 400 us + 2 x 25 us is 450 us, below the limit: " + s / US);
        feed(spin, 2000, 360, 520, 7);
        assertEquals(LIMIT, spin.spinNanos(), "mean 440 us + 2 x 40 us is 520 us: capped at the limit");
    }

    @Test
    void followsTheDeviceWhenItGetsFasterOrSlower() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        feed(spin, 500, 2_000, 6_000, 8);
        assertEquals(HybridSpin.FLOOR_NANOS, spin.spinNanos());
        // Waits that end in a wake-up are longer than the device's time; once they fall below the
        // limit the spin comes back and then measures the device itself.
        feed(spin, 200, 300, 400, 9);
        feed(spin, 500, 20, 40, 10);
        long s = spin.spinNanos();
        assertTrue(s >= 35 * US && s <= 80 * US, "spin " + s / US + " us");
        feed(spin, 500, 2_000, 6_000, 11);
        assertEquals(HybridSpin.FLOOR_NANOS, spin.spinNanos());
    }

    @Test
    void oneVeryLongWaitDoesNotTurnTheSpinOff() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        feed(spin, 1000, 100, 200, 12);
        long before = spin.spinNanos();
        spin.observe(10_000_000_000L);  // a 10 s stall (a controller reset, a debugger)
        long after = spin.spinNanos();
        assertTrue(after > HybridSpin.FLOOR_NANOS, "spin " + after / US + " us");
        feed(spin, 50, 100, 200, 13);
        assertTrue(Math.abs(spin.spinNanos() - before) < 40 * US, before / US + " vs " + spin.spinNanos() / US);
    }

    @Test
    void startsWithALongSpinSoThatAFastDeviceIsMeasuredWhileSpinning() {
        HybridSpin spin = HybridSpin.adaptive(LIMIT);
        assertTrue(spin.spinNanos() >= LIMIT / 2, "initial spin " + spin.spinNanos() / US + " us");
    }

    @Test
    void badLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> HybridSpin.adaptive(0));
        assertThrows(IllegalArgumentException.class, () -> HybridSpin.adaptive(-1));
        assertThrows(IllegalArgumentException.class, () -> HybridSpin.fixed(-1));
    }
}
