package dev.nvme4j.queue;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.testutil.PlainDmaAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrpBuilderTest {
    private static final int PAGE = 4096;
    private static final ValueLayout.OfLong LE = Le.LONG;
    private final PlainDmaAllocator dma = new PlainDmaAllocator();
    private final long buf = 0x40_0000_0000L;

    @AfterEach
    void close() {
        dma.close();
    }

    private long entry(MemorySegment list, int i) {
        return list.get(LE, i * 8L);
    }

    @Test
    void transferWithinOnePageNeedsNoPrp2() {
        DmaRegion list = dma.allocate(PAGE);
        assertEquals(0, PrpBuilder.prp2(buf, PAGE, PAGE, list.segment(), list.iova()));
        assertEquals(0, PrpBuilder.prp2(buf + 100, PAGE - 100, PAGE, list.segment(), list.iova()));
        assertEquals(0, PrpBuilder.prp2(buf + 4, 4, PAGE, list.segment(), list.iova()));
    }

    @Test
    void transferEndingInSecondPageUsesPrp2AsPageAddress() {
        DmaRegion list = dma.allocate(PAGE);
        assertEquals(buf + PAGE, PrpBuilder.prp2(buf, 2 * PAGE, PAGE, list.segment(), list.iova()));
        assertEquals(buf + PAGE, PrpBuilder.prp2(buf + 512, PAGE, PAGE, list.segment(), list.iova()));
    }

    @Test
    void longerTransferBuildsAListOfTheRemainingPages() {
        DmaRegion list = dma.allocate(PAGE);
        long prp2 = PrpBuilder.prp2(buf + 8, 3 * PAGE, PAGE, list.segment(), list.iova());
        assertEquals(list.iova(), prp2);
        // offset 8: pages 0 (PRP1), 1, 2, 3 -> three list entries
        assertEquals(buf + PAGE, entry(list.segment(), 0));
        assertEquals(buf + 2 * PAGE, entry(list.segment(), 1));
        assertEquals(buf + 3 * PAGE, entry(list.segment(), 2));
    }

    @Test
    void listLongerThanAPageIsChainedThroughTheLastEntry() {
        long transfer = 4L << 20; // 1024 pages: PRP1 + 1023 entries
        long area = PrpBuilder.areaBytes(transfer, PAGE);
        DmaRegion list = dma.allocate(area);
        long prp2 = PrpBuilder.prp2(buf, transfer, PAGE, list.segment(), list.iova());
        assertEquals(list.iova(), prp2);
        MemorySegment s = list.segment();
        for (int i = 0; i < 511; i++) {
            assertEquals(buf + (i + 1L) * PAGE, entry(s, i));
        }
        assertEquals(list.iova() + PAGE, entry(s, 511), "chain pointer to the second list page");
        assertEquals(buf + 512L * PAGE, entry(s, 512));
        // 1023 entries: 511 on the first page, 511 + the last one on the second (no chain needed)
        assertEquals(buf + 1023L * PAGE, entry(s, 1023));
    }

    @Test
    void listThatExactlyFillsAPageIsNotChained() {
        long transfer = 513L * PAGE; // PRP1 + 512 entries = one full list page
        DmaRegion list = dma.allocate(PAGE);
        PrpBuilder.prp2(buf, transfer, PAGE, list.segment(), list.iova());
        assertEquals(buf + 512L * PAGE, entry(list.segment(), 511));
    }

    @Test
    void areaIsSizedForTheWorstOffset() {
        assertEquals(64, PrpBuilder.areaBytes(8192, PAGE));
        assertEquals(256, PrpBuilder.areaBytes(128 * 1024, PAGE)); // up to 33 pages: 32 entries
        assertEquals(3 * PAGE, PrpBuilder.areaBytes(4L << 20, PAGE)); // 1024 entries: chained over 3 pages
    }

    @Test
    void listThatDoesNotFitIsRefused() {
        DmaRegion list = dma.allocate(PAGE);
        assertThrows(IllegalArgumentException.class, () ->
                PrpBuilder.prp2(buf, 600L * PAGE, PAGE, list.segment().asSlice(0, 64), list.iova()));
    }
}
