package dev.nvme4j.spec;

/**
 * End-to-end protection information with the 16-bit guard (NVM Command Set Specification 1.0,
 * section 5.2): the 8-byte tuple in the metadata of each block (big-endian: guard, application
 * tag, reference tag), and the PRINFO bits of CDW12 of Read, Write and their relatives. The one
 * home of these fields for the driver and the mock.
 */
public final class PiTuple {
    /** Bytes of one tuple: the first or last 8 bytes of a block's metadata (DPS bit 3). */
    public static final int SIZE = 8;
    /** Byte offsets in the tuple: Guard (CRC-16 T10-DIF), Application Tag, Reference Tag. */
    public static final int GUARD = 0;
    public static final int APP_TAG = 2;
    public static final int REF_TAG = 4;

    /** CDW12 bit 29: Protection Information Action (the controller inserts / strips the PI). */
    public static final int PRACT = 1 << 29;
    /** CDW12 bits 28:26: Protection Information Check, as a 3-bit field (guard, application tag, reference tag). */
    public static final int PRCHK_SHIFT = 26;
    public static final int PRCHK_GUARD = 1 << 28;
    public static final int PRCHK_APP = 1 << 27;
    public static final int PRCHK_REF = 1 << 26;

    private PiTuple() {
    }

    /**
     * True when a block's tuple turns checking off (NVM Command Set 5.2.1.3): the application tag
     * is FFFFh and, for type 3, the reference tag is FFFFFFFFh too (unwritten or deallocated blocks).
     */
    public static boolean checkingDisabled(int piType, int appTag, int refTag) {
        return appTag == 0xFFFF && (piType != 3 || refTag == -1);
    }
}
