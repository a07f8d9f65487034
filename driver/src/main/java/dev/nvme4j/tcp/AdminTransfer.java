package dev.nvme4j.tcp;

import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;

/**
 * The data length an admin command moves, as the NVMe Base Specification defines it. Over PCIe
 * the controller moves that much whatever the buffer's size; over fabrics the SGL carries a
 * length and a target compares it with the command's (nvmet refuses any other with Data SGL
 * Length Invalid), so the transport sends the command's own length when the buffer is larger.
 */
final class AdminTransfer {
    /** Features with a data structure (Base 5.27.1): LBA Range Type, APST, HMB (Get), Timestamp. */
    private static final int FID_LBA_RANGE_TYPE = 0x03;
    private static final int FID_APST = 0x0C;
    private static final int FID_HOST_MEMORY_BUFFER = 0x0D;
    private static final int FID_TIMESTAMP = 0x0E;
    private static final int FID_HOST_IDENTIFIER = 0x81;

    private AdminTransfer() {
    }

    /**
     * The bytes admin command {@code opcode} at {@code sq[base]} moves, at most {@code sglLength}
     * (the caller's buffer); {@code sglLength} for a command whose length the specification leaves
     * to the command set or the vendor.
     */
    static int length(MemorySegment sq, long base, int opcode, int sglLength) {
        int cdw10 = sq.get(Le.INT, base + Sqe.OFF_CDW10);
        int cdw11 = sq.get(Le.INT, base + Sqe.OFF_CDW11);
        long defined = switch (opcode) {
            case 0x06, 0x15 -> 4096;                       // Identify; Namespace Attachment: a controller list
            case 0x0D -> (cdw10 & 0xF) == 0 ? 4096 : 0;    // Namespace Management: create takes a structure
            case 0x02 -> ((cdw10 >>> 16) | ((long) (cdw11 & 0xFFFF) << 16)) * 4L + 4;  // Get Log Page: NUMD
            case 0x11, 0x19, 0x1A -> Integer.toUnsignedLong(cdw10) * 4L + 4;  // FW Download, Directive: NUMD
            case 0x81, 0x82 -> Integer.toUnsignedLong(cdw11);                 // Security Send/Receive: TL/AL
            case 0x86 -> Integer.toUnsignedLong(sq.get(Le.INT, base + Sqe.OFF_CDW10 + 8)) * 4L + 4; // LBA Status
            case 0x09, 0x0A -> featureLength(opcode, cdw10 & 0xFF, cdw11);
            case 0x08, 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x80, 0x84 -> 0; // Abort, AER, FW Commit, DST, KA, VM, Format, Sanitize
            default -> sglLength;
        };
        return (int) Math.min(sglLength, defined);
    }

    private static long featureLength(int opcode, int fid, int cdw11) {
        return switch (fid) {
            case FID_LBA_RANGE_TYPE -> 4096;
            case FID_APST -> 256;
            case FID_HOST_MEMORY_BUFFER -> opcode == 0x0A ? 4096 : 0;
            case FID_TIMESTAMP -> 8;
            case FID_HOST_IDENTIFIER -> (cdw11 & 1) != 0 ? 16 : 8;
            default -> fid >= 0xC0 ? Integer.MAX_VALUE : 0; // vendor specific: as the buffer
        };
    }
}
