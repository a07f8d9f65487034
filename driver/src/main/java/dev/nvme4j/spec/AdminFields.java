package dev.nvme4j.spec;

/**
 * The command dword fields of the admin commands (NVMe Base Specification 2.0, section 5): the
 * one place each is encoded (by the driver) and decoded (by the mock controller). Stateless.
 */
public final class AdminFields {
    private AdminFields() {
    }

    // ---- Create I/O Completion / Submission Queue (5.4, 5.5), Delete I/O CQ / SQ (5.6, 5.7) ----

    /** CDW10 of Create I/O CQ/SQ: QID in bits 15:0, QSIZE (zero-based entries) in bits 31:16. */
    public static int queueCdw10(int qid, int entries) {
        return (qid & 0xFFFF) | ((entries - 1) << 16);
    }

    /** QID from CDW10 of Create / Delete I/O CQ/SQ (bits 15:0). */
    public static int queueId(int cdw10) {
        return cdw10 & 0xFFFF;
    }

    /** Queue entries (QSIZE + 1) from CDW10 of Create I/O CQ/SQ. */
    public static int queueEntries(int cdw10) {
        return (cdw10 >>> 16) + 1;
    }

    /** CDW11 bit 0 of Create I/O CQ/SQ: Physically Contiguous. */
    public static final int QUEUE_PHYSICALLY_CONTIGUOUS = 1;
    /** CDW11 bit 1 of Create I/O CQ: Interrupts Enabled. */
    public static final int CQ_INTERRUPTS_ENABLED = 1 << 1;

    /** CDW11 of Create I/O CQ: contiguous, IEN, and the interrupt vector in bits 31:16. */
    public static int createCqCdw11(boolean interrupts, int vector) {
        return QUEUE_PHYSICALLY_CONTIGUOUS | (interrupts ? CQ_INTERRUPTS_ENABLED : 0) | (vector << 16);
    }

    /** IV (interrupt vector) from CDW11 of Create I/O CQ (bits 31:16). */
    public static int cqInterruptVector(int cdw11) {
        return cdw11 >>> 16;
    }

    /** CDW11 of Create I/O SQ: contiguous, QPRIO 00b (urgent; ignored under round robin), CQID in bits 31:16. */
    public static int createSqCdw11(int cqid) {
        return QUEUE_PHYSICALLY_CONTIGUOUS | (cqid << 16);
    }

    /** CQID from CDW11 of Create I/O SQ (bits 31:16). */
    public static int sqCompletionQueue(int cdw11) {
        return cdw11 >>> 16;
    }

    /** QPRIO from CDW11 of Create I/O SQ (bits 2:1). */
    public static int sqPriority(int cdw11) {
        return (cdw11 >>> 1) & 0x3;
    }

    // ---- Abort (5.1) ----

    /** CDW10 of Abort: SQID in bits 15:0, CID in bits 31:16. */
    public static int abortCdw10(int sqid, int cid) {
        return (sqid & 0xFFFF) | (cid << 16);
    }

    public static int abortSqid(int cdw10) {
        return cdw10 & 0xFFFF;
    }

    public static int abortCid(int cdw10) {
        return cdw10 >>> 16;
    }

    // ---- Identify (5.17) ----

    /** CNS from CDW10 of Identify (bits 7:0). */
    public static int identifyCns(int cdw10) {
        return cdw10 & 0xFF;
    }

    /** CDW11 of Identify: the Command Set Identifier in bits 31:24. */
    public static int identifyCdw11(int csi) {
        return (csi & 0xFF) << 24;
    }

    /** CSI from CDW11 of Identify. */
    public static int identifyCsi(int cdw11) {
        return cdw11 >>> 24;
    }

    // ---- Get Features / Set Features (5.15, 5.27) ----

    /** CDW14 of Get Features, Set Features (and Get Log Page): the UUID Index in bits 6:0 (0: none). */
    public static int uuidIndexCdw14(int uuidIndex) {
        return uuidIndex & 0x7F;
    }

    /** The UUID Index from CDW14. */
    public static int uuidIndex(int cdw14) {
        return cdw14 & 0x7F;
    }

    /** Get Features SEL 000b: the current value. */
    public static final int SELECT_CURRENT = 0;
    /** Get Features SEL 011b: the feature's capabilities (saveable, changeable, namespace specific). */
    public static final int SELECT_SUPPORTED_CAPABILITIES = 3;

    /** Completion DW0 bit 2 of Get Features with SEL 011b: the feature is changeable. */
    public static final int CAPABILITY_CHANGEABLE = 1 << 2;

    /** FID from CDW10 of Get / Set Features (bits 7:0). */
    public static int featureId(int cdw10) {
        return cdw10 & 0xFF;
    }

    /** SEL from CDW10 of Get Features (bits 10:8). */
    public static int featureSelect(int cdw10) {
        return (cdw10 >>> 8) & 0x7;
    }

    /** SV (save) from CDW10 of Set Features (bit 31). */
    public static boolean featureSave(int cdw10) {
        return cdw10 < 0;
    }

    /** Volatile Write Cache feature value (5.27.1.4) bit 0: WCE, the cache is enabled. */
    public static final int VWC_ENABLED = 1;

    /** Interrupt Coalescing value (5.27.1.8): THR (zero-based) in bits 7:0, TIME (100 us units) in 15:8. */
    public static int coalescing(int time100us, int threshold) {
        return (threshold & 0xFF) | ((time100us & 0xFF) << 8);
    }

    public static int coalescingThreshold(int value) {
        return value & 0xFF;
    }

    public static int coalescingTime(int value) {
        return (value >>> 8) & 0xFF;
    }

    /** The aggregation time of an Interrupt Coalescing TIME field, in nanoseconds (100 us units). */
    public static long coalescingTimeNanos(int time100us) {
        return time100us * 100_000L;
    }

    /** Host Behavior Support data structure (5.27.1.18): byte 0 bit 0, Advanced Command Retry Enable. */
    public static final int HOST_BEHAVIOR_ACRE = 1;

    // ---- Get Log Page (5.16) ----

    /** CDW10 of Get Log Page: LID in bits 7:0, NUMDL (low 16 bits of the zero-based dword count) in 31:16; RAE 0. */
    public static int logPageCdw10(int lid, int bytes) {
        return (lid & 0xFF) | (((bytes / 4 - 1) & 0xFFFF) << 16);
    }

    /** CDW11 of Get Log Page: NUMDU (high 16 bits of the zero-based dword count) in bits 15:0. */
    public static int logPageCdw11(int bytes) {
        return (bytes / 4 - 1) >>> 16;
    }

    /** CDW10 of Get Log Page with the Log Specific Field (bits 14:8, 7 bits) and Retain Asynchronous Event (bit 15). */
    public static int logPageCdw10(int lid, int bytes, int lsp, boolean rae) {
        return logPageCdw10(lid, bytes) | (lsp & 0x7F) << 8 | (rae ? 1 << 15 : 0);
    }

    /** CDW11 of Get Log Page with the Log Specific Identifier (bits 31:16). */
    public static int logPageCdw11(int bytes, int lsi) {
        return logPageCdw11(bytes) | (lsi & 0xFFFF) << 16;
    }

    /** CDW14 of Get Log Page: UUID Index bits 6:0, Offset Type bit 23, Command Set Identifier bits 31:24. */
    public static int logPageCdw14(int uuidIndex, boolean offsetType, int csi) {
        return uuidIndexCdw14(uuidIndex) | (offsetType ? LOG_PAGE_OFFSET_TYPE : 0) | (csi & 0xFF) << 24;
    }

    /** CDW14 bit 23 of Get Log Page, Offset Type: LPO is an index into the page's list of data structures. */
    public static final int LOG_PAGE_OFFSET_TYPE = 1 << 23;

    /** CSI from CDW14 of Get Log Page. */
    public static int logPageCsi(int cdw14) {
        return cdw14 >>> 24;
    }

    /** LID from CDW10 of Get Log Page. */
    public static int logPageId(int cdw10) {
        return cdw10 & 0xFF;
    }

    /** The bytes asked for, from NUMDL (CDW10 bits 31:16) and NUMDU (CDW11 bits 15:0). */
    public static long logPageBytes(int cdw10, int cdw11) {
        return ((((long) (cdw11 & 0xFFFF) << 16) | (cdw10 >>> 16)) + 1) * 4;
    }

    /** The byte offset into the page, from LPOL (CDW12) and LPOU (CDW13). */
    public static long logPageOffset(int cdw12, int cdw13) {
        return (cdw12 & 0xFFFF_FFFFL) | ((long) cdw13 << 32);
    }

    // ---- Format NVM (5.14) ----

    /** LBA format index from CDW10 of Format NVM: LBAFL bits 3:0, LBAFU bits 13:12. */
    public static int formatLbaf(int cdw10) {
        return (cdw10 & 0xF) | ((cdw10 >>> 12) & 0x3) << 4;
    }

    /** MSET (bit 4): metadata at the end of each block (extended LBA). */
    public static boolean formatExtendedMetadata(int cdw10) {
        return (cdw10 & (1 << 4)) != 0;
    }

    /** PI (bits 7:5): protection information type. */
    public static int formatPi(int cdw10) {
        return (cdw10 >>> 5) & 0x7;
    }

    /** PIL (bit 8): protection information first in the metadata. */
    public static boolean formatPiFirst(int cdw10) {
        return (cdw10 & (1 << 8)) != 0;
    }

    /** SES (bits 11:9): secure erase settings. */
    public static int formatSecureErase(int cdw10) {
        return (cdw10 >>> 9) & 0x7;
    }
}
