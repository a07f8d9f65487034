package dev.nvme4j.spec;

/**
 * The Controller Memory Buffer's registers (NVMe Base Specification 2.0, 3.1.3.11-3.1.3.16 and
 * 8.2.1): where the CMB lies (CMBLOC: which BAR, at what offset), how large it is and what it
 * may hold (CMBSZ), and, from NVMe 1.4 on (CAP.CMBS = 1), the host's switch for the registers
 * and for the controller memory space together with the address the controller answers to for
 * it (CMBMSC). Offsets are byte offsets into BAR0; stateless.
 */
public final class CmbRegs {
    private CmbRegs() {
    }

    /** Controller Memory Buffer Location, 32-bit. */
    public static final int CMBLOC = 0x38;
    /** Controller Memory Buffer Size, 32-bit. */
    public static final int CMBSZ = 0x3C;
    /** Controller Memory Buffer Memory Space Control, 64-bit. */
    public static final int CMBMSC = 0x50;
    /** Controller Memory Buffer Status, 32-bit. */
    public static final int CMBSTS = 0x58;

    /** CAP.CMBS (bit 57): CMBMSC exists, and CMBLOC/CMBSZ read zero until CMBMSC.CRE is set. */
    public static boolean capCmbs(long cap) {
        return (cap >>> 57 & 1) != 0;
    }

    /** CAP with CMBS set or cleared. */
    public static long withCmbs(long cap, boolean cmbs) {
        return cmbs ? cap | 1L << 57 : cap & ~(1L << 57);
    }

    /** CMBLOC.BIR (bits 2:0): the BAR that holds the CMB. */
    public static int locBir(int cmbloc) {
        return cmbloc & 0x7;
    }

    /** CMBLOC.OFST (bits 31:12): the CMB's offset in its BAR, in units of {@link #sizeUnit}. */
    public static long locOffset(int cmbloc, int cmbsz) {
        return (cmbloc >>> 12 & 0xFFFFFL) * sizeUnit(cmbsz);
    }

    /** CMBSZ.SQS (bit 0): submission queues may be placed in the CMB. */
    public static boolean szSqs(int cmbsz) {
        return (cmbsz & 1) != 0;
    }

    /** The unit of CMBSZ.SZ and CMBLOC.OFST (CMBSZ.SZU, bits 11:8): 4 KiB times 16 to the SZU; -1 if reserved. */
    public static long sizeUnit(int cmbsz) {
        int szu = cmbsz >>> 8 & 0xF;
        return szu > 6 ? -1 : 4096L << (4 * szu);
    }

    /** The CMB's size in bytes (CMBSZ.SZ, bits 31:12, times the unit); 0 when absent or the unit is reserved. */
    public static long sizeBytes(int cmbsz) {
        long unit = sizeUnit(cmbsz);
        return unit < 0 ? 0 : (cmbsz >>> 12 & 0xFFFFFL) * unit;
    }

    /** Builds CMBSZ with SQS only and the size in 4 KiB units (used by the mock controller). */
    public static int sz(long bytes, boolean sqs) {
        return (int) ((bytes / 4096) << 12) | (sqs ? 1 : 0);
    }

    /** CMBMSC.CRE (bit 0): the CMB registers are on. */
    public static final long MSC_CRE = 1;
    /** CMBMSC.CMSE (bit 1): the controller memory space is on, at CMBMSC.CBA. */
    public static final long MSC_CMSE = 2;

    /** CMBMSC.CBA (bits 63:12): the address the controller uses for the CMB. */
    public static long mscCba(long cmbmsc) {
        return cmbmsc & ~0xFFFL;
    }

    /** CMBSTS.CBAI (bit 0): the address last written to CMBMSC.CBA was refused. */
    public static boolean stsCbai(int cmbsts) {
        return (cmbsts & 1) != 0;
    }
}
