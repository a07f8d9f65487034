package dev.nvme4j.tcp;

import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.dma.OffHeapPages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * "DMA" memory of a controller reached over NVMe/TCP: plain, page-aligned, zeroed off-heap
 * memory (no IOMMU, no pinning: the host copies data to and from the socket itself). Each region
 * gets a synthetic address, slot {@code n} at {@code (n + 1) << 36}, so that the queue layer can
 * keep describing data by address and the transport finds the memory behind an address with one
 * array read and no allocation ({@link #segmentOf}). A region holds at most 64 GiB.
 *
 * <p>Thread-safe: allocation and free are synchronized; {@link #segmentOf} is a volatile read.
 */
final class TcpDma implements DmaAllocator {
    static final int SLOT_SHIFT = 36;
    private static final long PAGE = 4096;
    private static final long OFFSET_MASK = (1L << SLOT_SHIFT) - 1;

    private volatile AtomicReferenceArray<MemorySegment> table = new AtomicReferenceArray<>(64);
    private final Arena[] noArenas = new Arena[0];
    private Arena[] arenas = new Arena[64];
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private int nextSlot;
    private boolean closed;

    @Override
    public synchronized DmaRegion allocate(long bytes) {
        if (closed) {
            throw new DmaException("the NVMe/TCP controller's memory allocator is closed");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        if (bytes > OFFSET_MASK + 1) {
            throw new DmaException("cannot allocate " + bytes + " bytes in one buffer over NVMe/TCP: at most 64 GiB");
        }
        OffHeapPages pages = OffHeapPages.allocate(bytes, "off-heap memory");
        Arena arena = pages.arena();
        MemorySegment seg = pages.segment();
        int slot = freeSlots.isEmpty() ? nextSlot++ : freeSlots.pop();
        if (slot >= table.length()) {
            AtomicReferenceArray<MemorySegment> bigger = new AtomicReferenceArray<>(table.length() * 2);
            for (int i = 0; i < table.length(); i++) {
                bigger.set(i, table.get(i));
            }
            table = bigger;
            arenas = java.util.Arrays.copyOf(arenas, bigger.length());
        }
        arenas[slot] = arena;
        table.set(slot, seg);
        return new DmaRegion(this, seg, (slot + 1L) << SLOT_SHIFT);
    }

    /**
     * The memory at synthetic address {@code iova}, as a segment that starts at its region's
     * start (the offset into it is {@link #offsetOf}), or null when no live region is there.
     */
    MemorySegment segmentOf(long iova) {
        long slot = (iova >>> SLOT_SHIFT) - 1;
        AtomicReferenceArray<MemorySegment> t = table;
        if (slot < 0 || slot >= t.length()) {
            return null;
        }
        return t.get((int) slot);
    }

    static long offsetOf(long iova) {
        return iova & OFFSET_MASK;
    }

    @Override
    public synchronized void free(DmaRegion region) {
        if (region.owner() != this || !region.isLive()) {
            return;
        }
        int slot = (int) ((region.iova() >>> SLOT_SHIFT) - 1);
        region.markFreed();
        table.set(slot, null);
        Arena a = arenas[slot];
        arenas[slot] = null;
        freeSlots.push(slot);
        if (a != null) {
            a.close();
        }
    }

    @Override
    public long pageSize() {
        return PAGE;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < arenas.length; i++) {
            if (arenas[i] != null) {
                table.set(i, null);
                arenas[i].close();
                arenas[i] = null;
            }
        }
        arenas = noArenas;
    }
}
