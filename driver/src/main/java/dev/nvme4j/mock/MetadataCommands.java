package dev.nvme4j.mock;

import dev.nvme4j.spec.IoFields;
import dev.nvme4j.spec.PiTuple;
import dev.nvme4j.spec.Le;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.Crc16T10Dif;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Read and Write on a namespace whose format has metadata (NVM Command Set 1.0, sections 5.2 and
 * 5.3): the metadata moves interleaved with the data (extended LBA) or through the contiguous
 * buffer at MPTR; with protection information, PiTuple.PRACT makes the controller insert the PI on
 * writes (and, with 8-byte metadata, strip it on reads: no metadata moves), and the PRCHK bits
 * make it check guard (CRC-16 T10-DIF), application tag (under LBATM) and reference tag (EILBRT,
 * incremented per block for types 1 and 2) before storing or returning anything. A block whose
 * application tag is FFFFh (type 3: and reference tag FFFFFFFFh) is not checked.
 *
 * <p>Data and metadata pass through bounce buffers that grow once and are reused.
 */
final class MetadataCommands {
    private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final MockNvmeController c;
    private final Engine e;
    private final IovaTable.Cursor cursor = new IovaTable.Cursor();
    private MemorySegment data = MemorySegment.NULL;
    private MemorySegment meta = MemorySegment.NULL;
    private MemorySegment wire = MemorySegment.NULL;
    /** The mapping holding the command's separate metadata buffer (null when none moves), and its offset. */
    private MemorySegment host;
    private long hostOffset;

    MetadataCommands(MockNvmeController c, Engine e) {
        this.c = c;
        this.e = e;
    }

    private static MemorySegment grow(MemorySegment s, long bytes) {
        return s.byteSize() >= bytes ? s : Arena.ofAuto().allocate(Math.max(bytes, 2 * s.byteSize()), 8);
    }

    /** True when no metadata moves: PiTuple.PRACT with 8 bytes of metadata, all of it PI. */
    private boolean stripped(MockNamespace ns) {
        return ns.piType != 0 && (e.cdw12 & PiTuple.PRACT) != 0 && ns.metadataSize == PiTuple.SIZE;
    }

    /**
     * Checks range, PRINFO and MDTS and maps the data pointer and (separate metadata) MPTR into
     * {@link #host}; returns 0 or a status.
     */
    private int prepare(MockNamespace ns, long slba, long nlb) {
        if (!ns.inRange(slba, nlb)) {
            return NvmeStatus.LBA_OUT_OF_RANGE.code(true);
        }
        if (ns.piType == 1 && (e.cdw12 & PiTuple.PRCHK_REF) != 0 && (int) slba != e.cdw14) {
            return NvmeStatus.INVALID_PROTECTION_INFORMATION.code(true); // 5.2.1.1: EILBRT of type 1 is the SLBA
        }
        long wireBytes = nlb * ((1L << ns.lbaShift) + (ns.extendedLba && !stripped(ns) ? ns.metadataSize : 0));
        if (wireBytes > e.admin.maxTransfer()) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        data = grow(data, nlb << ns.lbaShift);
        meta = grow(meta, nlb * ns.metadataSize);
        wire = grow(wire, wireBytes);
        int st = e.prp.map(e.prp1, e.prp2, wireBytes, c.regs.pageSize);
        host = null;
        if (st == 0 && separate(ns)) {
            host = metadataPointer(nlb * ns.metadataSize);
            if (host == null) {
                return NvmeStatus.DATA_TRANSFER_ERROR.code(false);
            }
        }
        return st;
    }

    /**
     * The mapping holding the separate metadata buffer at MPTR (at {@link #hostOffset}), or null
     * (and an IOMMU fault) when it is not mapped.
     */
    private MemorySegment metadataPointer(long bytes) {
        long mptr = e.mptr;
        MemorySegment s = c.iommu.find(mptr, bytes, cursor);
        if (s == null) {
            c.iommuFault(mptr, bytes, e.counters);
            return null;
        }
        hostOffset = cursor.offsetOf(mptr);
        return s;
    }

    private boolean separate(MockNamespace ns) {
        return !ns.extendedLba && !stripped(ns);
    }

    int read(MockNamespace ns, long slba, long nlb) {
        int st = prepare(ns, slba, nlb);
        if (st != 0) {
            return st;
        }
        int ls = 1 << ns.lbaShift;
        int ms = ns.metadataSize;
        ns.store.read(slba << ns.lbaShift, data, 0, nlb << ns.lbaShift);
        ns.readMetadata(slba, nlb, meta);
        c.faults.corruptMedia(ns, slba, nlb, data, meta);
        if (ns.piType != 0 && (e.cdw12 & (PiTuple.PRCHK_GUARD | PiTuple.PRCHK_APP | PiTuple.PRCHK_REF)) != 0) {
            st = check(ns, nlb);
            if (st != 0) {
                return st;
            }
        }
        if (ns.extendedLba) {
            int stride = stripped(ns) ? ls : ls + ms;
            for (long i = 0; i < nlb; i++) {
                MemorySegment.copy(data, i * ls, wire, i * stride, ls);
                if (!stripped(ns)) {
                    MemorySegment.copy(meta, i * ms, wire, i * stride + ls, ms);
                }
            }
            e.prp.copyToHost(wire, 0, nlb * stride);
        } else {
            e.prp.copyToHost(data, 0, nlb << ns.lbaShift);
            if (host != null) {
                MemorySegment.copy(meta, 0, host, hostOffset, nlb * ms);
            }
        }
        return 0;
    }

    int write(MockNamespace ns, long slba, long nlb) {
        int st = prepare(ns, slba, nlb);
        if (st != 0) {
            return st;
        }
        int ls = 1 << ns.lbaShift;
        int ms = ns.metadataSize;
        if (ns.extendedLba) {
            int stride = stripped(ns) ? ls : ls + ms;
            e.prp.copyFromHost(wire, 0);
            for (long i = 0; i < nlb; i++) {
                MemorySegment.copy(wire, i * stride, data, i * ls, ls);
                if (!stripped(ns)) {
                    MemorySegment.copy(wire, i * stride + ls, meta, i * ms, ms);
                }
            }
        } else {
            e.prp.copyFromHost(data, 0);
            if (host != null) {
                MemorySegment.copy(host, hostOffset, meta, 0, nlb * ms);
            }
        }
        if (ns.piType != 0 && (e.cdw12 & PiTuple.PRACT) != 0) {
            insert(ns, nlb);
        } else if (ns.piType != 0 && (e.cdw12 & (PiTuple.PRCHK_GUARD | PiTuple.PRCHK_APP | PiTuple.PRCHK_REF)) != 0) {
            st = check(ns, nlb);
            if (st != 0) {
                return st;
            }
        }
        ns.store.write(slba << ns.lbaShift, data, 0, nlb << ns.lbaShift);
        ns.writeMetadata(slba, nlb, meta);
        return 0;
    }

    private int piOffset(MockNamespace ns) {
        return ns.piFirst ? 0 : ns.metadataSize - 8;
    }

    private int guard(MockNamespace ns, long i) {
        int ls = 1 << ns.lbaShift;
        int crc = Crc16T10Dif.update(0, data, i * ls, ls);
        int before = piOffset(ns);
        return before == 0 ? crc : Crc16T10Dif.update(crc, meta, i * ns.metadataSize, before);
    }

    /** PiTuple.PRACT on a write: the controller computes and inserts the PI of every block. */
    private void insert(MockNamespace ns, long nlb) {
        int ref = e.cdw14;
        for (long i = 0; i < nlb; i++) {
            long pi = i * ns.metadataSize + piOffset(ns);
            meta.set(BE_SHORT, pi, (short) guard(ns, i));
            meta.set(BE_SHORT, pi + PiTuple.APP_TAG, (short) e.cdw15);
            meta.set(BE_INT, pi + PiTuple.REF_TAG, ref);
            if (ns.piType != 3) {
                ref++;
            }
        }
    }

    /** The PRCHK checks of every block, in the spec's order: guard, application tag, reference tag. */
    private int check(MockNamespace ns, long nlb) {
        int ref = e.cdw14;
        int appTag = IoFields.appTag(e.cdw15);
        int appMask = IoFields.appTagMask(e.cdw15);
        for (long i = 0; i < nlb; i++, ref += ns.piType == 3 ? 0 : 1) {
            long pi = i * ns.metadataSize + piOffset(ns);
            int app = meta.get(BE_SHORT, pi + PiTuple.APP_TAG) & 0xFFFF;
            int storedRef = meta.get(BE_INT, pi + PiTuple.REF_TAG);
            if (PiTuple.checkingDisabled(ns.piType, app, storedRef)) {
                continue;
            }
            if ((e.cdw12 & PiTuple.PRCHK_GUARD) != 0 && (meta.get(BE_SHORT, pi) & 0xFFFF) != guard(ns, i)) {
                return NvmeStatus.GUARD_CHECK_ERROR.code(true);
            }
            if ((e.cdw12 & PiTuple.PRCHK_APP) != 0 && ((app ^ appTag) & appMask) != 0) {
                return NvmeStatus.APPLICATION_TAG_CHECK_ERROR.code(true);
            }
            if ((e.cdw12 & PiTuple.PRCHK_REF) != 0 && storedRef != ref) {
                return NvmeStatus.REFERENCE_TAG_CHECK_ERROR.code(true);
            }
        }
        return 0;
    }

    static long mptr(MemorySegment ring, long base) {
        return ring.get(Le.LONG, base + Sqe.OFF_MPTR);
    }
}
