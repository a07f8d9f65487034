package dev.nvme4j.dma;

import java.lang.foreign.MemorySegment;

/**
 * A contiguous range of host memory that one device can reach: the host view
 * ({@link #segment()}) and the device address of its first byte ({@link #iova()}).
 * Page aligned in both address spaces. Created and freed only by its {@link DmaAllocator}.
 *
 * <p>Thread-safe: liveness is a volatile flag; the memory itself is shared with the device.
 */
public final class DmaRegion {
    private final DmaAllocator owner;
    private final MemorySegment segment;
    private final long iova;
    private volatile boolean live = true;

    public DmaRegion(DmaAllocator owner, MemorySegment segment, long iova) {
        this.owner = owner;
        this.segment = segment;
        this.iova = iova;
    }

    public DmaAllocator owner() {
        return owner;
    }

    public MemorySegment segment() {
        return segment;
    }

    public long iova() {
        return iova;
    }

    public long byteSize() {
        return segment.byteSize();
    }

    public boolean isLive() {
        return live;
    }

    /** Called by the owner when it frees the region. */
    public void markFreed() {
        live = false;
    }

    @Override
    public String toString() {
        return String.format("DmaRegion[iova=0x%x, size=%d%s]", iova, byteSize(), live ? "" : ", freed");
    }
}
