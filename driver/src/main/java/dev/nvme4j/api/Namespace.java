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
 * @param lbaFormat       index of the LBA format in use (FLBAS)
 * @param extendedLba     FLBAS bit 4: the metadata is transferred at the end of each block's
 *                        data (an extended LBA) rather than in a separate buffer
 * @param protectionType  DPS bits 2:0: end-to-end protection information type 1, 2 or 3; 0 none
 * @param protectionFirst DPS bit 3: the protection information is the first 8 bytes of the
 *                        metadata (otherwise the last 8)
 */
public record Namespace(int nsid, int lbaSize, int metadataSize, long sizeBlocks, long capacityBlocks,
                        long utilizationBlocks, boolean thinProvisioned, boolean deallocatedReadsZero,
                        int lbaFormat, boolean extendedLba, int protectionType, boolean protectionFirst) {
    /** A namespace of LBA format 0 without metadata. */
    public Namespace(int nsid, int lbaSize, int metadataSize, long sizeBlocks, long capacityBlocks,
                     long utilizationBlocks, boolean thinProvisioned, boolean deallocatedReadsZero) {
        this(nsid, lbaSize, metadataSize, sizeBlocks, capacityBlocks, utilizationBlocks, thinProvisioned,
                deallocatedReadsZero, 0, false, 0, false);
    }

    /** Size in bytes. */
    public long sizeBytes() {
        return sizeBlocks * lbaSize;
    }

    /** True when the format carries end-to-end protection information (DPS type 1, 2 or 3). */
    public boolean hasProtection() {
        return protectionType != 0;
    }

    /**
     * Bytes per block in the data buffer of a read or write with {@code protection} (null: none):
     * the block size, plus the metadata for an extended-LBA format, except with controller-inserted
     * PI ({@link Protection.Mode#CONTROLLER}) and 8 bytes of metadata, where no metadata moves.
     */
    public int dataBytesPerBlock(Protection protection) {
        return extendedLba && !metadataStripped(protection) ? lbaSize + metadataSize : lbaSize;
    }

    /** Bytes per block in the separate metadata buffer of a read or write with {@code protection} (0: none). */
    public int metadataBytesPerBlock(Protection protection) {
        return metadataSize == 0 || extendedLba || metadataStripped(protection) ? 0 : metadataSize;
    }

    private boolean metadataStripped(Protection protection) {
        return protection != null && protection.mode() == Protection.Mode.CONTROLLER && metadataSize == 8
                && protectionType != 0;
    }

    /** The format as nvme-cli shows it, e.g. "LBA format 1: 512 + 8 bytes metadata (extended LBA), PI type 1 first". */
    public String describeFormat() {
        StringBuilder b = new StringBuilder("LBA format ").append(lbaFormat).append(": ").append(lbaSize);
        if (metadataSize == 0) {
            return b.append(" bytes, no metadata").toString();
        }
        b.append(" + ").append(metadataSize).append(" bytes metadata (")
                .append(extendedLba ? "extended LBA" : "separate buffer").append(')');
        if (protectionType != 0) {
            b.append(", PI type ").append(protectionType).append(protectionFirst ? " first" : " last");
        }
        return b.toString();
    }
}
