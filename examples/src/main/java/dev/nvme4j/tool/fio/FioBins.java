package dev.nvme4j.tool.fio;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * fio's latency bins (stat.h {@code FIO_IO_U_PLAT_*}): 64 bins per power of two above 128 ns,
 * one per nanosecond below, 1856 in all; {@code json+} prints the non-empty ones keyed by their
 * bin's middle value. nvme4j records into HdrHistograms (3 significant digits, finer than fio's
 * 1/64), so each recorded value is moved to the fio bin holding it.
 */
final class FioBins {
    static final int BITS = 6;
    static final int VAL = 1 << BITS;
    static final int NR = 29 * VAL;

    private FioBins() {
    }

    /** fio's bin of a value in ns. */
    static int index(long ns) {
        int msb = ns == 0 ? 0 : 63 - Long.numberOfLeadingZeros(ns);
        if (msb <= BITS) {
            return (int) ns;
        }
        int errorBits = msb - BITS;
        int base = (errorBits + 1) << BITS;
        int offset = (int) ((VAL - 1) & (ns >> errorBits));
        return Math.min(base + offset, NR - 1);
    }

    /** The value fio prints for bin {@code idx}: the middle of its range. */
    static long value(int idx) {
        if (idx < (VAL << 1)) {
            return idx;
        }
        int errorBits = (idx >> BITS) - 1;
        long base = 1L << (errorBits + BITS);
        long k = idx % VAL;
        return base + (long) ((k + 0.5) * (1L << errorBits));
    }

    /** The counts per fio bin of {@code h}. */
    static long[] of(Histogram h) {
        long[] bins = new long[NR];
        for (HistogramIterationValue v : h.recordedValues()) {
            bins[index(h.medianEquivalentValue(v.getValueIteratedTo()))] += v.getCountAtValueIteratedTo();
        }
        return bins;
    }
}
