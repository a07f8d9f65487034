package dev.nvme4j.spec;

/**
 * The command dword fields of the NVM command set's I/O commands (NVM Command Set Specification
 * 1.0, section 3.2) and the Dataset Management range: the one place each is encoded (by the
 * driver) and decoded (by the mock controller). Protection information fields are in
 * {@link PiTuple}. Stateless.
 */
public final class IoFields {
    /** Bytes of one Dataset Management range (3.2.3, figure 39). */
    public static final int DSM_RANGE_SIZE = 16;
    /** Byte offsets in a range: context attributes, length in logical blocks, starting LBA. */
    public static final int DSM_RANGE_ATTRIBUTES = 0;
    public static final int DSM_RANGE_LENGTH = 4;
    public static final int DSM_RANGE_SLBA = 8;

    private IoFields() {
    }

    /** CDW12 bits 15:0 of Read, Write, Write Zeroes: NLB, the number of logical blocks, zero-based. */
    public static int nlbCdw12(int blocks) {
        return blocks - 1;
    }

    /** The number of logical blocks (NLB + 1) from CDW12. */
    public static long blocks(int cdw12) {
        return (cdw12 & 0xFFFF) + 1;
    }

    /** SLBA from CDW10 (bits 31:0) and CDW11 (bits 63:32). */
    public static long slba(int cdw10, int cdw11) {
        return (cdw10 & 0xFFFF_FFFFL) | ((long) cdw11 << 32);
    }

    /** CDW10 bits 7:0 of Dataset Management: NR, the number of ranges, zero-based. */
    public static int dsmCdw10(int ranges) {
        return ranges - 1;
    }

    /** The number of ranges (NR + 1) from CDW10 of Dataset Management. */
    public static int dsmRanges(int cdw10) {
        return (cdw10 & 0xFF) + 1;
    }

    /** CDW15 of Read and Write: LBAT (expected application tag, 16 bits) in bits 15:0, LBATM (its mask) in 31:16. */
    public static int appTagCdw15(int appTag, int appTagMask) {
        return appTagMask << 16 | appTag;
    }

    public static int appTag(int cdw15) {
        return cdw15 & 0xFFFF;
    }

    public static int appTagMask(int cdw15) {
        return cdw15 >>> 16;
    }
}
