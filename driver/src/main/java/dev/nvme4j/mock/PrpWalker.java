package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Walks a command's PRP entries (Base 4.1.1 "Physical Region Page Entry and List", 4.3.1) into
 * host memory chunks, each resolved through the IOVA table, before any data moves:
 * <ul>
 *   <li>PRP1 may start at an offset into its page (dword aligned); it covers to its page's end.
 *   <li>If the rest fits in one page, PRP2 is that page (offset zero).
 *   <li>Otherwise PRP2 points to a PRP list (qword aligned, may start inside a page); each entry
 *       is a page with offset zero; when more entries are needed than fit in the list page, its
 *       last entry points to the next list page.
 * </ul>
 * A forbidden offset gives "PRP Offset Invalid" and a violation record; an unmapped address
 * (data page or list page) gives "Data Transfer Error" and counts an IOMMU fault.
 * Reused for every command: it allocates only to grow its arrays.
 */
final class PrpWalker {
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private final MockNvmeController c;
    private final Counters counters;
    private final IovaTable.Cursor cursor = new IovaTable.Cursor();
    MemorySegment[] segs = new MemorySegment[64];
    long[] offs = new long[64];
    long[] lens = new long[64];
    int count;
    /** The command's PSDT is 01b: PRP1/PRP2 hold SGL1, the first SGL descriptor. */
    boolean sgl;
    private final SglWalker sglWalker;

    PrpWalker(MockNvmeController c, Counters counters) {
        this.c = c;
        this.counters = counters;
        this.sglWalker = new SglWalker(c, this);
    }

    /** Maps a {@code length}-byte transfer; returns 0 or a status field. */
    int map(long prp1, long prp2, long length, long pageSize) {
        count = 0;
        if (sgl) {
            return sglWalker.map(prp1, prp2, length);
        }
        if (length == 0) {
            return 0;
        }
        if ((prp1 & 3) != 0) {
            return offsetInvalid(String.format("PRP1 0x%x is not dword aligned", prp1));
        }
        long first = Math.min(length, pageSize - (prp1 & (pageSize - 1)));
        int st = add(prp1, first);
        long rem = length - first;
        if (st != 0 || rem == 0) {
            return st;
        }
        if (rem <= pageSize) {
            if ((prp2 & (pageSize - 1)) != 0) {
                return offsetInvalid(String.format("PRP2 0x%x (a data page) has a non-zero offset", prp2));
            }
            return add(prp2, rem);
        }
        return walkList(prp2, rem, pageSize);
    }

    private int walkList(long list, long rem, long pageSize) {
        if ((list & 7) != 0) {
            return offsetInvalid(String.format("PRP list pointer 0x%x is not qword aligned", list));
        }
        while (rem > 0) {
            long slots = (pageSize - (list & (pageSize - 1))) / 8;
            MemorySegment page = c.iommu.find(list, slots * 8, cursor);
            if (page == null) {
                return transferError(list, slots * 8);
            }
            long pageOff = cursor.offsetOf(list);
            for (long i = 0; i < slots && rem > 0; i++) {
                long e = page.get(LE_LONG, pageOff + i * 8);
                if (i == slots - 1 && rem > pageSize) {
                    if ((e & 7) != 0) {
                        return offsetInvalid(String.format("chained PRP list pointer 0x%x is not qword aligned", e));
                    }
                    list = e;
                    break;
                }
                if ((e & (pageSize - 1)) != 0) {
                    return offsetInvalid(String.format("PRP list entry %d = 0x%x has a non-zero offset", i, e));
                }
                long n = Math.min(rem, pageSize);
                int st = add(e, n);
                if (st != 0) {
                    return st;
                }
                rem -= n;
            }
        }
        return 0;
    }

    int add(long iova, long len) {
        MemorySegment seg = c.iommu.find(iova, len, cursor);
        if (seg == null) {
            return transferError(iova, len);
        }
        if (count == segs.length) {
            segs = java.util.Arrays.copyOf(segs, count * 2);
            offs = java.util.Arrays.copyOf(offs, count * 2);
            lens = java.util.Arrays.copyOf(lens, count * 2);
        }
        segs[count] = seg;
        offs[count] = cursor.offsetOf(iova);
        lens[count] = len;
        count++;
        return 0;
    }

    private int offsetInvalid(String detail) {
        c.violation(Kind.PRP_OFFSET_INVALID, detail + " (Base 4.1.1)");
        return NvmeStatus.PRP_OFFSET_INVALID.code(true);
    }

    int transferError(long iova, long len) {
        c.iommuFault(iova, len, counters);
        return NvmeStatus.DATA_TRANSFER_ERROR.code(false);
    }

    /** Copies the mapped host memory out to {@code dst} (host-to-device transfer). */
    void copyFromHost(MemorySegment dst, long dstOff) {
        for (int i = 0; i < count; i++) {
            MemorySegment.copy(segs[i], offs[i], dst, dstOff, lens[i]);
            dstOff += lens[i];
        }
    }

    /** Copies {@code src} into the mapped host memory (device-to-host transfer), up to the mapped length. */
    void copyToHost(MemorySegment src, long srcOff, long len) {
        for (int i = 0; i < count && len > 0; i++) {
            long n = Math.min(len, lens[i]);
            MemorySegment.copy(src, srcOff, segs[i], offs[i], n);
            srcOff += n;
            len -= n;
        }
    }

    /** Reads from a store into the mapped host memory. */
    void storeToHost(BlockStore store, long off) {
        for (int i = 0; i < count; i++) {
            store.read(off, segs[i], offs[i], lens[i]);
            off += lens[i];
        }
    }

    /** Writes the mapped host memory to a store. */
    void hostToStore(BlockStore store, long off) {
        for (int i = 0; i < count; i++) {
            store.write(off, segs[i], offs[i], lens[i]);
            off += lens[i];
        }
    }

    /** XORs the byte at {@code pos} of the mapped transfer with 0xFF (read-data corruption fault). */
    void flipByte(long pos) {
        for (int i = 0; i < count; i++) {
            if (pos < lens[i]) {
                byte b = segs[i].get(ValueLayout.JAVA_BYTE, offs[i] + pos);
                segs[i].set(ValueLayout.JAVA_BYTE, offs[i] + pos, (byte) ~b);
                return;
            }
            pos -= lens[i];
        }
    }
}
