package dev.nvme4j.spec;

/**
 * Controller registers of the PCIe transport (NVMe Base Specification 2.0, section 3.1.3,
 * "Controller Properties"; NVMe over PCIe Transport Specification 1.0, section 3.1) and the
 * bit fields the driver and the mock controller use. Offsets are byte offsets into BAR0.
 *
 * <p>Stateless; all members are static.
 */
public final class NvmeRegs {
    private NvmeRegs() {
    }

    /** Controller Capabilities, 64-bit (3.1.3.1). */
    public static final int CAP = 0x00;
    /** Version, 32-bit (3.1.3.2). */
    public static final int VS = 0x08;
    /** Interrupt Mask Set (3.1.3.3). */
    public static final int INTMS = 0x0C;
    /** Interrupt Mask Clear (3.1.3.4). */
    public static final int INTMC = 0x10;
    /** Controller Configuration (3.1.3.5). */
    public static final int CC = 0x14;
    /** Controller Status (3.1.3.6). */
    public static final int CSTS = 0x1C;
    /** NVM Subsystem Reset (3.1.3.7). */
    public static final int NSSR = 0x20;
    /** Admin Queue Attributes (3.1.3.8). */
    public static final int AQA = 0x24;
    /** Admin Submission Queue Base Address, 64-bit (3.1.3.9). */
    public static final int ASQ = 0x28;
    /** Admin Completion Queue Base Address, 64-bit (3.1.3.10). */
    public static final int ACQ = 0x30;
    /** First doorbell register (PCIe transport 3.1.2). */
    public static final int DOORBELL_BASE = 0x1000;

    // ---- CAP fields (3.1.3.1) ----

    /** CAP.MQES: maximum queue entries supported, zero-based. */
    public static int capMqes(long cap) {
        return (int) (cap & 0xFFFF);
    }

    /** CAP.CQR: contiguous queues required. */
    public static boolean capCqr(long cap) {
        return ((cap >>> 16) & 1) != 0;
    }

    /** CAP.AMS: arbitration mechanisms supported (bits 18:17). */
    public static int capAms(long cap) {
        return (int) ((cap >>> 17) & 0x3);
    }

    /** CAP.TO: worst-case time to ready, in 500 ms units. */
    public static int capTo(long cap) {
        return (int) ((cap >>> 24) & 0xFF);
    }

    /** CAP.DSTRD: doorbell stride, the stride is 2^(2 + DSTRD) bytes. */
    public static int capDstrd(long cap) {
        return (int) ((cap >>> 32) & 0xF);
    }

    /** CAP.NSSRS: NVM subsystem reset supported. */
    public static boolean capNssrs(long cap) {
        return ((cap >>> 36) & 1) != 0;
    }

    /** CAP.BPS (bit 45): boot partitions supported. */
    public static boolean capBps(long cap) {
        return ((cap >>> 45) & 1) != 0;
    }

    /** CAP.CSS bit 0: the NVM command set. */
    public static final int CAP_CSS_NVM = 0x01;
    /** CAP.CSS bit 6: one or more I/O command sets. */
    public static final int CAP_CSS_IO_SETS = 0x40;
    /** CAP.CSS bit 7: no I/O command set (admin only). */
    public static final int CAP_CSS_NO_IO = 0x80;
    /** CC.CSS 000b: the NVM command set. */
    public static final int CC_CSS_NVM = 0;
    /** CC.CSS 110b: all supported I/O command sets. */
    public static final int CC_CSS_ALL_IO_SETS = 6;
    /** CC.CSS 111b: admin command set only. */
    public static final int CC_CSS_ADMIN_ONLY = 7;

    /** CAP.CSS: command sets supported (bits 44:37); bit 0 is the NVM command set. */
    public static int capCss(long cap) {
        return (int) ((cap >>> 37) & 0xFF);
    }

    /** CAP.MPSMIN: minimum memory page size is 2^(12 + MPSMIN). */
    public static int capMpsmin(long cap) {
        return (int) ((cap >>> 48) & 0xF);
    }

    /** CAP.MPSMAX: maximum memory page size is 2^(12 + MPSMAX). */
    public static int capMpsmax(long cap) {
        return (int) ((cap >>> 52) & 0xF);
    }

    /** Builds a CAP value (used by the mock controller). */
    public static long cap(int mqes, boolean cqr, int ams, int to, int dstrd, int css, int mpsmin, int mpsmax) {
        return (mqes & 0xFFFFL)
                | ((cqr ? 1L : 0L) << 16)
                | ((ams & 0x3L) << 17)
                | ((to & 0xFFL) << 24)
                | ((dstrd & 0xFL) << 32)
                | ((css & 0xFFL) << 37)
                | ((mpsmin & 0xFL) << 48)
                | ((mpsmax & 0xFL) << 52);
    }

    // ---- CC fields (3.1.3.5) ----

    public static final int CC_EN = 1;
    public static final int CC_CSS_SHIFT = 4;
    public static final int CC_MPS_SHIFT = 7;
    public static final int CC_AMS_SHIFT = 11;
    public static final int CC_SHN_SHIFT = 14;
    public static final int CC_IOSQES_SHIFT = 16;
    public static final int CC_IOCQES_SHIFT = 20;
    /** CC.SHN value 01b: normal shutdown notification. */
    public static final int CC_SHN_NORMAL = 1;
    /** CC.SHN value 10b: abrupt shutdown notification. */
    public static final int CC_SHN_ABRUPT = 2;

    public static boolean ccEn(int cc) {
        return (cc & CC_EN) != 0;
    }

    public static int ccCss(int cc) {
        return (cc >>> CC_CSS_SHIFT) & 0x7;
    }

    public static int ccMps(int cc) {
        return (cc >>> CC_MPS_SHIFT) & 0xF;
    }

    public static int ccAms(int cc) {
        return (cc >>> CC_AMS_SHIFT) & 0x7;
    }

    public static int ccShn(int cc) {
        return (cc >>> CC_SHN_SHIFT) & 0x3;
    }

    public static int ccIosqes(int cc) {
        return (cc >>> CC_IOSQES_SHIFT) & 0xF;
    }

    public static int ccIocqes(int cc) {
        return (cc >>> CC_IOCQES_SHIFT) & 0xF;
    }

    /** Builds a CC value with EN clear (set {@link #CC_EN} separately). */
    public static int cc(int css, int mps, int ams, int iosqes, int iocqes) {
        return ((css & 0x7) << CC_CSS_SHIFT)
                | ((mps & 0xF) << CC_MPS_SHIFT)
                | ((ams & 0x7) << CC_AMS_SHIFT)
                | ((iosqes & 0xF) << CC_IOSQES_SHIFT)
                | ((iocqes & 0xF) << CC_IOCQES_SHIFT);
    }

    // ---- CSTS fields (3.1.3.6) ----

    public static final int CSTS_RDY = 1;
    public static final int CSTS_CFS = 1 << 1;
    public static final int CSTS_SHST_SHIFT = 2;
    public static final int CSTS_SHST_MASK = 0x3 << CSTS_SHST_SHIFT;
    /** CSTS.SHST 00b: normal operation, no shutdown requested. */
    public static final int SHST_NORMAL = 0;
    /** CSTS.SHST 01b: shutdown processing occurring. */
    public static final int SHST_IN_PROGRESS = 1;
    /** CSTS.SHST 10b: shutdown processing complete. */
    public static final int SHST_COMPLETE = 2;
    /** CSTS.NSSRO: NVM subsystem reset occurred. */
    public static final int CSTS_NSSRO = 1 << 4;
    /** CSTS.PP: processing paused. */
    public static final int CSTS_PP = 1 << 5;

    public static boolean cstsRdy(int csts) {
        return (csts & CSTS_RDY) != 0;
    }

    public static boolean cstsCfs(int csts) {
        return (csts & CSTS_CFS) != 0;
    }

    public static int cstsShst(int csts) {
        return (csts & CSTS_SHST_MASK) >>> CSTS_SHST_SHIFT;
    }

    /**
     * All-ones is what a PCIe read returns once the function is gone (surprise removal);
     * no valid CSTS has every bit set.
     */
    public static boolean isAllOnes(int value) {
        return value == 0xFFFF_FFFF;
    }

    // ---- AQA (3.1.3.8) ----

    /** Builds AQA from zero-based admin SQ and CQ sizes. */
    public static int aqa(int asqsZeroBased, int acqsZeroBased) {
        return (asqsZeroBased & 0xFFF) | ((acqsZeroBased & 0xFFF) << 16);
    }

    public static int aqaAsqs(int aqa) {
        return aqa & 0xFFF;
    }

    public static int aqaAcqs(int aqa) {
        return (aqa >>> 16) & 0xFFF;
    }

    // ---- Doorbells (PCIe transport 3.1.2: SQyTDBL and CQyHDBL) ----

    /** Offset of the submission queue tail doorbell of queue {@code qid}. */
    public static long sqTailDoorbell(int qid, int dstrd) {
        return DOORBELL_BASE + (long) (2 * qid) * (4L << dstrd);
    }

    /** Offset of the completion queue head doorbell of queue {@code qid}. */
    public static long cqHeadDoorbell(int qid, int dstrd) {
        return DOORBELL_BASE + (long) (2 * qid + 1) * (4L << dstrd);
    }

    /** VS value for a major.minor.tertiary version (3.1.3.2). */
    public static int version(int major, int minor, int tertiary) {
        return (major << 16) | (minor << 8) | tertiary;
    }
}
