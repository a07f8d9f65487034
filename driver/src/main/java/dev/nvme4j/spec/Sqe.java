package dev.nvme4j.spec;

import java.lang.foreign.MemorySegment;

/**
 * Submission queue entry layout: 64 bytes, little-endian (NVMe Base Specification 2.0,
 * section 4.2, figure 88 "Common Command Format"). Accessors read and write one entry at
 * {@code base} within a segment (usually the SQ ring) with plain accesses; the queue code
 * publishes the entry with a release store of the tail doorbell.
 */
public final class Sqe {
    private Sqe() {
    }

    /** Size of one entry; CC.IOSQES = 6 (2^6). */
    public static final int SIZE = 64;
    public static final int SIZE_LOG2 = 6;

    public static final int OFF_CDW0 = 0;   // OPC 7:0, FUSE 9:8, PSDT 15:14, CID 31:16
    public static final int OFF_NSID = 4;
    public static final int OFF_CDW2 = 8;
    public static final int OFF_CDW3 = 12;
    public static final int OFF_MPTR = 16;
    public static final int OFF_PRP1 = 24;
    public static final int OFF_PRP2 = 32;
    public static final int OFF_CDW10 = 40;
    public static final int OFF_CDW11 = 44;
    public static final int OFF_CDW12 = 48;
    public static final int OFF_CDW13 = 52;
    public static final int OFF_CDW14 = 56;
    public static final int OFF_CDW15 = 60;


    /** CDW0 from opcode and command identifier (FUSE = 0, PSDT = 00b: PRPs). */
    public static int cdw0(int opcode, int cid) {
        return (opcode & 0xFF) | ((cid & 0xFFFF) << 16);
    }

    public static int opcode(int cdw0) {
        return cdw0 & 0xFF;
    }

    public static int fuse(int cdw0) {
        return (cdw0 >>> 8) & 0x3;
    }

    public static int psdt(int cdw0) {
        return (cdw0 >>> 14) & 0x3;
    }

    public static int cid(int cdw0) {
        return cdw0 >>> 16;
    }

    public static int getInt(MemorySegment s, long base, int off) {
        return s.get(Le.INT, base + off);
    }

    public static long getLong(MemorySegment s, long base, int off) {
        return s.get(Le.LONG, base + off);
    }

    public static void putInt(MemorySegment s, long base, int off, int v) {
        s.set(Le.INT, base + off, v);
    }

    public static void putLong(MemorySegment s, long base, int off, long v) {
        s.set(Le.LONG, base + off, v);
    }

    /** Zeroes one entry. */
    public static void clear(MemorySegment s, long base) {
        s.asSlice(base, SIZE).fill((byte) 0);
    }
}
