package dev.nvme4j.queue;

import dev.nvme4j.spec.Le;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Builds the data pointer of a command from a device address and a length (NVMe Base
 * Specification 2.0, section 4.1.1 "Physical Region Page Entry and List"): PRP1 points at the
 * first byte (any dword-aligned offset); PRP2 is unused when the transfer stays in the first
 * memory page, the second page when it ends in the second, and otherwise a PRP list of the
 * remaining page addresses. When a list does not fit in one memory page, the last entry of the
 * page points to the next list page (chaining, figure 85).
 *
 * <p>Stateless; allocation-free. The list area is the tracker's preallocated one.
 */
public final class PrpBuilder {
    private static final ValueLayout.OfLong LE_LONG =
            Le.LONG;
    /** Smallest per-tracker area: also holds one Dataset Management range (16 bytes). */
    private static final int MIN_AREA = 64;

    private PrpBuilder() {
    }

    /**
     * Returns PRP2 for a transfer of {@code length} bytes at {@code iova} (PRP1 is
     * {@code iova} itself), writing a PRP list into {@code list} when one is needed.
     *
     * @throws IllegalArgumentException when the list would not fit the area (a driver bug:
     *                                  the area is sized for the largest transfer)
     */
    public static long prp2(long iova, long length, int pageSize, MemorySegment list, long listIova) {
        long mask = pageSize - 1;
        long firstChunk = pageSize - (iova & mask);
        if (length <= firstChunk) {
            return 0;
        }
        long nextPage = (iova & ~mask) + pageSize;
        long remaining = length - firstChunk;
        if (remaining <= pageSize) {
            return nextPage;
        }
        int entries = (int) ((remaining + mask) / pageSize);
        writeList(nextPage, entries, pageSize, list, listIova);
        return listIova;
    }

    private static void writeList(long firstPage, int entries, int pageSize, MemorySegment list, long listIova) {
        long pos = 0;
        long page = firstPage;
        for (int left = entries; left > 0; left--) {
            boolean lastSlotOfPage = ((listIova + pos) & (pageSize - 1)) == pageSize - 8;
            if (lastSlotOfPage && left > 1) {
                // Figure 85: the last entry of a full list page points to the next list page.
                checkRoom(list, pos, entries);
                list.set(LE_LONG, pos, listIova + pos + 8);
                pos += 8;
            }
            checkRoom(list, pos, entries);
            list.set(LE_LONG, pos, page);
            pos += 8;
            page += pageSize;
        }
    }

    private static void checkRoom(MemorySegment list, long pos, int entries) {
        if (pos + 8 > list.byteSize()) {
            throw new IllegalArgumentException("PRP list of " + entries + " entries does not fit in "
                    + list.byteSize() + " bytes");
        }
    }

    /**
     * Bytes of PRP list area one tracker needs so that any transfer of up to
     * {@code maxTransfer} bytes at any dword-aligned offset fits: a power of two up to one page
     * (so an area never straddles a page), or whole pages chained together.
     */
    public static long areaBytes(long maxTransfer, int pageSize) {
        long maxPages = (maxTransfer + pageSize - 1) / pageSize + 1;
        long entries = maxPages - 1;
        if (entries * 8 <= pageSize) {
            long bytes = Long.highestOneBit(Math.max(entries * 8, MIN_AREA));
            return bytes < entries * 8 ? bytes * 2 : bytes;
        }
        long perPage = pageSize / 8 - 1;
        long pages = (entries - 1 + perPage - 1) / perPage;
        return pages * pageSize;
    }
}
