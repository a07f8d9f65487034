package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static dev.nvme4j.spec.IdentifyLayout.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.PiTuple;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds Identify data structures (Base 5.17, NVM Command Set 4.1.5) from the configuration. */
final class Identify {
    /** CRDT1..3 the mock reports, in 100 ms units: what an error status's CRD field 1..3 asks the host to wait. */
    static final int[] CRDT_100MS = {1, 3, 10};
    private static final ValueLayout.OfShort LE_SHORT = Le.SHORT;
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    /** DPC of a namespace whose metadata can hold PI: types 1 to 3, first or last in the metadata. */
    private static final int PI_CAPABILITIES = DPC_TYPE1 | DPC_TYPE2 | DPC_TYPE3 | DPC_PI_FIRST | DPC_PI_LAST;

    private final MockNvmeController c;

    Identify(MockNvmeController c) {
        this.c = c;
    }

    /** Fills {@code out} (4096 bytes) for CNS {@code cns}; returns 0 or a status field. */
    int build(int cns, int nsid, int cntid, int csi, MemorySegment out) {
        Zeros.fill(out, 0, SIZE);
        if ((cns == Opcodes.CNS_ACTIVE_NAMESPACE_LIST_CSI || cns == Opcodes.CNS_ALLOCATED_NAMESPACE_LIST_CSI)
                && csi != 0) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // only the NVM Command Set (CSI 0)
        }
        return switch (cns) {
            case Opcodes.CNS_CONTROLLER -> controller(out);
            case Opcodes.CNS_NAMESPACE -> namespace(nsid, out);
            case Opcodes.CNS_ACTIVE_NAMESPACE_LIST, Opcodes.CNS_ACTIVE_NAMESPACE_LIST_CSI -> activeList(nsid, out);
            case Opcodes.CNS_ALLOCATED_NAMESPACE_LIST, Opcodes.CNS_ALLOCATED_NAMESPACE_LIST_CSI -> {
                if (!validListStart(nsid)) {
                    yield NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true);
                }
                pool().allocatedList(nsid, out);
                yield 0;
            }
            case Opcodes.CNS_ALLOCATED_NAMESPACE -> {
                if (nsid == 0 || Integer.compareUnsigned(nsid, c.config.nn()) > 0) {
                    yield NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true);
                }
                MockNamespace ns = pool().allocated(nsid);
                if (ns != null) {
                    namespaceData(ns, out);
                }
                yield 0;
            }
            case Opcodes.CNS_NAMESPACE_GRANULARITY -> {
                pool().granularity(out);
                yield 0;
            }
            case Opcodes.CNS_NAMESPACE_CONTROLLER_LIST, Opcodes.CNS_CONTROLLER_LIST -> {
                pool().controllerList(cns == Opcodes.CNS_CONTROLLER_LIST ? 0 : nsid, cntid, out);
                yield 0;
            }
            default -> NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        };
    }

    private int controller(MemorySegment out) {
        MockConfig cfg = c.config;
        out.set(LE_SHORT, CTRL_VID, (short) cfg.vid());
        out.set(LE_SHORT, CTRL_SSVID, (short) cfg.vid());
        ascii(out, CTRL_SN, CTRL_SN_LEN, cfg.serialNumber());
        ascii(out, CTRL_MN, CTRL_MN_LEN, cfg.modelNumber());
        ascii(out, CTRL_FR, CTRL_FR_LEN, c.engine.admin.management.firmware.activeRevision());
        out.set(ValueLayout.JAVA_BYTE, CTRL_RAB, (byte) 0);
        out.set(ValueLayout.JAVA_BYTE, CTRL_MDTS, (byte) cfg.mdts());
        out.set(LE_SHORT, CTRL_CNTLID, (short) 1);
        out.set(LE_INT, CTRL_VER, c.regs.vs);
        out.set(ValueLayout.JAVA_BYTE, CTRL_CNTRLTYPE, (byte) CNTRLTYPE_IO);
        out.set(LE_INT, CTRL_CTRATT, CTRATT_NS_GRANULARITY);
        for (int i = 0; i < 3; i++) {
            out.set(LE_SHORT, CTRL_CRDT1 + 2L * i, (short) Identify.CRDT_100MS[i]);
        }
        out.set(LE_SHORT, CTRL_OACS, (short) (cfg.oacs() | (cfg.shadowDoorbells() ? OACS_DOORBELL_BUFFER_CONFIG : 0)));
        out.set(LE_LONG, CTRL_TNVMCAP, pool().totalBytes());
        out.set(LE_LONG, CTRL_UNVMCAP, pool().unallocatedBytes());
        out.set(LE_SHORT, CTRL_EDSTT, (short) 1);
        out.set(LE_INT, CTRL_SANICAP, Sanitizer.SANICAP);
        out.set(ValueLayout.JAVA_BYTE, CTRL_ACL, (byte) cfg.acl());
        out.set(ValueLayout.JAVA_BYTE, CTRL_AERL, (byte) cfg.aerl());
        out.set(ValueLayout.JAVA_BYTE, CTRL_FRMW, (byte) Firmware.FRMW);
        out.set(ValueLayout.JAVA_BYTE, CTRL_ELPE, (byte) (LogPages.ERROR_ENTRIES - 1));
        out.set(ValueLayout.JAVA_BYTE, CTRL_SQES, (byte) entrySizes(Sqe.SIZE_LOG2, Sqe.SIZE_LOG2));
        out.set(ValueLayout.JAVA_BYTE, CTRL_CQES, (byte) entrySizes(Cqe.SIZE_LOG2, Cqe.SIZE_LOG2));
        out.set(LE_INT, CTRL_NN, cfg.nn());
        out.set(LE_SHORT, CTRL_ONCS, (short) cfg.oncs());
        out.set(ValueLayout.JAVA_BYTE, CTRL_VWC, (byte) cfg.vwc());
        out.set(LE_INT, CTRL_SGLS, cfg.sgls());
        ascii(out, CTRL_SUBNQN, CTRL_SUBNQN_LEN, "nqn.2024-01.dev.nvme4j:mock:" + cfg.serialNumber());
        return 0;
    }

    private int namespace(int nsid, MemorySegment out) {
        if (nsid == 0xFFFF_FFFF) {
            commonFormats(out);
            return 0;
        }
        if (nsid == 0 || Integer.compareUnsigned(nsid, c.config.nn()) > 0) {
            return NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true);
        }
        MockNamespace ns = c.namespaces.get(nsid);
        if (ns == null) {
            return 0; // valid but inactive NSID: a zero-filled structure (Base 5.17.2.1)
        }
        namespaceData(ns, out);
        return 0;
    }

    /**
     * Identify Namespace of NSID FFFFFFFFh (Base 5.17.2.1): the capabilities common to all
     * namespaces, here the LBA formats a Namespace Management create picks from by FLBAS.
     */
    private static void commonFormats(MemorySegment out) {
        int[][] formats = MockNamespace.STANDARD_FORMATS;
        out.set(ValueLayout.JAVA_BYTE, NS_NLBAF, (byte) (formats.length - 1));
        for (int i = 0; i < formats.length; i++) {
            out.set(LE_INT, NS_LBAF0 + (long) NS_LBAF_SIZE * i, lbaf(formats[i][0], formats[i][1]));
        }
    }

    private NamespacePool pool() {
        return c.engine.admin.management.pool;
    }

    private static void namespaceData(MockNamespace ns, MemorySegment out) {
        out.set(LE_LONG, NS_NSZE, ns.blocks);
        out.set(LE_LONG, NS_NCAP, ns.blocks);
        out.set(LE_LONG, NS_NUSE, ns.blocks);
        int[][] formats = ns.formats();
        out.set(ValueLayout.JAVA_BYTE, NS_NLBAF, (byte) (formats.length - 1));
        out.set(ValueLayout.JAVA_BYTE, NS_FLBAS, (byte) flbas(ns.formatIndex(), ns.extendedLba));
        out.set(ValueLayout.JAVA_BYTE, NS_MC, (byte) (ns.metadataSize == 0 ? 0 : MC_EXTENDED_LBA | MC_SEPARATE_BUFFER));
        out.set(ValueLayout.JAVA_BYTE, NS_DPC, (byte) (ns.metadataSize < PiTuple.SIZE ? 0 : PI_CAPABILITIES));
        out.set(ValueLayout.JAVA_BYTE, NS_DPS, (byte) (ns.piType | (ns.piFirst ? DPS_PI_FIRST : 0)));
        out.set(ValueLayout.JAVA_BYTE, NS_DLFEAT, (byte) (DLFEAT_READS_ZEROES | DLFEAT_WRITE_ZEROES_DEALLOCATES));
        for (int i = 0; i < formats.length; i++) {
            out.set(LE_INT, NS_LBAF0 + (long) NS_LBAF_SIZE * i, lbaf(formats[i][0], formats[i][1]));
        }
    }

    private int activeList(int nsid, MemorySegment out) {
        if (!validListStart(nsid)) {
            return NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true);
        }
        int n = 0;
        for (MockNamespace ns : c.namespaces.active()) {
            if (Integer.compareUnsigned(ns.nsid, nsid) > 0 && n < NSLIST_MAX) {
                out.set(LE_INT, 4L * n++, ns.nsid);
            }
        }
        return 0;
    }

    /** The NSID a namespace list (CNS 02h, 10h) starts after: FFFFFFFEh and FFFFFFFFh are invalid (Base 5.17.2). */
    private static boolean validListStart(int nsid) {
        return nsid != Opcodes.NSID_BROADCAST - 1 && nsid != Opcodes.NSID_BROADCAST;
    }

    static void ascii(MemorySegment out, long off, int len, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            out.set(ValueLayout.JAVA_BYTE, off + i, i < b.length ? b[i] : (byte) ' ');
        }
    }
}
