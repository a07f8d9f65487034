package dev.nvme4j.dma;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Zeroed, page-aligned off-heap memory in an arena of its own (closed when the memory is freed),
 * for the allocators whose "DMA" memory is plain memory: the mock's and NVMe/TCP's.
 *
 * @param arena owns {@code segment}; closing it frees the memory
 * @param segment {@code bytes} rounded up to whole pages
 */
public record OffHeapPages(Arena arena, MemorySegment segment) {
    /** The page size these allocations are aligned and rounded to. */
    public static final long PAGE = 4096;

    /**
     * Allocates {@code bytes} rounded up to whole pages; {@code what} names the memory in the
     * error ("mock DMA memory"), which also says what to do when the JVM is out of off-heap memory.
     */
    public static OffHeapPages allocate(long bytes, String what) {
        long size = (bytes + PAGE - 1) & -PAGE;
        Arena arena = Arena.ofShared();
        try {
            return new OffHeapPages(arena, arena.allocate(size, PAGE));
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new DmaException("cannot allocate " + size + " bytes of " + what + ": reduce queue or buffer sizes", e);
        }
    }
}
