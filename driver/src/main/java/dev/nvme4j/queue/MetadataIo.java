package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Protection;
import dev.nvme4j.spec.IoFields;
import dev.nvme4j.spec.PiTuple;
import dev.nvme4j.spec.Crc16T10Dif;
import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Metadata and end-to-end protection information of reads and writes (NVM Command Set
 * Specification 1.0, sections 5.2 and 5.3): buffer checks at submit, the layout of a request
 * (extended LBAs, FLBAS bit 4, or a separate contiguous buffer at MPTR), the command fields
 * (MPTR, PRINFO in CDW12, EILBRT in CDW14, LBAT/LBATM in CDW15) and the PI the driver itself
 * generates before a write and checks after a read.
 *
 * <p>The PI tuple (8 bytes, big-endian) is the guard (CRC-16 T10-DIF of the block's data, followed,
 * when the PI is in the last 8 bytes of a larger metadata, by the metadata bytes before it), the
 * application tag and the reference tag. It is the first or last 8 bytes of the metadata (DPS bit
 * 3). Stateless and allocation-free except when a check fails at submit.
 */
final class MetadataIo {
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private MetadataIo() {
    }

    /** Bytes per block in the data buffer: the data, plus the metadata in an extended LBA that moves it. */
    static int dataStride(Namespace ns, Protection pi) {
        return ns.dataBytesPerBlock(pi);
    }

    /** Blocks per device command for a data stride: as many as MDTS allows, at most NLB's 65536, at least 1. */
    static int chunkBlocks(long maxTransfer, int stride) {
        return (int) Math.min(IoArgs.MAX_BLOCKS_PER_COMMAND, Math.max(1, maxTransfer / stride));
    }

    /** Bytes per block in the separate metadata buffer (0 when none moves). */
    static int metadataStride(Namespace ns, Protection pi) {
        return ns.metadataBytesPerBlock(pi);
    }

    /** Refuses buffers that do not fit the namespace's format and the requested protection. */
    static void checkBuffers(String command, Namespace ns, int blocks, DmaBuffer data, DmaBuffer metadata,
                             Protection pi, QueueHost host) {
        if (pi != null && !ns.hasProtection()) {
            throw new IllegalArgumentException(command + ": namespace " + ns.nsid() + " is formatted with "
                    + ns.describeFormat() + ", which has no protection information; pass no Protection");
        }
        if (ns.metadataSize() == 0 && metadata != null) {
            throw new IllegalArgumentException(command + ": namespace " + ns.nsid() + " has no metadata ("
                    + ns.describeFormat() + "); pass no metadata buffer");
        }
        if (ns.hasProtection() && (ns.protectionType() > 3 || ns.metadataSize() < PiTuple.SIZE)) {
            throw new IllegalArgumentException(command + ": namespace " + ns.nsid() + " reports an unusable format ("
                    + ns.describeFormat() + ")");
        }
        IoArgs.checkDataBuffer(command, data, (long) blocks * dataStride(ns, pi));
        int mstride = metadataStride(ns, pi);
        if (mstride == 0) {
            if (metadata != null && ns.extendedLba()) {
                throw new IllegalArgumentException(command + ": namespace " + ns.nsid() + " uses " + ns.describeFormat()
                        + ": the metadata travels inside the data buffer (" + dataStride(ns, pi)
                        + " bytes per block); pass no separate metadata buffer");
            }
            return;
        }
        if (metadata == null) {
            throw new IllegalArgumentException(command + ": namespace " + ns.nsid() + " uses " + ns.describeFormat()
                    + " and needs a metadata buffer of " + (long) blocks * mstride + " bytes");
        }
        if (metadata.byteSize() < (long) blocks * mstride) {
            throw new IllegalArgumentException(command + ": metadata buffer of " + metadata.byteSize()
                    + " bytes is too small for " + blocks + " blocks of " + mstride + " bytes of metadata");
        }
        if ((metadata.iova() & 3) != 0) {
            throw new IllegalArgumentException(command + ": metadata buffer at device address 0x"
                    + Long.toHexString(metadata.iova()) + " is not dword aligned (MPTR, NVMe Base 4.1)");
        }
        host.checkBuffer(metadata);
    }

    /**
     * Lays out a read or write over the request: strides, MDTS chunking (an extended LBA counts its
     * metadata toward MDTS), the PI fields of every command, and (host PI) the generation of the
     * PI of a write. {@code stride} is {@link #dataStride}, {@code chunkBlocks} the blocks per
     * command for it ({@link #chunkBlocks}).
     */
    static void prepare(Request r, boolean write, Namespace ns, long lba, int blocks, DmaBuffer data,
                        DmaBuffer metadata, Protection pi, int stride, int chunkBlocks) {
        r.lbaSize = stride;
        r.chunkBlocks = chunkBlocks;
        r.nextLba = lba;
        r.nextIova = data.iova();
        r.blocksLeft = blocks;
        r.metaStride = metadataStride(ns, pi);
        r.nextMetaIova = r.metaStride == 0 ? 0 : metadata.iova();
        r.errorLba = -1;
        r.hostCheck = null;
        if (pi == null) {
            r.prinfo = 0;
            r.cdw15 = 0;
            return;
        }
        int checks = ns.protectionType() == 3 ? pi.checks() & ~Protection.REF_TAG : pi.checks();
        boolean host = pi.mode() == Protection.Mode.HOST;
        r.prinfo = (pi.mode() == Protection.Mode.CONTROLLER ? PiTuple.PRACT : 0)
                | (host && !write ? 0 : checks << PiTuple.PRCHK_SHIFT);
        r.cdw15 = IoFields.appTagCdw15(pi.appTag(), pi.appTagMask());
        if (host && write) {
            generate(ns, lba, blocks, data, metadata, pi.appTag());
        } else if (host && checks != 0) {
            r.hostCheck = pi;
            r.ns = ns;
            r.firstLba = lba;
            r.blocks = blocks;
            r.data = data;
            r.metadata = metadata;
        }
    }

    /** MPTR, PRINFO, EILBRT and LBAT/LBATM of one command of the request (the part at {@code r.nextLba}). */
    static void putFields(MemorySegment sq, long base, Request r, int chunk) {
        if (r.metaStride != 0) {
            Sqe.putLong(sq, base, Sqe.OFF_MPTR, nextMptr(r, chunk));
        }
        if (r.prinfo != 0) {
            Sqe.putInt(sq, base, Sqe.OFF_CDW12, cdw12(r, chunk));
            Sqe.putLong(sq, base, Sqe.OFF_CDW14, cdw14And15(r));
        }
    }

    /** MPTR of the part at {@code r.nextLba} (0 when no separate metadata moves); moves on to the next part's. */
    static long nextMptr(Request r, int chunk) {
        if (r.metaStride == 0) {
            return 0;
        }
        long mptr = r.nextMetaIova;
        r.nextMetaIova += (long) chunk * r.metaStride;
        return mptr;
    }

    /** CDW12 of a part: NLB and PRINFO. */
    static int cdw12(Request r, int chunk) {
        return IoFields.nlbCdw12(chunk) | r.prinfo;
    }

    /**
     * CDW14 and CDW15 of a part as one quadword: EILBRT, the reference tag of the part's first
     * block (types 1 and 2 increment it per block), and LBAT/LBATM; 0 without PI.
     */
    static long cdw14And15(Request r) {
        return r.prinfo == 0 ? 0 : Le.quad((int) r.nextLba, r.cdw15);
    }

    /** Writes the PI of {@code blocks} blocks from {@code lba} into their metadata (host-generated PI). */
    static void generate(Namespace ns, long lba, int blocks, DmaBuffer data, DmaBuffer metadata, int appTag) {
        // The region's segment and the buffer's offset in it: DmaBuffer.segment() would allocate a slice.
        MemorySegment d = RegionBuffer.regionOf(data).segment();
        long dBase = data.offsetInRegion();
        MemorySegment m = ns.extendedLba() ? d : RegionBuffer.regionOf(metadata).segment();
        long mBase = ns.extendedLba() ? dBase : metadata.offsetInRegion();
        int ls = ns.lbaSize();
        int ms = ns.metadataSize();
        int piOff = ns.protectionFirst() ? 0 : ms - PiTuple.SIZE;
        for (int i = 0; i < blocks; i++) {
            long dataOff = dBase + (ns.extendedLba() ? (long) i * (ls + ms) : (long) i * ls);
            long metaOff = ns.extendedLba() ? dataOff + ls : mBase + (long) i * ms;
            int guard = guard(d, dataOff, ls, m, metaOff, piOff);
            m.set(BE_SHORT, metaOff + piOff, (short) guard);
            m.set(BE_SHORT, metaOff + piOff + PiTuple.APP_TAG, (short) appTag);
            m.set(BE_INT, metaOff + piOff + PiTuple.REF_TAG, (int) (lba + i));
        }
    }

    private static int guard(MemorySegment d, long dataOff, int ls, MemorySegment m, long metaOff, int piOff) {
        int crc = Crc16T10Dif.update(0, d, dataOff, ls);
        return piOff == 0 ? crc : Crc16T10Dif.update(crc, m, metaOff, piOff);
    }

    /**
     * Checks the PI of a completed host-checked read; returns 0 or the end-to-end status of the first
     * failing block (guard, then application tag, then reference tag), whose LBA goes to
     * {@code r.errorLba}. Blocks whose application tag is 0xFFFF (and, for type 3, reference tag
     * 0xFFFFFFFF) are not checked (NVM Command Set 5.2.1.3): unwritten or deallocated blocks.
     */
    static int check(Request r) {
        Namespace ns = r.ns;
        Protection pi = r.hostCheck;
        MemorySegment d = RegionBuffer.regionOf(r.data).segment();
        long dBase = r.data.offsetInRegion();
        MemorySegment m = ns.extendedLba() ? d : RegionBuffer.regionOf(r.metadata).segment();
        long mBase = ns.extendedLba() ? dBase : r.metadata.offsetInRegion();
        int ls = ns.lbaSize();
        int ms = ns.metadataSize();
        int piOff = ns.protectionFirst() ? 0 : ms - PiTuple.SIZE;
        int checks = ns.protectionType() == 3 ? pi.checks() & ~Protection.REF_TAG : pi.checks();
        for (int i = 0; i < r.blocks; i++) {
            long dataOff = dBase + (ns.extendedLba() ? (long) i * (ls + ms) : (long) i * ls);
            long metaOff = (ns.extendedLba() ? dataOff + ls : mBase + (long) i * ms) + piOff;
            int app = m.get(BE_SHORT, metaOff + PiTuple.APP_TAG) & 0xFFFF;
            int ref = m.get(BE_INT, metaOff + PiTuple.REF_TAG);
            if (PiTuple.checkingDisabled(ns.protectionType(), app, ref)) {
                continue;
            }
            int status = 0;
            if ((checks & Protection.GUARD) != 0
                    && (m.get(BE_SHORT, metaOff) & 0xFFFF) != guard(d, dataOff, ls, m, metaOff - piOff, piOff)) {
                status = NvmeStatus.GUARD_CHECK_ERROR.code(true);
            } else if ((checks & Protection.APP_TAG) != 0 && ((app ^ pi.appTag()) & pi.appTagMask()) != 0) {
                status = NvmeStatus.APPLICATION_TAG_CHECK_ERROR.code(true);
            } else if ((checks & Protection.REF_TAG) != 0 && ref != (int) (r.firstLba + i)) {
                status = NvmeStatus.REFERENCE_TAG_CHECK_ERROR.code(true);
            }
            if (status != 0) {
                r.errorLba = r.firstLba + i;
                return status;
            }
        }
        return 0;
    }
}
