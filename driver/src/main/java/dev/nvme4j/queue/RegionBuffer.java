package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.dma.DmaRegion;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The driver's {@link DmaBuffer}: a window onto a {@link DmaRegion}. Only the driver creates
 * them; {@link #regionOf} is how the submit path finds the region behind an application's
 * buffer (and refuses any other implementation of the interface). Immutable.
 */
public final class RegionBuffer implements DmaBuffer {
    private final DmaRegion region;
    private final long offset;
    private final long length;
    private final boolean root;

    /** Wraps a whole region; closing it frees the region. */
    public RegionBuffer(DmaRegion region) {
        this(region, 0, region.byteSize(), true);
    }

    private RegionBuffer(DmaRegion region, long offset, long length, boolean root) {
        this.region = Objects.requireNonNull(region, "region");
        this.offset = offset;
        this.length = length;
        this.root = root;
    }

    /**
     * The region behind {@code buffer}.
     *
     * @throws IllegalArgumentException when the buffer was not made by the driver
     */
    public static DmaRegion regionOf(DmaBuffer buffer) {
        if (buffer instanceof RegionBuffer rb) {
            return rb.region;
        }
        throw new IllegalArgumentException(buffer + " was not allocated by nvme4j; use Controller.allocateBuffer");
    }

    @Override
    public MemorySegment segment() {
        return region.segment().asSlice(offset, length);
    }

    @Override
    public long iova() {
        return region.iova() + offset;
    }

    @Override
    public long byteSize() {
        return length;
    }

    @Override
    public long offsetInRegion() {
        return offset;
    }

    /** The region behind this buffer; for the driver's checks. */
    public DmaRegion region() {
        return region;
    }

    @Override
    public boolean isLive() {
        return region.isLive();
    }

    @Override
    public DmaBuffer slice(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, this.length);
        return new RegionBuffer(region, this.offset + offset, length, false);
    }

    @Override
    public void close() {
        if (root) {
            region.owner().free(region);
        }
    }

    @Override
    public String toString() {
        return String.format("DmaBuffer[iova=0x%x, size=%d%s]", iova(), length, isLive() ? "" : ", freed");
    }
}
