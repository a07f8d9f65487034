package dev.nvme4j.mock;

import dev.nvme4j.spec.PiTuple;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.mock.config.StoreKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An active namespace: its size, LBA format and store. */
final class MockNamespace {
    final int nsid;
    /** NSZE = NCAP = NUSE; changed by a resize, under the device lock. */
    long blocks;
    final int lbaShift;
    final BlockStore store;
    /** Metadata bytes per block (LBAF.MS); 0 for none. */
    private static final java.lang.foreign.ValueLayout.OfShort BE_SHORT =
            java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final java.lang.foreign.ValueLayout.OfInt BE_INT =
            java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    final int metadataSize;
    /** FLBAS bit 4: metadata interleaved with the data. */
    final boolean extendedLba;
    /** DPS: protection type (0 none) and place of the PI in the metadata. */
    final int piType;
    final boolean piFirst;
    /**
     * The metadata of every block, in RAM (null for the null store, whose metadata reads as
     * unwritten). Unwritten and deallocated blocks read as FFh with PI (their checks are off,
     * NVM Command Set 5.2.1.3), as zeros without.
     */
    private MemorySegment metadata;

    /** What the namespace was made from (its format and store). */
    final NamespaceConfig config;

    /** LBA formats the mock offers (LBADS, MS), in Identify Namespace order; see {@link #formats()}. */
    static final int[][] STANDARD_FORMATS = {{9, 0}, {9, 8}, {12, 0}, {12, 8}, {12, 64}};

    /** The LBA formats offered, fixed at creation (a Format NVM keeps the list). */
    private final int[][] formatList;

    MockNamespace(int nsid, NamespaceConfig cfg) {
        this(nsid, cfg, null, null);
    }

    /**
     * A namespace over {@code reuse} (a Format NVM keeps the store and erases it), or a new store
     * when null; {@code formats} is the LBA format list to keep, or null for the one of {@code cfg}.
     */
    MockNamespace(int nsid, NamespaceConfig cfg, BlockStore reuse, int[][] formats) {
        this.nsid = nsid;
        this.config = cfg;
        this.formatList = formats != null ? formats : formatsFor(cfg);
        this.blocks = cfg.capacityBlocks();
        this.lbaShift = Integer.numberOfTrailingZeros(cfg.lbaSize());
        long bytes = cfg.capacityBlocks() << lbaShift;
        this.metadataSize = cfg.metadataSize();
        this.extendedLba = cfg.extendedLba();
        this.piType = cfg.protectionType();
        this.piFirst = cfg.protectionFirst();
        this.metadata = metadataSize == 0 || cfg.store() == StoreKind.NULL || cfg.store() == StoreKind.NONE ? null
                : Arena.ofAuto().allocate(cfg.capacityBlocks() * metadataSize, 8);
        if (metadata != null) {
            metadata.fill(unwritten());
        }
        this.store = reuse != null ? reuse : switch (cfg.store()) {
            case RAM -> new RamStore(bytes);
            case NULL -> new NullStore(true);
            case NONE -> new NullStore(false);
            case FILE -> new FileStore(cfg.file());
        };
    }

    /**
     * The LBA formats of this namespace's Identify data: first the one it was configured with (in
     * use until a Format NVM), then the standard ones that differ from it. Each entry is {LBADS, MS}.
     */
    int[][] formats() {
        return formatList;
    }

    private static int[][] formatsFor(NamespaceConfig config) {
        int[] configured = {Integer.numberOfTrailingZeros(config.lbaSize()), config.metadataSize()};
        java.util.List<int[]> all = new java.util.ArrayList<>();
        all.add(configured);
        for (int[] f : STANDARD_FORMATS) {
            if (f[0] != configured[0] || f[1] != configured[1]) {
                all.add(f);
            }
        }
        return all.toArray(int[][]::new);
    }

    /** Index of the format in use in {@link #formats()}. */
    int formatIndex() {
        int[][] all = formats();
        for (int i = 0; i < all.length; i++) {
            if (all[i][0] == lbaShift && all[i][1] == metadataSize) {
                return i;
            }
        }
        throw new IllegalStateException("format in use not listed");
    }

    /** Changes the size to {@code newBlocks} (data and metadata up to the smaller size are kept). */
    void resize(long newBlocks) {
        store.resize(blocks << lbaShift, newBlocks << lbaShift);
        if (metadata != null) {
            MemorySegment next = Arena.ofAuto().allocate(newBlocks * metadataSize, 8);
            next.fill(unwritten());
            MemorySegment.copy(metadata, 0, next, 0, Math.min(blocks, newBlocks) * metadataSize);
            metadata = next;
        }
        blocks = newBlocks;
    }

    /** Bytes per block in the data transfer of a Read or Write with this CDW12 (extended LBAs carry the metadata). */
    long wireBlockBytes(int cdw12) {
        boolean stripped = piType != 0 && (cdw12 & PiTuple.PRACT) != 0 && metadataSize == PiTuple.SIZE;
        return (1L << lbaShift) + (extendedLba && !stripped ? metadataSize : 0);
    }

    private byte unwritten() {
        return piType != 0 ? (byte) 0xFF : 0;
    }

    void readMetadata(long slba, long nlb, MemorySegment dst) {
        if (metadata == null) {
            dst.asSlice(0, nlb * metadataSize).fill(unwritten());
        } else {
            MemorySegment.copy(metadata, slba * metadataSize, dst, 0, nlb * metadataSize);
        }
    }

    void writeMetadata(long slba, long nlb, MemorySegment src) {
        if (metadata != null) {
            MemorySegment.copy(src, 0, metadata, slba * metadataSize, nlb * metadataSize);
        }
    }

    /**
     * Write Zeroes (NVM Command Set, Write Zeroes): metadata other than PI is cleared to 0h; the
     * PI is all zeros without PRACT, and with PRACT generated as for a write of zeroes: guard
     * 0000h (the CRC of zero bytes), application tag {@code appTag}, reference tag
     * {@code refTag} incremented per block (types 1 and 2).
     */
    void writeZeroesMetadata(long slba, long nlb, boolean pract, int refTag, int appTag) {
        if (metadata == null) {
            return;
        }
        metadata.asSlice(slba * metadataSize, nlb * metadataSize).fill((byte) 0);
        if (piType == 0 || !pract) {
            return;
        }
        long piOffset = piFirst ? 0 : metadataSize - PiTuple.SIZE;
        int ref = refTag;
        for (long i = 0; i < nlb; i++) {
            long pi = (slba + i) * metadataSize + piOffset;
            metadata.set(BE_SHORT, pi + PiTuple.APP_TAG, (short) appTag);
            metadata.set(BE_INT, pi + PiTuple.REF_TAG, ref);
            if (piType != 3) {
                ref++;
            }
        }
    }

    /** Deallocation: the blocks' metadata reads as unwritten. */
    void zeroMetadata(long slba, long nlb) {
        if (metadata != null) {
            metadata.asSlice(slba * metadataSize, nlb * metadataSize).fill(unwritten());
        }
    }

    /** True when {@code nlb} blocks from {@code slba} lie inside the namespace (Base "LBA Out of Range"). */
    boolean inRange(long slba, long nlb) {
        return slba >= 0 && nlb >= 0 && slba <= blocks && nlb <= blocks - slba;
    }
}
