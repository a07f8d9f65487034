package dev.nvme4j.spec;

/**
 * Byte offsets in the 4096-byte Identify data structures: Identify Controller (NVMe Base
 * Specification 2.0, section 5.17.2.1, figure 275), Identify Namespace for the NVM command set
 * (NVM Command Set Specification 1.0, section 4.1.5.1, figure 97) and the Active Namespace ID
 * list (Base 5.17.2.2). Multi-byte fields are little-endian; strings are ASCII, space padded.
 */
public final class IdentifyLayout {
    private IdentifyLayout() {
    }

    /** Size of every Identify data structure. */
    public static final int SIZE = 4096;

    // ---- Identify Controller (CNS 01h) ----
    /** PCI Vendor ID, 2 bytes. */
    public static final int CTRL_VID = 0;
    /** PCI Subsystem Vendor ID, 2 bytes. */
    public static final int CTRL_SSVID = 2;
    /** Serial Number, 20 ASCII bytes. */
    public static final int CTRL_SN = 4;
    public static final int CTRL_SN_LEN = 20;
    /** Model Number, 40 ASCII bytes. */
    public static final int CTRL_MN = 24;
    public static final int CTRL_MN_LEN = 40;
    /** Firmware Revision, 8 ASCII bytes. */
    public static final int CTRL_FR = 64;
    public static final int CTRL_FR_LEN = 8;
    /** Recommended Arbitration Burst, 1 byte. */
    public static final int CTRL_RAB = 72;
    /** Maximum Data Transfer Size, 1 byte: 2^MDTS units of CAP.MPSMIN pages; 0 = no limit. */
    public static final int CTRL_MDTS = 77;
    /** Controller ID, 2 bytes. */
    public static final int CTRL_CNTLID = 78;
    /** Version, 4 bytes (as the VS register). */
    public static final int CTRL_VER = 80;
    /** RTD3 Entry Latency in microseconds, 4 bytes (bounds the shutdown wait). */
    public static final int CTRL_RTD3E = 88;
    /** Optional Asynchronous Events Supported, 4 bytes. */
    public static final int CTRL_OAES = 92;
    /** Controller Type, 1 byte (1 = I/O controller). */
    public static final int CTRL_CNTRLTYPE = 111;
    /** Controller Attributes, 4 bytes. */
    public static final int CTRL_CTRATT = 96;
    /** CTRATT bit 7: Namespace Granularity (Identify CNS 16h). */
    public static final int CTRATT_NS_GRANULARITY = 1 << 7;
    /** CNTRLTYPE 01h: an I/O controller. */
    public static final int CNTRLTYPE_IO = 1;
    /** Optional Admin Command Support, 2 bytes. */
    public static final int CTRL_OACS = 256;
    /** Abort Command Limit, 1 byte, zero-based. */
    public static final int CTRL_ACL = 258;
    /** Asynchronous Event Request Limit, 1 byte, zero-based. */
    public static final int CTRL_AERL = 259;
    /** Firmware Updates, 1 byte. */
    public static final int CTRL_FRMW = 260;
    /** FRMW bit 0: firmware slot 1 is read only. */
    public static final int FRMW_SLOT1_READ_ONLY = 0x01;
    /** FRMW bits 3:1: the number of firmware slots. */
    public static final int FRMW_SLOTS_SHIFT = 1;
    /** FRMW bit 4: Firmware Commit can activate an image without a reset (commit action 011b). */
    public static final int FRMW_ACTIVATE_WITHOUT_RESET = 0x10;
    /** Total NVM Capacity in bytes, 16 bytes (namespace management). */
    public static final int CTRL_TNVMCAP = 280;
    /** Unallocated NVM Capacity in bytes, 16 bytes. */
    public static final int CTRL_UNVMCAP = 296;
    /** Extended Device Self-test Time in minutes, 2 bytes. */
    public static final int CTRL_EDSTT = 316;
    /** Firmware Update Granularity in 4 KiB units, 1 byte (0: not reported, FFh: no restriction). */
    public static final int CTRL_FWUG = 319;
    /** Sanitize Capabilities, 4 bytes: bit 0 crypto erase, 1 block erase, 2 overwrite. */
    public static final int CTRL_SANICAP = 328;
    /** Log Page Attributes, 1 byte. */
    public static final int CTRL_LPA = 261;
    /** Error Log Page Entries, 1 byte, zero-based. */
    public static final int CTRL_ELPE = 262;
    /** Submission Queue Entry Size, 1 byte: bits 3:0 required, 7:4 maximum (log2). */
    public static final int CTRL_SQES = 512;
    /** Completion Queue Entry Size, 1 byte: bits 3:0 required, 7:4 maximum (log2). */
    public static final int CTRL_CQES = 513;

    /** An SQES/CQES byte: the required entry size in bits 3:0, the maximum in 7:4 (both log2). */
    public static int entrySizes(int requiredLog2, int maxLog2) {
        return (maxLog2 << 4) | requiredLog2;
    }
    /**
     * Command Retry Delay Times 1 to 3, 2 bytes each, in units of 100 ms: the delay the CRD field
     * of an error status selects (Base 5.17.2.1; CRD is non-zero only when the host enabled ACRE).
     */
    public static final int CTRL_CRDT1 = 134;
    /** Maximum Outstanding Commands, 2 bytes. */
    public static final int CTRL_MAXCMD = 514;
    /** Number of Namespaces (the highest NSID), 4 bytes. */
    public static final int CTRL_NN = 516;
    /** Optional NVM Command Support, 2 bytes. */
    public static final int CTRL_ONCS = 520;
    /** Volatile Write Cache, 1 byte. */
    public static final int CTRL_VWC = 525;
    /** SGL Support, 4 bytes. */
    public static final int CTRL_SGLS = 536;
    /** NVM Subsystem NVMe Qualified Name, 256 bytes. */
    public static final int CTRL_SUBNQN = 768;
    public static final int CTRL_SUBNQN_LEN = 256;

    /** OACS bit 1: Format NVM supported. */
    public static final int OACS_FORMAT = 1 << 1;
    /** OACS bit 2: Firmware Commit and Firmware Image Download supported. */
    public static final int OACS_FIRMWARE = 1 << 2;
    /** OACS bit 4: Device Self-test supported. */
    public static final int OACS_SELF_TEST = 1 << 4;
    /** OACS bit 3: Namespace Management and Attachment supported. */
    public static final int OACS_NS_MANAGEMENT = 1 << 3;
    /** OACS bit 8: Doorbell Buffer Config supported (shadow doorbells). */
    public static final int OACS_DOORBELL_BUFFER_CONFIG = 1 << 8;

    /** ONCS bit 2: Dataset Management supported. */
    public static final int ONCS_DSM = 1 << 2;
    /** ONCS bit 3: Write Zeroes supported. */
    public static final int ONCS_WRITE_ZEROES = 1 << 3;
    /** VWC bit 0: a volatile write cache is present. */
    public static final int VWC_PRESENT = 1;

    // ---- Identify Namespace, NVM command set (CNS 00h) ----
    /** Namespace Size in logical blocks, 8 bytes. */
    public static final int NS_NSZE = 0;
    /** Namespace Capacity, 8 bytes. */
    public static final int NS_NCAP = 8;
    /** Namespace Utilization, 8 bytes. */
    public static final int NS_NUSE = 16;
    /** Namespace Features, 1 byte. */
    public static final int NS_NSFEAT = 24;
    /** Number of LBA Formats, 1 byte, zero-based. */
    public static final int NS_NLBAF = 25;
    /** Formatted LBA Size, 1 byte: bits 3:0 index the LBA format in use. */
    public static final int NS_FLBAS = 26;
    /** Metadata Capabilities, 1 byte: bit 0 extended LBA supported, bit 1 separate buffer supported. */
    public static final int NS_MC = 27;
    /** End-to-end Data Protection Capabilities, 1 byte: bits 0-2 types 1-3, bit 3 PI first, bit 4 PI last. */
    public static final int NS_DPC = 28;
    /** End-to-end Data Protection Type Settings, 1 byte: bits 2:0 the type (0 none), bit 3 PI first. */
    public static final int NS_DPS = 29;
    /** Namespace Multi-path I/O and Namespace Sharing Capabilities, 1 byte: bit 0 shared. */
    public static final int NS_NMIC = 30;
    /** Deallocate Logical Block Features, 1 byte: bits 2:0 = 001b, deallocated blocks read zeros. */
    public static final int NS_DLFEAT = 33;
    /** ANAGRPID: ANA group identifier (4 bytes). */
    public static final int NS_ANAGRPID = 92;
    /** NVMSETID: NVM Set identifier (2 bytes). */
    public static final int NS_NVMSETID = 100;
    /**
     * LBSTM, logical block storage tag mask (8 bytes), where nvme-cli puts it in the data of a
     * Namespace Management create: right after the 64 LBA formats.
     */
    public static final int NS_LBSTM = 384;
    /** DLFEAT bits 2:0 = 001b: a deallocated logical block reads as all zeros. */
    public static final int DLFEAT_READS_ZEROES = 0x01;
    /** DLFEAT bit 3: Write Zeroes supports the Deallocate bit. */
    public static final int DLFEAT_WRITE_ZEROES_DEALLOCATES = 0x08;
    /** First LBA Format descriptor, 4 bytes each: MS 15:0, LBADS 23:16 (log2), RP 25:24. */
    public static final int NS_LBAF0 = 128;

    /** Bytes per LBA Format descriptor. */
    public static final int NS_LBAF_SIZE = 4;

    /** FLBAS bit 4: metadata is transferred at the end of the data (extended LBA); otherwise a separate buffer. */
    public static final int FLBAS_EXTENDED = 1 << 4;
    /** DPS bit 3: protection information is the first 8 bytes of the metadata (otherwise the last 8). */
    public static final int DPS_PI_FIRST = 1 << 3;
    /** DPS bits 2:0: protection information type. */
    public static final int DPS_TYPE_MASK = 0x7;

    /** MC bit 0: metadata may be transferred as part of an extended LBA. */
    public static final int MC_EXTENDED_LBA = 1;
    /** MC bit 1: metadata may be transferred in a separate buffer (MPTR). */
    public static final int MC_SEPARATE_BUFFER = 1 << 1;
    /** DPC bits 0-2: protection information types 1, 2 and 3 supported. */
    public static final int DPC_TYPE1 = 1;
    public static final int DPC_TYPE2 = 1 << 1;
    public static final int DPC_TYPE3 = 1 << 2;
    /** DPC bit 3: protection information may be the first 8 bytes of the metadata. */
    public static final int DPC_PI_FIRST = 1 << 3;
    /** DPC bit 4: protection information may be the last 8 bytes of the metadata. */
    public static final int DPC_PI_LAST = 1 << 4;

    /** FLBAS for LBA format {@code index} (0-63): bits 3:0 and bits 6:5, and bit 4 for extended LBAs. */
    public static int flbas(int index, boolean extended) {
        return (index & 0xF) | ((index >>> 4) & 0x3) << 5 | (extended ? FLBAS_EXTENDED : 0);
    }

    /** Index of the LBA format in use from FLBAS: bits 3:0, and bits 6:5 as the high bits. */
    public static int flbasIndex(int flbas) {
        return (flbas & 0xF) | (((flbas >>> 5) & 0x3) << 4);
    }

    /** An LBA Format descriptor: {@code ms} metadata bytes per block, 2^{@code lbads} data bytes, RP 0 (best). */
    public static int lbaf(int lbads, int ms) {
        return ((lbads & 0xFF) << 16) | (ms & 0xFFFF);
    }

    /** MS (metadata bytes per block) from an LBA Format descriptor. */
    public static int lbafMetadataSize(int lbaf) {
        return lbaf & 0xFFFF;
    }

    /** LBADS (log2 of the LBA data size) from an LBA Format descriptor. */
    public static int lbafLbads(int lbaf) {
        return (lbaf >>> 16) & 0xFF;
    }

    // ---- Active Namespace ID list (CNS 02h) ----
    /** Up to 1024 NSIDs of 4 bytes, increasing, zero-terminated. */
    public static final int NSLIST_MAX = 1024;
}
