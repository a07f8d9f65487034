package dev.nvme4j.ctrl;

import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Hands out DMA regions aligned, in device address space, to the controller's memory page size
 * (CC.MPS) when that is larger than the allocator's page: queue base addresses and every PRP
 * entry after the first must be memory-page aligned (NVMe Base Specification 2.0, sections
 * 3.1.3.9-10 and 4.1.1). When the allocator's pages are already large enough it only passes
 * through. Thread-safe; not on the I/O path.
 */
final class PageAlignedDma implements DmaAllocator {
    private final DmaAllocator inner;
    private final long pageSize;
    private final Map<DmaRegion, DmaRegion> underlying = new IdentityHashMap<>();

    PageAlignedDma(DmaAllocator inner, long pageSize) {
        this.inner = inner;
        this.pageSize = pageSize;
    }

    /** True when the allocator's own pages already satisfy the alignment. */
    private boolean passThrough() {
        return inner.pageSize() % pageSize == 0;
    }

    @Override
    public DmaRegion allocate(long bytes) {
        if (passThrough()) {
            return wrap(inner.allocate(bytes), 0, roundUp(bytes, inner.pageSize()));
        }
        long size = roundUp(bytes, pageSize);
        DmaRegion raw = inner.allocate(size + pageSize - inner.pageSize());
        long offset = roundUp(raw.iova(), pageSize) - raw.iova();
        return wrap(raw, offset, size);
    }

    private synchronized DmaRegion wrap(DmaRegion raw, long offset, long size) {
        DmaRegion r = new DmaRegion(this, raw.segment().asSlice(offset, size), raw.iova() + offset);
        underlying.put(r, raw);
        return r;
    }

    private static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }

    @Override
    public void free(DmaRegion region) {
        DmaRegion raw;
        synchronized (this) {
            raw = underlying.remove(region);
        }
        if (raw != null) {
            region.markFreed();
            inner.free(raw);
        }
    }

    @Override
    public long pageSize() {
        return Math.max(pageSize, inner.pageSize());
    }

    @Override
    public synchronized void close() {
        for (Map.Entry<DmaRegion, DmaRegion> e : underlying.entrySet()) {
            e.getKey().markFreed();
            inner.free(e.getValue());
        }
        underlying.clear();
    }
}
