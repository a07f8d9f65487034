package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nvme4j.testutil.PlainDmaAllocator;
import java.lang.foreign.Arena;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrackerPoolTest {
    private final PlainDmaAllocator dma = new PlainDmaAllocator();

    private TrackerPool pool(int n) {
        return new TrackerPool(n, dma.allocate(n * 64L), 64, Arena.ofAuto());
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
        assertEquals(a.cid(), p.acquire().cid());
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
