package dev.nvme4j.dma;

/**
 * Allocates memory a device can reach by IOVA: hugepage-backed, pinned and IOMMU-mapped for
 * VFIO; plain memory registered in the mock controller's IOVA table for the mock.
 *
 * <p>Thread-safe. Not for the I/O path: the driver allocates queues, PRP pages and buffers up
 * front.
 */
public interface DmaAllocator extends AutoCloseable {
    /**
     * Allocates at least {@code bytes}, rounded up to {@link #pageSize()}, zero-filled, page
     * aligned in host and IOVA space.
     *
     * @throws DmaException when memory or IOVA space runs out, with what to do about it
     */
    DmaRegion allocate(long bytes);

    /** Unmaps and frees a region of this allocator; idempotent. */
    void free(DmaRegion region);

    /** The page size regions are aligned to (4096, or 2 MiB for hugepages). */
    long pageSize();

    /** Frees every region still allocated. */
    @Override
    void close();
}
