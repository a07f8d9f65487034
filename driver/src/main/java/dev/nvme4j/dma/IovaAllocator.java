package dev.nvme4j.dma;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Hands out aligned ranges of an address space made of one or more usable windows, first fit
 * in address order, and coalesces ranges when they are freed so the space can be reused.
 *
 * <p>Used for the IOMMU's I/O virtual address space (the windows are the valid IOVA ranges the
 * kernel reports: addresses outside them, such as the x86 MSI window at
 * {@code 0xfee00000}, must never be mapped) and for carving small buffers out of one hugepage
 * (the window is the page's offset range).
 *
 * <p>Pure Java, no native state. Thread-safe: all methods are synchronized (allocation is on
 * the control path).
 */
public final class IovaAllocator {

    /** Addresses at or above this are never handed out: keeps alignment arithmetic free of overflow. */
    public static final long MAX_ADDRESS = 1L << 62;

    /** Free extents: start -> end (exclusive); non-overlapping, never adjacent (adjacent ones are merged). */
    private final TreeMap<Long, Long> free = new TreeMap<>();
    private final TreeMap<Long, Long> windows = new TreeMap<>();
    private long freeBytes;

    /**
     * @param windows usable windows as {@code [start, end)} pairs; they may be given in any
     *                order but must not overlap. Parts at or above {@link #MAX_ADDRESS} are dropped.
     */
    public IovaAllocator(List<Window> windows) {
        for (Window w : windows) {
            long start = w.start();
            long end = Math.min(w.end(), MAX_ADDRESS);
            if (start < 0 || end <= start) {
                continue;
            }
            Map.Entry<Long, Long> before = this.windows.floorEntry(start);
            Map.Entry<Long, Long> after = this.windows.ceilingEntry(start);
            if ((before != null && before.getValue() > start) || (after != null && after.getKey() < end)) {
                throw new IllegalArgumentException("overlapping windows: " + windows);
            }
            this.windows.put(start, end);
            insertFree(start, end);
        }
    }

    /** A usable window {@code [start, end)}. */
    public record Window(long start, long end) {
        /** {@return a window from an inclusive last address, the way the kernel reports IOVA ranges} */
        public static Window inclusive(long start, long last) {
            long end = Long.compareUnsigned(last, MAX_ADDRESS) >= 0 ? MAX_ADDRESS : last + 1;
            return new Window(start, end);
        }
    }

    /**
     * Allocates {@code size} bytes at an address that is a multiple of {@code alignment}: the
     * lowest such address in the first free extent that has room.
     *
     * @param alignment a power of two
     * @return the start address
     * @throws DmaException when no free extent has room, with the largest one it has
     */
    public synchronized long allocate(long size, long alignment) {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        for (Map.Entry<Long, Long> extent : free.entrySet()) {
            long start = alignUp(extent.getKey(), alignment);
            long end = extent.getValue();
            if (start < end && end - start >= size) {
                take(extent.getKey(), end, start, start + size);
                return start;
            }
        }
        throw new DmaException("address space exhausted: no free range of " + size + " bytes aligned to "
                + alignment + " (free " + freeBytes + " bytes, largest free range " + largestFree() + " bytes)");
    }

    /**
     * Returns {@code [start, start + size)} to the free space, merging it with free neighbours.
     *
     * @throws IllegalArgumentException if the range is not inside a window or overlaps free space
     *     (a double free)
     */
    public synchronized void free(long start, long size) {
        long end = start + size;
        Map.Entry<Long, Long> window = windows.floorEntry(start);
        if (size <= 0 || window == null || end > window.getValue()) {
            throw new IllegalArgumentException(String.format("range [0x%x, 0x%x) is not inside a window", start, end));
        }
        Map.Entry<Long, Long> before = free.floorEntry(start);
        Map.Entry<Long, Long> after = free.ceilingEntry(start);
        if ((before != null && before.getValue() > start) || (after != null && after.getKey() < end)) {
            throw new IllegalArgumentException(String.format("range [0x%x, 0x%x) is already free", start, end));
        }
        insertFree(start, end);
    }

    /** {@return the number of free bytes} */
    public synchronized long freeBytes() {
        return freeBytes;
    }

    /** {@return the size of the largest free extent (ignoring alignment)} */
    public synchronized long largestFree() {
        long largest = 0;
        for (Map.Entry<Long, Long> e : free.entrySet()) {
            largest = Math.max(largest, e.getValue() - e.getKey());
        }
        return largest;
    }

    /** {@return the number of free extents (1 per window when nothing is allocated)} */
    public synchronized int freeExtentCount() {
        return free.size();
    }

    /** {@return whether everything is free again} */
    public synchronized boolean isEmpty() {
        long total = 0;
        for (Map.Entry<Long, Long> w : windows.entrySet()) {
            total += w.getValue() - w.getKey();
        }
        return freeBytes == total;
    }

    /** Removes {@code [from, to)} from the free extent {@code [extentStart, extentEnd)}. */
    private void take(long extentStart, long extentEnd, long from, long to) {
        free.remove(extentStart);
        if (extentStart < from) {
            free.put(extentStart, from);
        }
        if (to < extentEnd) {
            free.put(to, extentEnd);
        }
        freeBytes -= to - from;
    }

    /** Adds {@code [start, end)} to the free extents, merging with neighbours inside the same window. */
    private void insertFree(long start, long end) {
        freeBytes += end - start;
        Map.Entry<Long, Long> before = free.floorEntry(start);
        if (before != null && before.getValue() == start) {
            start = before.getKey();
            free.remove(start);
        }
        Long afterEnd = free.remove(end);
        if (afterEnd != null) {
            end = afterEnd;
        }
        free.put(start, end);
    }

    private static long alignUp(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder("IovaAllocator[free=");
        for (Iterator<Map.Entry<Long, Long>> it = free.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Long> e = it.next();
            sb.append(String.format("[0x%x,0x%x)", e.getKey(), e.getValue()));
            if (it.hasNext()) {
                sb.append(' ');
            }
        }
        return sb.append(']').toString();
    }
}
