package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.NumberOfQueues;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Identify Controller, the active namespace list and Identify Namespace for each (Base 5.17),
 * and the Number of Queues negotiation (5.27.1.7). Used during bring-up, and by namespace
 * rescans on the watchdog thread.
 */
final class Identification {
    /** Largest admin data transfer the driver issues or passes through. */
    static final int ADMIN_MAX_TRANSFER = 64 * 1024;
    /**
     * Transfer cap when MDTS reports no limit, and the upper bound of per-command transfers:
     * PRP list areas are preallocated per tracker for this size.
     */
    static final long DRIVER_MAX_TRANSFER = 2L << 20;
    static final long DRIVER_MAX_TRANSFER_WITH_MDTS = 8L << 20;

    private final AdminOps ops;
    private final long cap;
    private final int vs;
    private final int pageSize;

    Identification(AdminOps ops, long cap, int vs, int pageSize) {
        this.ops = ops;
        this.cap = cap;
        this.vs = vs;
        this.pageSize = pageSize;
    }

    /**
     * What Identify Controller says that the driver keeps.
     *
     * @param info         the application's view (the granted queue pairs once negotiated)
     * @param rtd3eMicros  RTD3E, microseconds (0: not reported), for the shutdown warning
     * @param sgls         SGLS (SGL support of the NVM command set)
     * @param retryDelays  CRDT1..3
     */
    record Identified(ControllerInfo info, long rtd3eMicros, int sgls, RetryDelays retryDelays) {
        Identified withGrantedQueues(int granted) {
            ControllerInfo i = info;
            return new Identified(new ControllerInfo(i.pciVendorId(), i.subsystemVendorId(), i.serialNumber(),
                    i.modelNumber(), i.firmwareRevision(), i.version(), i.maxTransferBytes(), i.namespaceCount(),
                    i.oncs(), i.oacs(), i.volatileWriteCache(), i.abortCommandLimit(), i.asyncEventLimit(),
                    i.maxQueueEntries(), i.pageSize(), granted, i.doorbellStride()), rtd3eMicros, sgls, retryDelays);
        }
    }

    Identified identifyController() {
        try (DmaBuffer buf = ops.allocateInternal(IdentifyLayout.SIZE)) {
            ops.sync(AdminCommands.identify(Opcodes.CNS_CONTROLLER, 0), buf);
            MemorySegment s = buf.segment();
            int mdts = IdentifyParser.u8(s, IdentifyLayout.CTRL_MDTS);
            long minPage = 4096L << NvmeRegs.capMpsmin(cap);
            long maxTransfer = mdts == 0 ? DRIVER_MAX_TRANSFER
                    : Math.min(DRIVER_MAX_TRANSFER_WITH_MDTS, minPage << mdts);
            ControllerInfo info = new ControllerInfo(IdentifyParser.u16(s, IdentifyLayout.CTRL_VID),
                    IdentifyParser.u16(s, IdentifyLayout.CTRL_SSVID),
                    IdentifyParser.ascii(s, IdentifyLayout.CTRL_SN, IdentifyLayout.CTRL_SN_LEN),
                    IdentifyParser.ascii(s, IdentifyLayout.CTRL_MN, IdentifyLayout.CTRL_MN_LEN),
                    IdentifyParser.ascii(s, IdentifyLayout.CTRL_FR, IdentifyLayout.CTRL_FR_LEN),
                    vs, maxTransfer,
                    IdentifyParser.u32(s, IdentifyLayout.CTRL_NN),
                    IdentifyParser.u16(s, IdentifyLayout.CTRL_ONCS),
                    IdentifyParser.u16(s, IdentifyLayout.CTRL_OACS),
                    (IdentifyParser.u8(s, IdentifyLayout.CTRL_VWC) & 1) != 0,
                    IdentifyParser.u8(s, IdentifyLayout.CTRL_ACL) + 1,
                    IdentifyParser.u8(s, IdentifyLayout.CTRL_AERL) + 1,
                    NvmeRegs.capMqes(cap) + 1, pageSize, 0, 4 << NvmeRegs.capDstrd(cap));
            return new Identified(info, rtd3eMicros(s), IdentifyParser.u32(s, IdentifyLayout.CTRL_SGLS),
                    RetryDelays.of(s));
        }
    }

    /** Reads RTD3E (microseconds) for the shutdown bound; 0 when not reported. */
    static long rtd3eMicros(MemorySegment identifyController) {
        return Integer.toUnsignedLong(IdentifyParser.u32(identifyController, IdentifyLayout.CTRL_RTD3E));
    }

    /**
     * CNS 02h lists up to 1024 active NSIDs above the given one, ascending (5.17.2.2); then
     * CNS 00h for each. Namespaces reporting NSZE = 0 are skipped.
     */
    List<Namespace> activeNamespaces(int nn) {
        List<Namespace> result = new ArrayList<>();
        try (DmaBuffer list = ops.allocateInternal(IdentifyLayout.SIZE);
             DmaBuffer data = ops.allocateInternal(IdentifyLayout.SIZE)) {
            int after = 0;
            while (true) {
                list.segment().fill((byte) 0);
                ops.sync(AdminCommands.identify(Opcodes.CNS_ACTIVE_NAMESPACE_LIST, after), list);
                int count = 0;
                for (int i = 0; i < 1024; i++) {
                    int nsid = IdentifyParser.u32(list.segment(), i * 4);
                    if (nsid == 0) {
                        break;
                    }
                    count++;
                    after = nsid;
                    Namespace ns = identifyNamespace(nsid, data);
                    if (ns != null) {
                        result.add(ns);
                    }
                }
                if (count < 1024 || Integer.compareUnsigned(after, nn) >= 0) {
                    return result;
                }
            }
        }
    }

    /** Identify Namespace (CNS 00h) of {@code nsid}, or null when it is not active (NSZE = 0). */
    Namespace identifyNamespace(int nsid, DmaBuffer data) {
        data.segment().fill((byte) 0);
        ops.sync(AdminCommands.identify(Opcodes.CNS_NAMESPACE, nsid), data);
        return IdentifyParser.namespace(nsid, data.segment());
    }

    /**
     * Identify Namespace of each NSID listed; null for those not active: NSZE = 0, or Invalid
     * Namespace or Format (an NSID the controller no longer knows at all).
     */
    Map<Integer, Namespace> identifyEach(int[] nsids) {
        Map<Integer, Namespace> result = new LinkedHashMap<>();
        try (DmaBuffer data = ops.allocateInternal(IdentifyLayout.SIZE)) {
            for (int nsid : nsids) {
                try {
                    result.put(nsid, identifyNamespace(nsid, data));
                } catch (NvmeException e) {
                    if (e.nvmeStatus() != NvmeStatus.INVALID_NAMESPACE_OR_FORMAT) {
                        throw e;
                    }
                    result.put(nsid, null);
                }
            }
        }
        return result;
    }

    /** Set Features Number of Queues; returns the I/O queue pairs granted (min of SQs and CQs). */
    int negotiateQueues(int wanted) {
        return NumberOfQueues.usablePairs(ops.sync(AdminCommands.numberOfQueues(wanted), null).dw0(), wanted);
    }
}
