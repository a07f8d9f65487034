package dev.nvme4j.mock.config;

/** What backs a mock namespace's logical blocks. */
public enum StoreKind {
    /** Sparse memory, allocated per 64 KiB chunk on first write; unwritten blocks read as zeros. */
    RAM,
    /** A file (created if missing); blocks beyond its end read as zeros. */
    FILE,
    /** Reads return zeros, writes are discarded: the fastest store, for throughput tests. */
    NULL
}
