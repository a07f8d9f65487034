package dev.nvme4j.api;

import dev.nvme4j.dma.DmaRegion;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * Memory one controller can read and write by DMA: a window onto a page-aligned region that
 * was allocated from that controller ({@link Controller#allocateBuffer(long)}). Slices share
 * the region. The driver refuses a buffer of another controller, of a freed region, or any
 * memory it did not allocate.
 *
 * <p>Thread-safety: the object is immutable; the memory is shared with the device, so the
 * application must not touch a buffer's bytes while a command using it is in flight.
 */
public final class DmaBuffer implements AutoCloseable {
    private final DmaRegion region;
    private final long offset;
    private final long length;
    private final boolean root;

    /** For the driver: wraps a whole region. Applications use {@link Controller#allocateBuffer}. */
    public DmaBuffer(DmaRegion region) {
        this(region, 0, region.byteSize(), true);
    }

    private DmaBuffer(DmaRegion region, long offset, long length, boolean root) {
        this.region = Objects.requireNonNull(region, "region");
        this.offset = offset;
        this.length = length;
        this.root = root;
    }

    /** The host view of this buffer's bytes. */
    public MemorySegment segment() {
        return region.segment().asSlice(offset, length);
    }

    /** Device (IO virtual) address of this buffer's first byte. */
    public long iova() {
        return region.iova() + offset;
    }

    public long byteSize() {
        return length;
    }

    /** Offset of this buffer within its region (0 for a buffer from allocateBuffer). */
    public long offsetInRegion() {
        return offset;
    }

    /** The region behind this buffer; for the driver's checks. */
    public DmaRegion region() {
        return region;
    }

    /** True while the region has not been freed. */
    public boolean isLive() {
        return region.isLive();
    }

    /**
     * A window of {@code length} bytes at {@code offset} within this buffer.
     *
     * @throws IndexOutOfBoundsException when the window does not fit
     */
    public DmaBuffer slice(long offset, long length) {
        Objects.checkFromIndexSize(offset, length, this.length);
        return new DmaBuffer(region, this.offset + offset, length, false);
    }

    /** Frees the region when this is the buffer returned by allocateBuffer; a no-op on slices. */
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
