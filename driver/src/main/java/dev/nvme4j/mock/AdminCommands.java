package dev.nvme4j.mock;

import static dev.nvme4j.spec.Opcodes.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.NumberOfQueues;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Admin command set (Base 5): queue management, Identify, features, logs, Abort and
 * Asynchronous Event Request. Handlers read the decoded command from the {@link Engine} and
 * return a status field (or {@link Engine#SUSPENDED}).
 */
final class AdminCommands {

    private final MockNvmeController c;
    private final Engine e;
    final LogPages logs;
    private final Identify identify;
    final ManagementCommands management;
    final MemorySegment scratch = Arena.ofAuto().allocate(4096, 4096);

    // Features (Base 5.27.1), reset with the controller.
    int arbitration;
    boolean volatileWriteCache;
    int allocatedSq;
    int allocatedCq;
    int asyncEventConfig;
    /** Host Behavior Support ACRE: without it error statuses carry no Command Retry Delay. */
    boolean acre;

    AdminCommands(MockNvmeController c, Engine e) {
        this.c = c;
        this.e = e;
        this.logs = new LogPages(c);
        this.identify = new Identify(c);
        this.management = new ManagementCommands(c, e);
        reset();
    }

    void reset() {
        arbitration = 0;
        volatileWriteCache = vwcPresent();
        allocatedSq = c.config.maxIoQueuePairs();
        allocatedCq = c.config.maxIoQueuePairs();
        asyncEventConfig = 0;
        acre = false;
        management.reset();
    }

    private boolean vwcPresent() {
        return (c.config.vwc() & IdentifyLayout.VWC_PRESENT) != 0;
    }

    int execute() {
        return switch (e.opcode) {
            case ADMIN_IDENTIFY -> identify();
            case ADMIN_CREATE_IO_CQ -> createCq();
            case ADMIN_CREATE_IO_SQ -> createSq();
            case ADMIN_DELETE_IO_SQ -> deleteSq();
            case ADMIN_DELETE_IO_CQ -> deleteCq();
            case ADMIN_GET_FEATURES -> getFeatures();
            case ADMIN_SET_FEATURES -> setFeatures();
            case ADMIN_GET_LOG_PAGE -> getLogPage();
            case ADMIN_ABORT -> e.abort(AdminFields.abortSqid(e.cdw10), AdminFields.abortCid(e.cdw10));
            case ADMIN_ASYNC_EVENT_REQUEST -> e.asyncEvents.request();
            case ADMIN_FORMAT_NVM -> (c.config.oacs() & IdentifyLayout.OACS_FORMAT) != 0 ? formatNvm()
                    : NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
            case ADMIN_DOORBELL_BUFFER_CONFIG -> MockShadowDoorbells.configure(c, e.prp1, e.prp2);
            default -> {
                int st = management.execute(this);
                yield st >= 0 ? st : NvmeStatus.INVALID_COMMAND_OPCODE.code(true);
            }
        };
    }

    /** Copies {@code len} bytes of {@link #scratch} to the command's data buffer. */
    int transferToHost(long len) {
        if (len > maxTransfer()) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        int st = c.prp.map(e.prp1, e.prp2, len, c.regs.pageSize);
        if (st == 0) {
            c.prp.copyToHost(scratch, 0, len);
        }
        return st;
    }

    /** MDTS in bytes (Base 5.17.2.1: 2^MDTS units of the CAP.MPSMIN page). */
    long maxTransfer() {
        int mdts = c.config.mdts();
        return mdts == 0 ? Long.MAX_VALUE : (1L << mdts) * (4096L << c.config.mpsmin());
    }

    private int identify() {
        int st = identify.build(AdminFields.identifyCns(e.cdw10), e.nsid, e.cdw10 >>> 16,
                AdminFields.identifyCsi(e.cdw11), scratch);
        return st != 0 ? st : transferToHost(IdentifyLayout.SIZE);
    }

    // ---- queue management (Base 5.4 - 5.7) ----

    private int createCq() {
        int qid = AdminFields.queueId(e.cdw10);
        int size = AdminFields.queueEntries(e.cdw10);
        boolean pc = (e.cdw11 & AdminFields.QUEUE_PHYSICALLY_CONTIGUOUS) != 0;
        boolean ien = (e.cdw11 & AdminFields.CQ_INTERRUPTS_ENABLED) != 0;
        int iv = AdminFields.cqInterruptVector(e.cdw11);
        if (qid == 0 || qid > allocatedCq || qid >= c.cqs.length || c.cqs[qid] != null) {
            return NvmeStatus.INVALID_QUEUE_IDENTIFIER.code(true);
        }
        if (size < 2 || size > NvmeRegs.capMqes(c.regs.cap) + 1) {
            return NvmeStatus.INVALID_QUEUE_SIZE.code(true);
        }
        if (iv >= c.interrupts.count()) {
            return NvmeStatus.INVALID_INTERRUPT_VECTOR.code(true);
        }
        if (!pc || NvmeRegs.ccIocqes(c.regs.cc) != Cqe.SIZE_LOG2) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // only contiguous queues; CC.IOCQES must be set
        }
        MemorySegment ring = queueRing(e.prp1, (long) size * Cqe.SIZE, "CQ", qid);
        if (ring == null) {
            return (e.prp1 & (c.regs.pageSize - 1)) != 0 ? NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true)
                    : NvmeStatus.DATA_TRANSFER_ERROR.code(false);
        }
        c.cqs[qid] = new MockCq(qid, ring, size, ien, iv);
        if (c.shadow != null) {
            c.shadow.cqCreated(c.cqs[qid]);
        }
        return 0;
    }

    private int createSq() {
        int qid = AdminFields.queueId(e.cdw10);
        int size = AdminFields.queueEntries(e.cdw10);
        boolean pc = (e.cdw11 & AdminFields.QUEUE_PHYSICALLY_CONTIGUOUS) != 0;
        int cqid = AdminFields.sqCompletionQueue(e.cdw11);
        if (qid == 0 || qid > allocatedSq || qid >= c.sqs.length || c.sqs[qid] != null) {
            return NvmeStatus.INVALID_QUEUE_IDENTIFIER.code(true);
        }
        if (cqid == 0 || cqid >= c.cqs.length || c.cqs[cqid] == null) {
            return NvmeStatus.COMPLETION_QUEUE_INVALID.code(true);
        }
        if (size < 2 || size > NvmeRegs.capMqes(c.regs.cap) + 1) {
            return NvmeStatus.INVALID_QUEUE_SIZE.code(true);
        }
        if (!pc || NvmeRegs.ccIosqes(c.regs.cc) != Sqe.SIZE_LOG2) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        MemorySegment ring = queueRing(e.prp1, (long) size * Sqe.SIZE, "SQ", qid);
        if (ring == null) {
            return (e.prp1 & (c.regs.pageSize - 1)) != 0 ? NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true)
                    : NvmeStatus.DATA_TRANSFER_ERROR.code(false);
        }
        c.sqs[qid] = new MockSq(qid, ring, size, cqid, AdminFields.sqPriority(e.cdw11));
        if (c.cmb != null && c.cmb.ring(e.prp1, ring.byteSize()) != null) {
            c.cmb.sqCreated();
        }
        if (c.shadow != null) {
            c.shadow.sqCreated(c.sqs[qid]);
        }
        c.queuesChanged();
        c.cqs[cqid].sqRefs++;
        return 0;
    }

    private MemorySegment queueRing(long base, long bytes, String what, int qid) {
        if (base == 0 || (base & (c.regs.pageSize - 1)) != 0) {
            c.violation(Kind.UNALIGNED_QUEUE_MEMORY, String.format("I/O %s %d at 0x%x is not aligned to the %d-byte page (Base 5.4, 5.5)",
                    what, qid, base, c.regs.pageSize));
            return null;
        }
        return c.ring(base, bytes);
    }

    private int deleteSq() {
        int qid = AdminFields.queueId(e.cdw10);
        MockSq sq = qid == 0 || qid >= c.sqs.length ? null : c.sqs[qid];
        if (sq == null) {
            return NvmeStatus.INVALID_QUEUE_IDENTIFIER.code(true);
        }
        e.abortAllOf(sq);
        c.sqs[qid] = null;
        c.queuesChanged();
        c.cqs[sq.cqid].sqRefs--;
        return 0;
    }

    private int deleteCq() {
        int qid = AdminFields.queueId(e.cdw10);
        MockCq cq = qid == 0 || qid >= c.cqs.length ? null : c.cqs[qid];
        if (cq == null) {
            return NvmeStatus.INVALID_QUEUE_IDENTIFIER.code(true);
        }
        if (cq.sqRefs > 0) {
            return NvmeStatus.INVALID_QUEUE_DELETION.code(true);
        }
        c.cqs[qid] = null;
        return 0;
    }

    // ---- features (Base 5.15 Get Features, 5.27 Set Features) ----

    private boolean anyIoQueue() {
        for (int q = 1; q < c.sqs.length; q++) {
            if (c.sqs[q] != null || c.cqs[q] != null) {
                return true;
            }
        }
        return false;
    }

    private int getFeatures() {
        int fid = AdminFields.featureId(e.cdw10);
        if (AdminFields.uuidIndex(e.cdw14) != 0) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // no UUID List (CTRATT bit 9 is 0)
        }
        int sel = AdminFields.featureSelect(e.cdw10);
        if (sel == AdminFields.SELECT_SUPPORTED_CAPABILITIES) {
            e.dw0 = AdminFields.CAPABILITY_CHANGEABLE; // changeable, not saveable, not namespace specific
            return knownFeature(fid) ? 0 : NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        boolean current = sel == AdminFields.SELECT_CURRENT;
        switch (fid) {
            case FEAT_ARBITRATION -> e.dw0 = current ? arbitration : 0;
            case FEAT_VOLATILE_WRITE_CACHE -> e.dw0 = (current ? volatileWriteCache : vwcPresent()) ? AdminFields.VWC_ENABLED : 0;
            case FEAT_NUMBER_OF_QUEUES -> e.dw0 = current ? NumberOfQueues.encode(allocatedSq, allocatedCq)
                    : NumberOfQueues.request(c.config.maxIoQueuePairs());
            case FEAT_INTERRUPT_COALESCING -> e.dw0 = current ? AdminFields.coalescing(c.interrupts.time, c.interrupts.threshold) : 0;
            case FEAT_ASYNC_EVENT_CONFIG -> e.dw0 = current ? asyncEventConfig : 0;
            case FEAT_HOST_BEHAVIOR_SUPPORT -> {
                scratch.fill((byte) 0);
                scratch.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) (current && acre ? AdminFields.HOST_BEHAVIOR_ACRE : 0));
                return transferToHost(HOST_BEHAVIOR_SUPPORT_SIZE);
            }
            default -> {
                return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
            }
        }
        return 0;
    }

    private static boolean knownFeature(int fid) {
        return fid == FEAT_ARBITRATION || fid == FEAT_VOLATILE_WRITE_CACHE || fid == FEAT_NUMBER_OF_QUEUES
                || fid == FEAT_INTERRUPT_COALESCING || fid == FEAT_ASYNC_EVENT_CONFIG
                || fid == FEAT_HOST_BEHAVIOR_SUPPORT;
    }

    private int setFeatures() {
        int fid = AdminFields.featureId(e.cdw10);
        if (AdminFields.uuidIndex(e.cdw14) != 0) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // no UUID List (CTRATT bit 9 is 0)
        }
        if (AdminFields.featureSave(e.cdw10)) {
            return NvmeStatus.FEATURE_NOT_SAVEABLE.code(true); // SV set: nothing is saveable
        }
        int refused = c.faults.refusal(fid);
        if (refused != 0) {
            return refused;
        }
        int v = e.cdw11;
        switch (fid) {
            case FEAT_ARBITRATION -> arbitration = v;
            case FEAT_VOLATILE_WRITE_CACHE -> {
                if (!vwcPresent()) {
                    return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
                }
                volatileWriteCache = (v & AdminFields.VWC_ENABLED) != 0;
            }
            case FEAT_NUMBER_OF_QUEUES -> {
                int sqs = NumberOfQueues.submissionQueues(v);
                int cqs = NumberOfQueues.completionQueues(v);
                if (sqs > NumberOfQueues.MAX_QUEUES || cqs > NumberOfQueues.MAX_QUEUES) {
                    return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
                }
                if (anyIoQueue()) {
                    return NvmeStatus.COMMAND_SEQUENCE_ERROR.code(true); // Base 5.27.1.5: only before I/O queues exist
                }
                allocatedSq = Math.min(sqs, c.config.maxIoQueuePairs());
                allocatedCq = Math.min(cqs, c.config.maxIoQueuePairs());
                e.dw0 = NumberOfQueues.encode(allocatedSq, allocatedCq);
            }
            case FEAT_INTERRUPT_COALESCING -> {
                c.interrupts.threshold = AdminFields.coalescingThreshold(v);
                c.interrupts.time = AdminFields.coalescingTime(v);
            }
            case FEAT_ASYNC_EVENT_CONFIG -> asyncEventConfig = v;
            case FEAT_HOST_BEHAVIOR_SUPPORT -> {
                int st = c.prp.map(e.prp1, e.prp2, HOST_BEHAVIOR_SUPPORT_SIZE, c.regs.pageSize);
                if (st != 0) {
                    return st;
                }
                c.prp.copyFromHost(scratch, 0);
                acre = (scratch.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & AdminFields.HOST_BEHAVIOR_ACRE) != 0;
            }
            default -> {
                return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
            }
        }
        return 0;
    }

    // ---- Format NVM (Base 5.14) ----

    private int formatNvm() {
        int lbaf = AdminFields.formatLbaf(e.cdw10);
        boolean mset = AdminFields.formatExtendedMetadata(e.cdw10);
        int pi = AdminFields.formatPi(e.cdw10);
        boolean pil = AdminFields.formatPiFirst(e.cdw10);
        int ses = AdminFields.formatSecureErase(e.cdw10);
        if (ses > 1) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // no cryptographic erase (FNA bit 2 is 0)
        }
        java.util.List<Integer> targets = new java.util.ArrayList<>();
        if (e.nsid == NSID_BROADCAST) {
            c.namespaces.forEach(ns -> targets.add(ns.nsid));
        } else if (c.namespaces.get(e.nsid) != null) {
            targets.add(e.nsid);
        } else {
            return NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true);
        }
        for (int nsid : targets) {
            int st = c.namespaces.format(nsid, lbaf, mset, pi, pil);
            if (st != 0) {
                return st;
            }
        }
        return 0;
    }

    // ---- Get Log Page (Base 5.16) ----

    private int getLogPage() {
        int lid = AdminFields.logPageId(e.cdw10);
        long offset = AdminFields.logPageOffset(e.cdw12, e.cdw13);
        long len = AdminFields.logPageBytes(e.cdw10, e.cdw11);
        if ((offset & 3) != 0 || len > 4096) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        // Only the NVM Command Set (CSI 0), and no log page takes an index offset (Offset Type).
        if (AdminFields.logPageCsi(e.cdw14) != 0 || (e.cdw14 & AdminFields.LOG_PAGE_OFFSET_TYPE) != 0) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        int size = logs.build(lid, scratch);
        if (size < 0) {
            return NvmeStatus.INVALID_LOG_PAGE.code(true);
        }
        if (offset >= size) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        if (offset > 0) {
            MemorySegment.copy(scratch, offset, scratch, 0, size - offset);
        }
        Zeros.fill(scratch, size - offset, 4096 - (size - offset));
        return transferToHost(len);
    }
}
