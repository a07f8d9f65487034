package dev.nvme4j.api;

import java.lang.foreign.MemorySegment;

/**
 * Memory one controller can read and write by DMA: a window onto a page-aligned region that
 * was allocated from that controller ({@link Controller#allocateBuffer(long)}). Slices share
 * the region. The driver refuses a buffer of another controller, of a freed region, or any
 * memory it did not allocate (including implementations of this interface of one's own).
 *
 * <p>Thread-safety: the object is immutable; the memory is shared with the device, so the
 * application must not touch a buffer's bytes while a command using it is in flight.
 */
public interface DmaBuffer extends AutoCloseable {
    /** The host view of this buffer's bytes. */
    MemorySegment segment();

    /** Device (IO virtual) address of this buffer's first byte. */
    long iova();

    long byteSize();

    /** Offset of this buffer within its region (0 for a buffer from allocateBuffer). */
    long offsetInRegion();

    /** True while the region has not been freed. */
    boolean isLive();

    /**
     * A window of {@code length} bytes at {@code offset} within this buffer.
     *
     * @throws IndexOutOfBoundsException when the window does not fit
     */
    DmaBuffer slice(long offset, long length);

    /** Frees the region when this is the buffer returned by allocateBuffer; a no-op on slices. */
    @Override
    void close();
}
