package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;

/**
 * The bytes behind a namespace. Offsets are byte offsets into the namespace; callers check
 * ranges. Used by the device under its lock, and by the I/O lanes of stores that are
 * {@link #laneSafe()} (see MockNvmeController): those hold {@link #lockRange} around each
 * command's access, which makes every command's range atomic against the other lanes.
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

    /** True when lanes may use this store at once (each command's access within {@link #lockRange}). */
    default boolean laneSafe() {
        return false;
    }

    /** Makes {@code [off, off + len)} the caller's until {@link #unlockRange}; a no-op unless lane-safe. */
    default void lockRange(long off, long len) {
    }

    /** Ends {@link #lockRange} of the same range. */
    default void unlockRange(long off, long len) {
    }

    /**
     * A lane-safe store that lets a read of {@code [off, off + len)} go without
     * {@link #lockRange}: a stamp (at least 0) to check with {@link #validateRead} after reading;
     * -1 (the default) when the read must take the lock.
     */
    default long readStamp(long off, long len) {
        return -1;
    }

    /** After reading with {@code stamp} from {@link #readStamp}: true when what was read is whole, false to read again locked. */
    default boolean validateRead(long off, long stamp) {
        return false;
    }

    /** Makes written data durable (Flush). */
    void flush();

    @Override
    void close();
}
