package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The EventIdx test against its definition, for every queue size where lost kicks happen. */
class ShadowDoorbellsTest {
    /** Ring order: is {@code event} one of old, old+1, ..., next-1 (mod size)? */
    private static boolean passes(int event, int next, int old, int size) {
        for (int i = old; i != next; i = (i + 1) % size) {
            if (i == event) {
                return true;
            }
        }
        return false;
    }

    @Test
    void needEventMatchesRingOrderForEveryValueOfSmallQueues() {
        for (int size = 2; size <= 9; size++) {
            for (int old = 0; old < size; old++) {
                for (int next = 0; next < size; next++) {
                    for (int event = 0; event < size; event++) {
                        assertEquals(passes(event, next, old, size), ShadowDoorbells.needEvent(event, next, old),
                                "size " + size + ", event " + event + ", old " + old + ", new " + next);
                    }
                }
            }
        }
    }

    @Test
    void needEventAtTheLargestQueue() {
        int size = 65536;
        assertEquals(true, ShadowDoorbells.needEvent(65535, 0, 65535));
        assertEquals(false, ShadowDoorbells.needEvent(65534, 0, 65535));
        assertEquals(true, ShadowDoorbells.needEvent(2, 3, 65000));
        assertEquals(false, ShadowDoorbells.needEvent(64999, 3, 65000));
        assertEquals(passes(10, 20, 5, size), ShadowDoorbells.needEvent(10, 20, 5));
    }
}
