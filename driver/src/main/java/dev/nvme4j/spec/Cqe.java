package dev.nvme4j.spec;

import java.lang.foreign.MemorySegment;

/**
 * Completion queue entry layout: 16 bytes, little-endian (NVMe Base Specification 2.0,
 * section 4.6, figure 90). DW2 holds SQ Head Pointer and SQ Identifier; DW3 holds the
 * Command Identifier, the Phase Tag (bit 16) and the Status Field (bits 31:17, section 4.6.1).
 */
public final class Cqe {
    private Cqe() {
    }

    /** Size of one entry; CC.IOCQES = 4 (2^4). */
    public static final int SIZE = 16;
    public static final int SIZE_LOG2 = 4;

    public static final int OFF_DW0 = 0;
    public static final int OFF_DW1 = 4;
    public static final int OFF_DW2 = 8;
    public static final int OFF_DW3 = 12;

    public static int sqHead(int dw2) {
        return dw2 & 0xFFFF;
    }

    public static int sqId(int dw2) {
        return dw2 >>> 16;
    }

    public static int cid(int dw3) {
        return dw3 & 0xFFFF;
    }

    public static int phase(int dw3) {
        return (dw3 >>> 16) & 1;
    }

    /** The 15-bit status field (see {@link dev.nvme4j.api.Status}). */
    public static int status(int dw3) {
        return dw3 >>> 17;
    }

    public static int dw2(int sqHead, int sqId) {
        return (sqHead & 0xFFFF) | (sqId << 16);
    }

    public static int dw3(int cid, int phase, int status) {
        return (cid & 0xFFFF) | ((phase & 1) << 16) | ((status & 0x7FFF) << 17);
    }

    public static int getInt(MemorySegment s, long base, int off) {
        return s.get(Le.INT, base + off);
    }

    public static void putInt(MemorySegment s, long base, int off, int v) {
        s.set(Le.INT, base + off, v);
    }
}
