package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The mock's IOMMU: the IOVA ranges the host mapped for the device, each with the host memory
 * behind it. The device reaches host memory only through {@link #find}; an address outside every
 * mapping (or a transfer crossing a mapping's end) finds nothing, and the caller reports a Data
 * Transfer Error and counts an IOMMU fault.
 *
 * <p>Thread-safety: mappings change under a lock into a new immutable snapshot published through a
 * volatile field; lookups read the snapshot without locking. Each reader passes its own
 * {@link Cursor} (the last hit, and the base of the mapping found), so readers on different
 * threads (the I/O lanes of deterministic mode) share nothing.
 */
final class IovaTable {
    /** One reader's lookup state: the index of its last hit and the base of the last mapping found. */
    static final class Cursor {
        int hint;
        long base;

        /** Offset of {@code iova} in the segment the last successful find with this cursor returned. */
        long offsetOf(long iova) {
            return iova - base;
        }
    }

    /** The cursor of {@link #find(long, long)} and {@link #offsetOf}: for callers under the device lock. */
    private final Cursor locked = new Cursor();

    private static final class Snapshot {
        final long[] bases;
        final long[] ends;
        final MemorySegment[] segments;

        Snapshot(long[] bases, long[] ends, MemorySegment[] segments) {
            this.bases = bases;
            this.ends = ends;
            this.segments = segments;
        }
    }

    private volatile Snapshot snap = new Snapshot(new long[0], new long[0], new MemorySegment[0]);

    /** Maps {@code segment} at {@code iova}; ranges must not overlap. */
    synchronized void map(long iova, MemorySegment segment) {
        Snapshot s = snap;
        int n = s.bases.length;
        int at = insertionPoint(s.bases, iova);
        long[] b = new long[n + 1];
        long[] e = new long[n + 1];
        MemorySegment[] g = new MemorySegment[n + 1];
        System.arraycopy(s.bases, 0, b, 0, at);
        System.arraycopy(s.ends, 0, e, 0, at);
        System.arraycopy(s.segments, 0, g, 0, at);
        b[at] = iova;
        e[at] = iova + segment.byteSize();
        g[at] = segment;
        System.arraycopy(s.bases, at, b, at + 1, n - at);
        System.arraycopy(s.ends, at, e, at + 1, n - at);
        System.arraycopy(s.segments, at, g, at + 1, n - at);
        snap = new Snapshot(b, e, g);
    }

    /** Removes the mapping that starts at {@code iova}; no-op if none. */
    synchronized void unmap(long iova) {
        Snapshot s = snap;
        int at = Arrays.binarySearch(s.bases, iova);
        if (at < 0) {
            return;
        }
        int n = s.bases.length;
        long[] b = new long[n - 1];
        long[] e = new long[n - 1];
        MemorySegment[] g = new MemorySegment[n - 1];
        System.arraycopy(s.bases, 0, b, 0, at);
        System.arraycopy(s.ends, 0, e, 0, at);
        System.arraycopy(s.segments, 0, g, 0, at);
        System.arraycopy(s.bases, at + 1, b, at, n - at - 1);
        System.arraycopy(s.ends, at + 1, e, at, n - at - 1);
        System.arraycopy(s.segments, at + 1, g, at, n - at - 1);
        snap = new Snapshot(b, e, g);
    }

    /** Removes every mapping. */
    synchronized void clear() {
        snap = new Snapshot(new long[0], new long[0], new MemorySegment[0]);
    }

    /**
     * The host memory behind {@code [iova, iova + length)}, or null when that range is not wholly
     * inside one mapping. Use {@link #offsetOf} for the offset of {@code iova} within it.
     */
    MemorySegment find(long iova, long length) {
        return find(iova, length, locked);
    }

    /** {@link #find(long, long)} with the caller's own cursor; {@link Cursor#offsetOf} gives the offset. */
    MemorySegment find(long iova, long length, Cursor cur) {
        Snapshot s = snap;
        int i = cur.hint;
        if (i < s.bases.length && iova >= s.bases[i] && iova + length <= s.ends[i] && length >= 0) {
            cur.base = s.bases[i];
            return s.segments[i];
        }
        i = insertionPoint(s.bases, iova) - 1;
        if (i < 0 || length < 0 || iova + length > s.ends[i] || iova + length < iova) {
            return null;
        }
        cur.hint = i;
        cur.base = s.bases[i];
        return s.segments[i];
    }

    /** Offset of {@code iova} in the segment the last successful {@link #find(long, long)} returned. */
    long offsetOf(long iova) {
        return locked.offsetOf(iova);
    }

    /** Number of mappings. */
    int size() {
        return snap.bases.length;
    }

    /** Index of the first base greater than {@code iova}. */
    private static int insertionPoint(long[] bases, long iova) {
        int lo = 0;
        int hi = bases.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (bases[mid] <= iova) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
