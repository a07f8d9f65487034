package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nvme4j.testutil.PlainDmaAllocator;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrackerPoolTest {
    private final PlainDmaAllocator dma = new PlainDmaAllocator();

    private TrackerPool pool(int n) {
        return new TrackerPool(n, dma.allocate(n * 64L), 64);
    }

    @Test
    void handsOutEveryCidOnceThenNull() {
        TrackerPool p = pool(7);
        Set<Integer> cids = new HashSet<>();
        for (int i = 0; i < 7; i++) {
            Tracker t = p.acquire();
            assertNotNull(t);
            cids.add(t.cid());
        }
        assertEquals(7, cids.size());
        assertNull(p.acquire());
        assertEquals(0, p.free());
    }

    @Test
    void releasedTrackerIsReusedFirst() {
        TrackerPool p = pool(4);
        Tracker a = p.acquire();
        p.acquire();
        p.release(a);
        assertEquals(a.index(), p.acquire().index());
    }

    @Test
    void eachCommandOfASlotGetsANewCidSoAStaleOneMatchesNothing() {
        TrackerPool p = pool(3);
        Tracker t = p.acquire();
        int first = t.cid();
        assertEquals(t, p.byCid(first));
        p.release(t);
        assertEquals(t, p.acquire());
        assertNotEquals(first, t.cid(), "same slot, new generation");
        assertEquals(t.index(), t.cid() & 3);
        assertNull(p.byCid(first), "the earlier command's CID names nothing now");
        assertEquals(t, p.byCid(t.cid()));
    }

    @Test
    void generationsWrapAndNeverUseCidFfff() {
        TrackerPool p = pool(2); // one index bit, 15 generation bits
        p.acquire();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 70_000; i++) {
            Tracker t = p.acquire();
            assertEquals(1, t.index());
            assertNotEquals(0xFFFF, t.cid());
            assertEquals(t, p.byCid(t.cid()));
            seen.add(t.cid());
            p.release(t);
        }
        assertEquals(0x7FFF, seen.size(), "every odd 16-bit CID but FFFFh");
    }

    @Test
    void doubleReleaseIsRefused() {
        TrackerPool p = pool(2);
        Tracker a = p.acquire();
        p.release(a);
        assertThrows(IllegalStateException.class, () -> p.release(a));
    }

    @Test
    void eachTrackerHasItsOwnPrpArea() {
        TrackerPool p = pool(3);
        assertEquals(p.get(0).prpListIova() + 64, p.get(1).prpListIova());
        assertEquals(64, p.get(2).prpList().byteSize());
    }

    @Test
    void singleTrackerPoolWorksForDepthTwo() {
        TrackerPool p = pool(1);
        Tracker t = p.acquire();
        assertNull(p.acquire());
        p.release(t);
        assertNotNull(p.acquire());
    }
}
