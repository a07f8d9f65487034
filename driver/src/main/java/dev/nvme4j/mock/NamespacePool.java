package dev.nvme4j.mock;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.ManagementFields;
import dev.nvme4j.spec.Le;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Namespace Management and Attachment (Base 5.20, 5.19, 8.11) over a capacity pool: the NVM
 * capacity (TNVMCAP) is the configured namespaces' bytes plus {@link #SPARE_BYTES}; a created
 * namespace takes its size from what is unallocated (UNVMCAP) and is RAM backed (sparse). Created
 * namespaces start detached; attaching one makes it active on this controller (the mock's only
 * one, controller ID 1), detaching keeps its data, deleting frees its capacity. No thin
 * provisioning (NCAP must equal NSZE). Under the device lock.
 */
final class NamespacePool {
    /** Capacity beyond the configured namespaces, free for creating namespaces. */
    static final long SPARE_BYTES = 1L << 30;
    /** The namespace size and capacity granularity the mock reports (CNS 16h). */
    static final long GRANULARITY_BYTES = 1L << 20;
    /** The mock's controller ID (Identify Controller CNTLID). */
    static final int CONTROLLER_ID = 1;

    private final MockNvmeController c;
    private final long total;
    /** Allocated and detached, by NSID. */
    private final Map<Integer, MockNamespace> detached = new TreeMap<>();

    NamespacePool(MockNvmeController c) {
        this.c = c;
        long configured = 0;
        for (NamespaceConfig ns : c.config.namespaces()) {
            configured += ns.capacityBlocks() * ns.lbaSize();
        }
        total = configured + SPARE_BYTES;
    }

    long totalBytes() {
        return total;
    }

    long unallocatedBytes() {
        long[] used = {0};
        forEachAllocated(ns -> used[0] += ns.blocks << ns.lbaShift);
        return Math.max(0, total - used[0]);
    }

    /** Each allocated namespace, attached or not. */
    void forEachAllocated(Consumer<MockNamespace> action) {
        c.namespaces.forEach(action);
        detached.values().forEach(action);
    }

    /** The allocated namespace {@code nsid}, attached or not, or null. */
    MockNamespace allocated(int nsid) {
        MockNamespace ns = c.namespaces.get(nsid);
        return ns != null ? ns : detached.get(nsid);
    }

    /**
     * Namespace Management create of a namespace of command set {@code csi} from the host's data
     * structure; the new NSID goes to {@code dw0}. Only NVM namespaces (CSI 0); the mock reports
     * no ANA (CMIC bit 3 is 0) and no NVM Sets (CTRATT bit 2 is 0), so an ANA group or NVM Set
     * identifier other than 0 is refused.
     */
    int create(int csi, MemorySegment data, int[] dw0) {
        if (csi != 0) {
            return NvmeStatus.IO_COMMAND_SET_NOT_SUPPORTED.code(true);
        }
        if (data.get(Le.INT, IdentifyLayout.NS_ANAGRPID) != 0) {
            return NvmeStatus.ANA_GROUP_ID_INVALID.code(true);
        }
        if (data.get(Le.SHORT, IdentifyLayout.NS_NVMSETID) != 0) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        long nsze = data.get(Le.LONG, IdentifyLayout.NS_NSZE);
        long ncap = data.get(Le.LONG, IdentifyLayout.NS_NCAP);
        int flbas = data.get(ValueLayout.JAVA_BYTE, IdentifyLayout.NS_FLBAS) & 0xFF;
        int dps = data.get(ValueLayout.JAVA_BYTE, IdentifyLayout.NS_DPS) & 0xFF;
        int index = IdentifyLayout.flbasIndex(flbas);
        int[][] formats = MockNamespace.STANDARD_FORMATS;
        if (index >= formats.length || (dps & 7) > 3 || (dps & 7) != 0 && formats[index][1] < 8) {
            return NvmeStatus.INVALID_FORMAT.code(true);
        }
        if (nsze <= 0 || ncap <= 0) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        if (ncap != nsze) {
            return NvmeStatus.THIN_PROVISIONING_NOT_SUPPORTED.code(true);
        }
        int lbaSize = 1 << formats[index][0];
        if (nsze > unallocatedBytes() / lbaSize) {
            return NvmeStatus.NAMESPACE_INSUFFICIENT_CAPACITY.code(true);
        }
        int nsid = 1;
        while (allocated(nsid) != null) {
            nsid++;
        }
        if (Integer.compareUnsigned(nsid, c.config.nn()) > 0) {
            return NvmeStatus.NAMESPACE_ID_UNAVAILABLE.code(true);
        }
        int ms = formats[index][1];
        NamespaceConfig cfg = new NamespaceConfig(nsze, lbaSize, dev.nvme4j.mock.config.StoreKind.RAM, null, ms,
                ms > 0 && (flbas & 0x10) != 0, dps & 7, (dps & 8) != 0);
        detached.put(nsid, new MockNamespace(nsid, cfg, null, formats));
        dw0[0] = nsid;
        return 0;
    }

    /** Namespace Management delete of {@code nsid} (0xFFFFFFFF: all). */
    int delete(int nsid) {
        if (nsid == 0xFFFF_FFFF) {
            c.namespaces.active().forEach(ns -> c.namespaces.detach(ns.nsid));
            detached.values().forEach(ns -> ns.store.close());
            detached.clear();
            return 0;
        }
        if (c.namespaces.get(nsid) != null) {
            c.namespaces.detach(nsid); // detached from every controller, then deleted
            return 0;
        }
        MockNamespace ns = detached.remove(nsid);
        if (ns == null) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        ns.store.close();
        return 0;
    }

    /** Namespace Attachment: {@code sel} 0 attach, 1 detach, with the host's controller list. */
    int attachment(int nsid, int sel, MemorySegment list) {
        int n = list.get(Le.SHORT, 0) & 0xFFFF;
        if (n != 1 || (list.get(Le.SHORT, 2) & 0xFFFF) != CONTROLLER_ID) {
            return NvmeStatus.CONTROLLER_LIST_INVALID.code(true); // only controller 1 exists
        }
        if (sel != ManagementFields.NS_ATTACH && sel != ManagementFields.NS_DETACH || allocated(nsid) == null) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        boolean attached = c.namespaces.get(nsid) != null;
        if (sel == ManagementFields.NS_ATTACH) {
            if (attached) {
                return NvmeStatus.NAMESPACE_ALREADY_ATTACHED.code(true);
            }
            c.namespaces.put(detached.remove(nsid));
        } else {
            if (!attached) {
                return NvmeStatus.NAMESPACE_NOT_ATTACHED.code(true);
            }
            detached.put(nsid, c.namespaces.take(nsid));
        }
        return 0;
    }

    /** Identify CNS 10h: allocated NSIDs above {@code nsid}. */
    void allocatedList(int nsid, MemorySegment out) {
        TreeMap<Integer, MockNamespace> all = new TreeMap<>(Integer::compareUnsigned);
        forEachAllocated(ns -> all.put(ns.nsid, ns));
        int i = 0;
        for (int id : all.tailMap(nsid, false).keySet()) {
            if (i < IdentifyLayout.NSLIST_MAX) {
                out.set(Le.INT, 4L * i++, id);
            }
        }
    }

    /**
     * Identify CNS 16h, the Namespace Granularity List: one descriptor, {@link #GRANULARITY_BYTES} for
     * size and capacity (advice to the host; the pool does not enforce it).
     */
    void granularity(MemorySegment out) {
        out.set(ValueLayout.JAVA_BYTE, ManagementFields.GRAN_NUMD, (byte) 0); // 0-based: one descriptor
        out.set(Le.LONG, ManagementFields.GRAN_DESCRIPTOR0, GRANULARITY_BYTES);
        out.set(Le.LONG, ManagementFields.GRAN_DESCRIPTOR0 + 8, GRANULARITY_BYTES);
    }

    /** Identify CNS 12h (controllers {@code nsid} is attached to) and 13h (nsid 0: every controller). */
    void controllerList(int nsid, int fromCntid, MemorySegment out) {
        boolean listed = (nsid == 0 || c.namespaces.get(nsid) != null) && fromCntid <= CONTROLLER_ID;
        if (listed) {
            out.set(Le.SHORT, 0, (short) 1);
            out.set(Le.SHORT, 2, (short) CONTROLLER_ID);
        }
    }
}
