package dev.nvme4j.mock;

import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.dma.OffHeapPages;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * DMA memory for the mock controller: page-aligned zeroed native memory, each region registered
 * in the device's {@link IovaTable} at an IOVA unrelated to its host address (so a host address
 * used by mistake as an IOVA faults), with an unmapped guard page between regions (so a transfer
 * running off a region's end faults rather than landing in the neighbour). Thread-safe.
 */
final class MockDmaAllocator implements DmaAllocator {
    static final long PAGE = 4096;
    private static final long IOVA_BASE = 0x10_0000_0000L;

    private final IovaTable iommu;
    private final Map<DmaRegion, Arena> arenas = new IdentityHashMap<>();
    private long nextIova = IOVA_BASE;
    private boolean closed;
    private boolean detached;

    MockDmaAllocator(IovaTable iommu) {
        this.iommu = iommu;
    }

    @Override
    public synchronized DmaRegion allocate(long bytes) {
        if (closed) {
            throw new DmaException("the mock controller's DMA allocator is closed");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes must be positive: " + bytes);
        }
        if (detached) {
            throw new DmaException("the mock device has been removed; no DMA memory can be mapped for it");
        }
        OffHeapPages pages = OffHeapPages.allocate(bytes, "mock DMA memory");
        Arena arena = pages.arena();
        MemorySegment seg = pages.segment();
        long size = seg.byteSize();
        long iova = nextIova;
        nextIova += size + PAGE;
        DmaRegion region = new DmaRegion(this, seg, iova);
        arenas.put(region, arena);
        iommu.map(iova, seg);
        return region;
    }

    /** IOVAs no region will get (never mapped): for an address the controller answers to itself. */
    synchronized long reserve(long bytes, long alignment) {
        long iova = (nextIova + alignment - 1) & -alignment;
        nextIova = iova + bytes + PAGE;
        return iova;
    }

    @Override
    public synchronized void free(DmaRegion region) {
        Arena arena = arenas.remove(region);
        if (arena == null) {
            return;
        }
        iommu.unmap(region.iova());
        region.markFreed();
        arena.close();
    }

    /** The device is gone: later allocations fail; existing regions stay readable until freed. */
    synchronized void detach() {
        detached = true;
    }

    @Override
    public long pageSize() {
        return PAGE;
    }

    @Override
    public synchronized void close() {
        for (DmaRegion r : arenas.keySet().toArray(new DmaRegion[0])) {
            free(r);
        }
        closed = true;
    }
}
