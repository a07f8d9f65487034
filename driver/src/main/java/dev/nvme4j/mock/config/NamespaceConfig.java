package dev.nvme4j.mock.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One namespace of a mock controller: capacity in logical blocks, LBA data size (512 or 4096)
 * and backing store. Immutable.
 *
 * @param capacityBlocks number of logical blocks (NSZE = NCAP = NUSE), at least 1
 * @param lbaSize        logical block size in bytes: 512 or 4096
 * @param store          the backing store kind
 * @param file           the backing file when {@code store} is {@link StoreKind#FILE}, else null
 */
public record NamespaceConfig(long capacityBlocks, int lbaSize, StoreKind store, Path file) {
    /** Validates the fields. */
    public NamespaceConfig {
        Objects.requireNonNull(store, "store");
        if (capacityBlocks < 1) {
            throw new IllegalArgumentException("capacityBlocks must be >= 1: " + capacityBlocks);
        }
        if (lbaSize != 512 && lbaSize != 4096) {
            throw new IllegalArgumentException("lbaSize must be 512 or 4096: " + lbaSize);
        }
        if ((store == StoreKind.FILE) != (file != null)) {
            throw new IllegalArgumentException("a file is required exactly for StoreKind.FILE");
        }
    }

    /** A sparse RAM-backed namespace. */
    public static NamespaceConfig ram(long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.RAM, null);
    }

    /** A namespace that reads zeros and discards writes. */
    public static NamespaceConfig nullStore(long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.NULL, null);
    }

    /** A file-backed namespace. */
    public static NamespaceConfig file(Path file, long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.FILE, Objects.requireNonNull(file, "file"));
    }
}
