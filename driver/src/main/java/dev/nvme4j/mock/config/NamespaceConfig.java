package dev.nvme4j.mock.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One namespace of a mock controller: capacity in logical blocks, LBA data size (512 or 4096),
 * backing store, and the metadata and end-to-end protection of its LBA format. Immutable.
 *
 * @param capacityBlocks  number of logical blocks (NSZE = NCAP = NUSE), at least 1
 * @param lbaSize         logical block size in bytes: 512 or 4096
 * @param store           the backing store kind
 * @param file            the backing file when {@code store} is {@link StoreKind#FILE}, else null
 * @param metadataSize    metadata bytes per block (LBAF.MS), 0 for none; kept in RAM
 * @param extendedLba     FLBAS bit 4: metadata moves at the end of each block's data; otherwise
 *                        through the separate buffer at MPTR
 * @param protectionType  DPS type: 0 none, 1, 2 or 3 (needs at least 8 bytes of metadata)
 * @param protectionFirst DPS bit 3: PI in the first 8 bytes of the metadata, else the last 8
 */
public record NamespaceConfig(long capacityBlocks, int lbaSize, StoreKind store, Path file, int metadataSize,
                              boolean extendedLba, int protectionType, boolean protectionFirst) {
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
        if (metadataSize < 0 || metadataSize > 0xFFFF || (metadataSize & 7) != 0) {
            throw new IllegalArgumentException("metadataSize must be a multiple of 8 in 0..65528: " + metadataSize);
        }
        if (protectionType < 0 || protectionType > 3) {
            throw new IllegalArgumentException("protectionType must be 0 (none), 1, 2 or 3: " + protectionType);
        }
        if (protectionType != 0 && metadataSize < 8) {
            throw new IllegalArgumentException("protection information needs at least 8 bytes of metadata");
        }
    }

    /** A namespace without metadata. */
    public NamespaceConfig(long capacityBlocks, int lbaSize, StoreKind store, Path file) {
        this(capacityBlocks, lbaSize, store, file, 0, false, 0, false);
    }

    /** A sparse RAM-backed namespace. */
    public static NamespaceConfig ram(long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.RAM, null);
    }

    /** A namespace that reads zeros and discards writes. */
    public static NamespaceConfig nullStore(long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.NULL, null);
    }

    /** A namespace that moves no data ({@link StoreKind#NONE}). */
    public static NamespaceConfig noData(long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.NONE, null);
    }

    /** A file-backed namespace. */
    public static NamespaceConfig file(Path file, long capacityBlocks, int lbaSize) {
        return new NamespaceConfig(capacityBlocks, lbaSize, StoreKind.FILE, Objects.requireNonNull(file, "file"));
    }

    /** This namespace with {@code bytes} of metadata per block, interleaved (extended LBA) or separate. */
    public NamespaceConfig withMetadata(int bytes, boolean extended) {
        return new NamespaceConfig(capacityBlocks, lbaSize, store, file, bytes, extended, protectionType,
                protectionFirst);
    }

    /** This namespace with protection information of {@code type} in the first or last 8 metadata bytes. */
    public NamespaceConfig withProtection(int type, boolean first) {
        return new NamespaceConfig(capacityBlocks, lbaSize, store, file, metadataSize, extendedLba, type, first);
    }
}
