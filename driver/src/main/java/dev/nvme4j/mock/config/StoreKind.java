package dev.nvme4j.mock.config;

/** What backs a mock namespace's logical blocks. */
public enum StoreKind {
    /** Sparse memory, allocated per 64 KiB chunk on first write; unwritten blocks read as zeros. */
    RAM,
    /** A file (created if missing); blocks beyond its end read as zeros. */
    FILE,
    /** Reads return zeros, writes are discarded: for throughput tests that still read zeros. */
    NULL,
    /**
     * Moves no data at all: reads leave the host's buffer as it is, writes are discarded (like
     * SPDK's null bdev, or QEMU's null-co without read-zeroes). Commands are still fetched,
     * checked and their PRPs or SGLs walked; only the copy is gone, so a benchmark on it measures
     * the driver, not a memory fill.
     */
    NONE
}
