package dev.nvme4j.spec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scatter Gather List descriptors (NVMe Base Specification 2.0, section 4.1.2, figures 87-93):
 * 16 bytes each, the address in bytes 7:0, the length in bytes 11:8 and the SGL identifier in
 * byte 15 (descriptor type in bits 7:4, sub type in bits 3:0; sub type 0 is "address"). A
 * command uses SGLs when CDW0.PSDT is 01b (MPTR then holds a contiguous metadata buffer) or 10b
 * (MPTR points to an SGL); its first descriptor, SGL1, takes the place of PRP1 and PRP2.
 * Stateless.
 */
public final class Sgl {
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    /** Bytes per descriptor. */
    public static final int DESCRIPTOR_SIZE = 16;
    /** Data Block: {@code length} bytes of data at the address. */
    public static final int TYPE_DATA_BLOCK = 0x0;
    /** Bit Bucket: {@code length} bytes the controller discards (reads only). */
    public static final int TYPE_BIT_BUCKET = 0x1;
    /** Segment: a list of descriptors of {@code length} bytes, ending in a (Last) Segment descriptor. */
    public static final int TYPE_SEGMENT = 0x2;
    /** Last Segment: the final list of descriptors, with no segment descriptor in it. */
    public static final int TYPE_LAST_SEGMENT = 0x3;
    /** CDW0.PSDT 01b: SGLs for the data, MPTR the address of a contiguous metadata buffer. */
    public static final int PSDT_SGL_CONTIGUOUS_METADATA = 1;
    /** CDW0 bit of PSDT 01b. */
    public static final int CDW0_PSDT_SGL = PSDT_SGL_CONTIGUOUS_METADATA << 14;

    private Sgl() {
    }

    /** True when Identify Controller SGLS bits 1:0 say the NVM command set supports SGLs (01b or 10b). */
    public static boolean supported(int sgls) {
        int v = sgls & 0x3;
        return v == 1 || v == 2;
    }

    /** True when SGLS bits 1:0 are 10b: data blocks must be dword aligned. */
    public static boolean dwordAlignmentRequired(int sgls) {
        return (sgls & 0x3) == 2;
    }

    /** Writes one descriptor at {@code off} of {@code s}. */
    public static void put(MemorySegment s, long off, long address, int length, int type) {
        s.set(LE_LONG, off, address);
        s.set(LE_LONG, off + 8, secondQuadword(length, type));
    }

    /**
     * Bytes 8 to 15 of a descriptor as one little-endian quadword: the length (bytes 11:8),
     * bytes 14:12 reserved, byte 15 the identifier (type in bits 7:4, sub type 0).
     */
    public static long secondQuadword(int length, int type) {
        return Le.quad(length, (type & 0xF) << 28);
    }

    /** Descriptor type of the identifier byte (byte 15). */
    public static int type(int identifier) {
        return (identifier >>> 4) & 0xF;
    }

    /** Sub type of the identifier byte. */
    public static int subType(int identifier) {
        return identifier & 0xF;
    }
}
