package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;

/**
 * The bytes behind a namespace. Offsets are byte offsets into the namespace; callers check
 * ranges. Used only by the device (under its lock), so implementations need no locking.
 */
interface BlockStore extends AutoCloseable {
    /** Copies {@code len} bytes at {@code off} into {@code dst} at {@code dstOff}; unwritten bytes read as zero. */
    void read(long off, MemorySegment dst, long dstOff, long len);

    /** Copies {@code len} bytes from {@code src} at {@code srcOff} to {@code off}. */
    void write(long off, MemorySegment src, long srcOff, long len);

    /** Makes {@code len} bytes at {@code off} read as zero (Write Zeroes, deallocate). */
    void zero(long off, long len);

    /**
     * The namespace now holds {@code capacityBytes} (a resize); bytes beyond it read as zero if
     * it grows again later.
     */
    default void resize(long oldBytes, long capacityBytes) {
        if (capacityBytes < oldBytes) {
            zero(capacityBytes, oldBytes - capacityBytes);
        }
    }

    /** Makes written data durable (Flush). */
    void flush();

    @Override
    void close();
}
