package dev.nvme4j.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** First-fit IOVA allocation over the kernel's valid ranges, with coalescing on free. */
class IovaAllocatorTest {

    private static final long MIB = 1 << 20;

    private static IovaAllocator over(long... startEndPairs) {
        List<IovaAllocator.Window> windows = new ArrayList<>();
        for (int i = 0; i < startEndPairs.length; i += 2) {
            windows.add(new IovaAllocator.Window(startEndPairs[i], startEndPairs[i + 1]));
        }
        return new IovaAllocator(windows);
    }

    @Test
    void allocatesFirstFitFromTheLowestAddress() {
        IovaAllocator a = over(0x10_0000, 0x100_0000);
        assertEquals(0x10_0000, a.allocate(4096, 4096));
        assertEquals(0x10_1000, a.allocate(4096, 4096));
    }

    @Test
    void honoursAlignment() {
        IovaAllocator a = over(0x10_0000, 0x1000_0000);
        a.allocate(4096, 4096);
        assertEquals(0x20_0000, a.allocate(2 * MIB, 2 * MIB));
        assertEquals(0x10_1000, a.allocate(4096, 4096), "the gap left by alignment is used later");
    }

    @Test
    void neverHandsOutAddressesOutsideTheWindows() {
        // Like x86 with the MSI window 0xfee00000-0xfeefffff excluded.
        IovaAllocator a = over(0xfe00_0000L, 0xfee0_0000L, 0xfef0_0000L, 0x1_0000_0000L);
        long first = a.allocate(14 * MIB, 2 * MIB);
        assertEquals(0xfe00_0000L, first);
        long second = a.allocate(2 * MIB, 2 * MIB);
        assertTrue(second >= 0xfef0_0000L, Long.toHexString(second));
        assertEquals(0xff00_0000L, second, "2 MiB aligned inside the second window");
    }

    @Test
    void windowsMayBeGivenInAnyOrder() {
        IovaAllocator a = over(0x4000_0000L, 0x4010_0000L, 0x1000_0000L, 0x1010_0000L);
        assertEquals(0x1000_0000L, a.allocate(4096, 4096));
    }

    @Test
    void freedRangesAreReused() {
        IovaAllocator a = over(0x10_0000, 0x100_0000);
        long x = a.allocate(8192, 4096);
        long y = a.allocate(4096, 4096);
        a.free(x, 8192);
        assertEquals(x, a.allocate(4096, 4096));
        assertEquals(x + 4096, a.allocate(4096, 4096));
        assertEquals(y + 4096, a.allocate(4096, 4096));
    }

    @Test
    void freeCoalescesWithBothNeighbours() {
        IovaAllocator a = over(0x10_0000, 0x20_0000);
        long x = a.allocate(4096, 4096);
        long y = a.allocate(4096, 4096);
        long z = a.allocate(4096, 4096);
        a.free(x, 4096);
        a.free(z, 4096);
        assertEquals(2, a.freeExtentCount());
        a.free(y, 4096);
        assertEquals(1, a.freeExtentCount());
        assertTrue(a.isEmpty());
        assertEquals(0x10_0000, a.allocate(MIB, 4096), "the whole 1 MiB window is one range again");
    }

    @Test
    void exhaustionSaysHowMuchIsFree() {
        IovaAllocator a = over(0x10_0000, 0x10_0000 + 3 * 4096);
        a.allocate(4096, 4096);
        DmaException e = assertThrows(DmaException.class, () -> a.allocate(3 * 4096, 4096));
        assertTrue(e.getMessage().contains("address space exhausted"), e.getMessage());
        assertTrue(e.getMessage().contains("free 8192 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("largest free range 8192 bytes"), e.getMessage());
    }

    @Test
    void fragmentationCanExhaustEvenWithEnoughFreeBytes() {
        IovaAllocator a = over(0, 4 * 4096);
        long[] pages = {a.allocate(4096, 4096), a.allocate(4096, 4096), a.allocate(4096, 4096), a.allocate(4096, 4096)};
        a.free(pages[0], 4096);
        a.free(pages[2], 4096);
        assertEquals(8192, a.freeBytes());
        assertThrows(DmaException.class, () -> a.allocate(8192, 4096));
    }

    @Test
    void doubleFreeAndForeignRangesAreRejected() {
        IovaAllocator a = over(0x10_0000, 0x20_0000);
        long x = a.allocate(4096, 4096);
        a.free(x, 4096);
        assertThrows(IllegalArgumentException.class, () -> a.free(x, 4096));
        assertThrows(IllegalArgumentException.class, () -> a.free(0x30_0000, 4096));
        assertThrows(IllegalArgumentException.class, () -> a.free(0x1f_f000, 8192));
    }

    @Test
    void rejectsBadArguments() {
        IovaAllocator a = over(0, MIB);
        assertThrows(IllegalArgumentException.class, () -> a.allocate(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> a.allocate(4096, 3000));
        assertThrows(IllegalArgumentException.class, () -> over(0, MIB, MIB / 2, 2 * MIB));
    }

    @Test
    void inclusiveKernelRangesUpToTheTopOfTheAddressSpaceAreClamped() {
        IovaAllocator a = new IovaAllocator(List.of(IovaAllocator.Window.inclusive(0xfef0_0000L, -1L)));
        assertEquals(IovaAllocator.MAX_ADDRESS - 0xfef0_0000L, a.freeBytes());
        assertEquals(0xff00_0000L, a.allocate(4096, 2 * MIB));
    }

    @Test
    void randomAllocateAndFreeKeepsRangesDisjointAndEndsEmpty() {
        IovaAllocator a = over(0x10_0000, 0x10_0000 + 64 * MIB);
        Random random = new Random(42);
        List<long[]> live = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            if (live.isEmpty() || random.nextBoolean()) {
                long size = (1 + random.nextInt(16)) * 4096L;
                long start = a.allocate(size, 4096);
                for (long[] other : live) {
                    assertTrue(start + size <= other[0] || other[0] + other[1] <= start, "overlap");
                }
                live.add(new long[] {start, size});
            } else {
                long[] r = live.remove(random.nextInt(live.size()));
                a.free(r[0], r[1]);
            }
        }
        live.forEach(r -> a.free(r[0], r[1]));
        assertTrue(a.isEmpty());
        assertEquals(1, a.freeExtentCount());
    }
}
