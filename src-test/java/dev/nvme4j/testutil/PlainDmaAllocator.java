package dev.nvme4j.testutil;

import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Test allocator: page-aligned native memory whose IOVA is a fake address space. */
public final class PlainDmaAllocator implements DmaAllocator {
    private final Arena arena = Arena.ofShared();
    private long nextIova = 0x1_0000_0000L;

    @Override
    public synchronized DmaRegion allocate(long bytes) {
        long size = (bytes + 4095) & ~4095L;
        MemorySegment seg = arena.allocate(size, 4096);
        DmaRegion r = new DmaRegion(this, seg, nextIova);
        nextIova += size + 4096;
        return r;
    }

    @Override
    public void free(DmaRegion region) {
        region.markFreed();
    }

    @Override
    public long pageSize() {
        return 4096;
    }

    @Override
    public void close() {
        arena.close();
    }
}
