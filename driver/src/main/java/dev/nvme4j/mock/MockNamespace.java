package dev.nvme4j.mock;

import dev.nvme4j.mock.config.NamespaceConfig;

/** An active namespace: its size, LBA format and store. */
final class MockNamespace {
    final int nsid;
    /** NSZE = NCAP = NUSE; changed by a resize, under the device lock. */
    long blocks;
    final int lbaShift;
    final BlockStore store;
    /** Metadata bytes per block (LBAF.MS); 0 for none. */
    final int metadataSize;
    /** FLBAS bit 4: metadata interleaved with the data. */
    final boolean extendedLba;
    /** DPS: protection type (0 none) and place of the PI in the metadata. */
    final int piType;
    final boolean piFirst;

    MockNamespace(int nsid, NamespaceConfig cfg) {
        this.nsid = nsid;
        this.blocks = cfg.capacityBlocks();
        this.lbaShift = Integer.numberOfTrailingZeros(cfg.lbaSize());
        long bytes = cfg.capacityBlocks() << lbaShift;
        this.metadataSize = cfg.metadataSize();
        this.extendedLba = cfg.extendedLba();
        this.piType = cfg.protectionType();
        this.piFirst = cfg.protectionFirst();
        this.store = switch (cfg.store()) {
            case RAM -> new RamStore(bytes);
            case NULL -> new NullStore();
            case FILE -> new FileStore(cfg.file());
        };
    }

    /** Changes the size to {@code newBlocks} (data up to the smaller size is kept). */
    void resize(long newBlocks) {
        store.resize(blocks << lbaShift, newBlocks << lbaShift);
        blocks = newBlocks;
    }

    /** True when {@code nlb} blocks from {@code slba} lie inside the namespace (Base "LBA Out of Range"). */
    boolean inRange(long slba, long nlb) {
        return slba >= 0 && nlb >= 0 && slba <= blocks && nlb <= blocks - slba;
    }
}
