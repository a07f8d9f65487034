package dev.nvme4j.spec;

/**
 * Byte offsets of the Identify data structures the driver and the mock controller use.
 * Identify Controller: NVMe Base Specification 2.0, section 5.17.2.1, figure 275. Identify
 * Namespace (NVM command set): NVM Command Set Specification 1.0, section 4.1.5.1, figure 97.
 * Every structure is 4096 bytes, little-endian. Stateless.
 */
public final class IdentifyLayout {
    private IdentifyLayout() {
    }

    /** Size of every Identify data structure. */
    public static final int SIZE = 4096;

    // ---- Identify Controller (CNS 01h) ----
    public static final int CTRL_VID = 0;         // 2 bytes
    public static final int CTRL_SSVID = 2;       // 2 bytes
    public static final int CTRL_SN = 4;          // 20 ASCII bytes
    public static final int CTRL_SN_LEN = 20;
    public static final int CTRL_MN = 24;         // 40 ASCII bytes
    public static final int CTRL_MN_LEN = 40;
    public static final int CTRL_FR = 64;         // 8 ASCII bytes
    public static final int CTRL_FR_LEN = 8;
    /** MDTS: max data transfer size, 2^n units of CAP.MPSMIN; 0 means no limit. */
    public static final int CTRL_MDTS = 77;       // 1 byte
    public static final int CTRL_CNTLID = 78;     // 2 bytes
    public static final int CTRL_VER = 80;        // 4 bytes
    /** RTD3E: RTD3 entry latency in microseconds (bounds the shutdown wait). */
    public static final int CTRL_RTD3E = 88;      // 4 bytes
    public static final int CTRL_OAES = 92;       // 4 bytes
    public static final int CTRL_OACS = 256;      // 2 bytes
    /** ACL: abort command limit, zero-based. */
    public static final int CTRL_ACL = 258;       // 1 byte
    /** AERL: asynchronous event request limit, zero-based. */
    public static final int CTRL_AERL = 259;      // 1 byte
    public static final int CTRL_LPA = 261;       // 1 byte
    public static final int CTRL_SQES = 512;      // 1 byte
    public static final int CTRL_CQES = 513;      // 1 byte
    public static final int CTRL_MAXCMD = 514;    // 2 bytes
    /** NN: number of namespaces (highest valid NSID). */
    public static final int CTRL_NN = 516;        // 4 bytes
    /** ONCS: optional NVM command support. */
    public static final int CTRL_ONCS = 520;      // 2 bytes
    public static final int CTRL_VWC = 525;       // 1 byte
    public static final int CTRL_SGLS = 536;      // 4 bytes

    /** ONCS bit 2: Dataset Management. */
    public static final int ONCS_DSM = 1 << 2;
    /** ONCS bit 3: Write Zeroes. */
    public static final int ONCS_WRITE_ZEROES = 1 << 3;

    // ---- Identify Namespace, NVM command set (CNS 00h) ----
    public static final int NS_NSZE = 0;          // 8 bytes
    public static final int NS_NCAP = 8;          // 8 bytes
    public static final int NS_NUSE = 16;         // 8 bytes
    public static final int NS_NSFEAT = 24;       // 1 byte
    /** NLBAF: number of LBA formats, zero-based. */
    public static final int NS_NLBAF = 25;        // 1 byte
    /** FLBAS: bits 3:0 (and 6:5 as the high bits) select the LBA format in use. */
    public static final int NS_FLBAS = 26;        // 1 byte
    public static final int NS_DLFEAT = 33;       // 1 byte
    /** LBA Format 0; format n is at {@code NS_LBAF0 + 4 * n}. */
    public static final int NS_LBAF0 = 128;
    public static final int NS_LBAF_SIZE = 4;

    /** Index of the LBA format in use from FLBAS (bits 3:0 low, bits 6:5 high). */
    public static int flbasIndex(int flbas) {
        return (flbas & 0xF) | (((flbas >>> 5) & 0x3) << 4);
    }

    /** LBA format dword: MS in bits 15:0. */
    public static int lbafMetadataSize(int lbaf) {
        return lbaf & 0xFFFF;
    }

    /** LBA format dword: LBADS (log2 of the LBA data size) in bits 23:16. */
    public static int lbafDataSizeLog2(int lbaf) {
        return (lbaf >>> 16) & 0xFF;
    }

    /** Builds an LBA format dword (used by the mock controller). */
    public static int lbaf(int metadataSize, int dataSizeLog2) {
        return (metadataSize & 0xFFFF) | ((dataSizeLog2 & 0xFF) << 16);
    }
}
