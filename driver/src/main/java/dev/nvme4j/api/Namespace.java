package dev.nvme4j.api;

/**
 * An active namespace as reported by Identify Namespace (NVMe NVM Command Set Specification
 * 1.0, section 4.1.5.1): its id, the in-use LBA format, its size and capacity in logical
 * blocks. Immutable and thread-safe; pass it to the I/O methods of {@link IoQueuePair}.
 *
 * @param nsid            namespace identifier (1-based)
 * @param lbaSize         bytes per logical block (from LBAF[FLBAS].LBADS)
 * @param metadataSize    metadata bytes per block in the LBA format (0: none)
 * @param sizeBlocks      NSZE: total size in logical blocks
 * @param capacityBlocks  NCAP: blocks that may be allocated
 * @param utilizationBlocks NUSE: blocks currently allocated
 * @param thinProvisioned NSFEAT bit 0
 * @param deallocatedReadsZero DLFEAT: deallocated blocks read as zeroes
 */
public record Namespace(int nsid, int lbaSize, int metadataSize, long sizeBlocks, long capacityBlocks,
                        long utilizationBlocks, boolean thinProvisioned, boolean deallocatedReadsZero) {
    /** Size in bytes. */
    public long sizeBytes() {
        return sizeBlocks * lbaSize;
    }
}
