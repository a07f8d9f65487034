package dev.nvme4j.ctrl;

import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.NumberOfQueues;
import dev.nvme4j.spec.Opcodes;

/** One constructor per admin command the driver issues (NVMe Base Specification 2.0, section 5). */
final class AdminCommands {
    /** NSID meaning "all namespaces" / "not namespace specific" where allowed. */
    static final int NSID_ALL = Opcodes.NSID_BROADCAST;

    private AdminCommands() {
    }

    /** Identify (5.17): CNS in CDW10 bits 7:0. */
    static RawCommand identify(int cns, int nsid) {
        return RawCommand.of(Opcodes.ADMIN_IDENTIFY, nsid).withCdw10(cns);
    }

    /** Set Features (5.27). */
    static RawCommand setFeatures(int fid, int cdw11) {
        return RawCommand.of(Opcodes.ADMIN_SET_FEATURES, 0).withCdw10(fid).withCdw11(cdw11);
    }

    /** Get Features (5.15), current value (SEL = 000b). */
    static RawCommand getFeatures(int fid, int cdw11) {
        return RawCommand.of(Opcodes.ADMIN_GET_FEATURES, 0).withCdw10(fid).withCdw11(cdw11);
    }

    /** Number of Queues (5.27.1.7) asking for {@code pairs} I/O queue pairs. */
    static RawCommand numberOfQueues(int pairs) {
        return setFeatures(Opcodes.FEAT_NUMBER_OF_QUEUES, NumberOfQueues.request(pairs));
    }

    /**
     * Create I/O Completion Queue (5.4): QID and zero-based QSIZE in CDW10; PC (bit 0), IEN
     * (bit 1) and IV (bits 31:16) in CDW11; PRP1 is the ring (physically contiguous).
     */
    static RawCommand createIoCq(int qid, int depth, boolean interrupts, int vector) {
        return RawCommand.of(Opcodes.ADMIN_CREATE_IO_CQ, 0).withCdw10(AdminFields.queueCdw10(qid, depth))
                .withCdw11(AdminFields.createCqCdw11(interrupts, vector));
    }

    /** Create I/O Submission Queue (5.5): PC (bit 0), QPRIO 00b, CQID in CDW11 bits 31:16. */
    static RawCommand createIoSq(int qid, int depth, int cqid) {
        return RawCommand.of(Opcodes.ADMIN_CREATE_IO_SQ, 0).withCdw10(AdminFields.queueCdw10(qid, depth))
                .withCdw11(AdminFields.createSqCdw11(cqid));
    }

    /** Delete I/O Submission Queue (5.7). */
    static RawCommand deleteIoSq(int qid) {
        return RawCommand.of(Opcodes.ADMIN_DELETE_IO_SQ, 0).withCdw10(qid);
    }

    /** Delete I/O Completion Queue (5.6). */
    static RawCommand deleteIoCq(int qid) {
        return RawCommand.of(Opcodes.ADMIN_DELETE_IO_CQ, 0).withCdw10(qid);
    }

    /** Abort (5.1): SQID in bits 15:0, CID in bits 31:16 of CDW10. */
    static RawCommand abort(int sqid, int cid) {
        return RawCommand.of(Opcodes.ADMIN_ABORT, 0).withCdw10(AdminFields.abortCdw10(sqid, cid));
    }

    /** Asynchronous Event Request (5.2). */
    static RawCommand asyncEventRequest() {
        return RawCommand.of(Opcodes.ADMIN_ASYNC_EVENT_REQUEST, 0);
    }

    /**
     * Get Log Page (5.16): LID in CDW10 bits 7:0, NUMDL (zero-based dwords, low 16 bits) in
     * CDW10 bits 31:16, NUMDU in CDW11 bits 15:0; RAE (bit 15) kept 0 so reading clears the event.
     */
    static RawCommand getLogPage(int lid, int bytes, int nsid) {
        return getLogPage(lid, bytes, nsid, 0);
    }

    /** As {@link #getLogPage(int, int, int)}, from byte {@code offset} of the page: LPOL in CDW12, LPOU in CDW13. */
    static RawCommand getLogPage(int lid, int bytes, int nsid, long offset) {
        return RawCommand.of(Opcodes.ADMIN_GET_LOG_PAGE, nsid).withCdw10(AdminFields.logPageCdw10(lid, bytes))
                .withCdw11(AdminFields.logPageCdw11(bytes)).withCdw12((int) offset).withCdw13((int) (offset >>> 32));
    }

    /** Interrupt Coalescing (5.27.1.8): THR bits 7:0 (zero-based), TIME bits 15:8 (100 us units). */
    static RawCommand interruptCoalescing(int time100us, int threshold) {
        return setFeatures(Opcodes.FEAT_INTERRUPT_COALESCING, AdminFields.coalescing(time100us, threshold));
    }
}
