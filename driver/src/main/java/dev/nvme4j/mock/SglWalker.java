package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.Sgl;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Walks the SGL of a command whose PSDT is 01b (NVMe Base 2.0, sections 4.1.2 and 4.3.2) into
 * the chunks of its {@link PrpWalker}: SGL1 (in place of PRP1 and PRP2) is a Data Block
 * descriptor, or a Segment or Last Segment descriptor pointing to a list of descriptors in host
 * memory. A Segment list ends in a Segment or Last Segment descriptor (and holds no other); a
 * Last Segment list holds none; the Data Block lengths add up to the transfer exactly (SGLS bit 16,
 * longer SGLs, is not supported). Anything else is a spec violation with the status the spec
 * names; an unmapped list or data block is a Data Transfer Error and an IOMMU fault.
 */
final class SglWalker {
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    /** Bound on chained segments, against a list that points to itself. */
    private static final int MAX_SEGMENTS = 4096;

    private final MockNvmeController c;
    private final PrpWalker out;
    private final IovaTable.Cursor cursor = new IovaTable.Cursor();

    SglWalker(MockNvmeController c, PrpWalker out) {
        this.c = c;
        this.out = out;
    }

    /** Maps a {@code length}-byte transfer from SGL1 (address, then length and identifier); returns 0 or a status. */
    int map(long address, long lengthAndId, long length) {
        int len = (int) lengthAndId;
        int id = (int) (lengthAndId >>> 56) & 0xFF;
        if (Sgl.subType(id) != 0) {
            return violation(NvmeStatus.SGL_DESCRIPTOR_TYPE_INVALID, "SGL1 sub type " + Sgl.subType(id) + " (only 0, address)");
        }
        return switch (Sgl.type(id)) {
            case Sgl.TYPE_DATA_BLOCK -> finish(dataBlock(address, len, length), length - Integer.toUnsignedLong(len));
            case Sgl.TYPE_SEGMENT, Sgl.TYPE_LAST_SEGMENT -> segments(address, len, Sgl.type(id), length);
            default -> violation(NvmeStatus.SGL_DESCRIPTOR_TYPE_INVALID, "SGL1 of descriptor type " + Sgl.type(id));
        };
    }

    private int dataBlock(long address, int len, long remaining) {
        long n = Integer.toUnsignedLong(len);
        if (n > remaining) {
            return violation(NvmeStatus.DATA_SGL_LENGTH_INVALID, "a data block of " + n + " bytes where only "
                    + remaining + " bytes of the transfer are left");
        }
        return n == 0 ? 0 : out.add(address, n);
    }

    private int finish(int status, long remaining) {
        if (status == 0 && remaining != 0) {
            return violation(NvmeStatus.DATA_SGL_LENGTH_INVALID, "the data blocks describe " + remaining
                    + " bytes less than the transfer");
        }
        return status;
    }

    private int segments(long address, int len, int type, long length) {
        long remaining = length;
        for (int segment = 0; segment < MAX_SEGMENTS; segment++) {
            if (len == 0 || (len & (Sgl.DESCRIPTOR_SIZE - 1)) != 0) {
                return violation(NvmeStatus.INVALID_SGL_SEGMENT_DESCRIPTOR, "segment of " + Integer.toUnsignedLong(len)
                        + " bytes, not a non-zero multiple of 16");
            }
            MemorySegment list = c.iommu.find(address, len, cursor);
            if (list == null) {
                return out.transferError(address, len);
            }
            long base = cursor.offsetOf(address);
            int n = len / Sgl.DESCRIPTOR_SIZE;
            boolean last = type == Sgl.TYPE_LAST_SEGMENT;
            int nextType = -1;
            for (int i = 0; i < n; i++) {
                long off = base + (long) i * Sgl.DESCRIPTOR_SIZE;
                long a = list.get(LE_LONG, off);
                int l = list.get(LE_INT, off + 8);
                int id = list.get(ValueLayout.JAVA_BYTE, off + 15) & 0xFF;
                int t = Sgl.type(id);
                if (Sgl.subType(id) != 0) {
                    return violation(NvmeStatus.SGL_DESCRIPTOR_TYPE_INVALID, "descriptor " + i + " of a segment has sub type "
                            + Sgl.subType(id));
                }
                if (t == Sgl.TYPE_DATA_BLOCK) {
                    int st = dataBlock(a, l, remaining);
                    if (st != 0) {
                        return st;
                    }
                    remaining -= Integer.toUnsignedLong(l);
                } else if (t == Sgl.TYPE_SEGMENT || t == Sgl.TYPE_LAST_SEGMENT) {
                    if (last || i != n - 1) {
                        return violation(NvmeStatus.INVALID_SGL_SEGMENT_DESCRIPTOR, "a segment descriptor at entry " + i
                                + " of a " + (last ? "last segment" : "segment of " + n + " entries")
                                + " (only the last entry of a segment may point to the next)");
                    }
                    nextType = t;
                    address = a;
                    len = l;
                } else {
                    return violation(NvmeStatus.SGL_DESCRIPTOR_TYPE_INVALID, "descriptor " + i + " of type " + t);
                }
            }
            if (last) {
                return finish(0, remaining);
            }
            if (nextType < 0) {
                return violation(NvmeStatus.INVALID_SGL_SEGMENT_DESCRIPTOR,
                        "a segment (not a last segment) that does not end in a segment descriptor");
            }
            type = nextType;
        }
        return violation(NvmeStatus.INVALID_SGL_SEGMENT_DESCRIPTOR, "more than " + MAX_SEGMENTS + " chained segments");
    }

    private int violation(NvmeStatus status, String detail) {
        c.violation(Kind.SGL_DESCRIPTOR_INVALID, detail + " (Base 4.1.2)");
        return status.code(true);
    }
}
