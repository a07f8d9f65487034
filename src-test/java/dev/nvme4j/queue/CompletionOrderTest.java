package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.testutil.PlainDmaAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Completion processing against a hand-driven CQ ring and a recording register space. */
class CompletionOrderTest {
    private final PlainDmaAllocator dma = new PlainDmaAllocator();
    private final List<String> log = new ArrayList<>();

    private final RegisterSpace regs = new RegisterSpace() {
        @Override
        public int read32(long offset) {
            return 0;
        }

        @Override
        public long read64(long offset) {
            return 0;
        }

        @Override
        public void write32(long offset, int value) {
        }

        @Override
        public void write64(long offset, long value) {
        }

        @Override
        public void writeDoorbell(long offset, int value) {
            log.add((offset == NvmeRegs.cqHeadDoorbell(1, 0) ? "cqdb=" : "sqdb=") + value);
        }
    };

    private CommandQueue queue(int depth) {
        DmaRegion sq = dma.allocate(depth * 64L);
        DmaRegion cq = dma.allocate(depth * 16L);
        TrackerPool pool = new TrackerPool(depth - 1, dma.allocate((depth - 1) * 64L), 64);
        return new CommandQueue(1, depth, regs, 0, sq, cq, pool, new QueueStats(), 64);
    }

    private static void post(CommandQueue q, int slot, int cid, int phase, int status, int sqHead) {
        var cq = q.cqRegion().segment();
        Cqe.putInt(cq, slot * 16L, Cqe.OFF_DW0, 0x1234);
        Cqe.putInt(cq, slot * 16L, Cqe.OFF_DW2, Cqe.dw2(sqHead, 1));
        Cqe.putInt(cq, slot * 16L, Cqe.OFF_DW3, Cqe.dw3(cid, phase, status));
    }

    private Tracker submit(CommandQueue q) {
        Tracker t = q.acquire();
        q.startEntry(t, Opcodes.NVM_READ, 1);
        q.finishEntry(t, Long.MAX_VALUE);
        return t;
    }

    @Test
    void cqHeadDoorbellIsWrittenBeforeAnyCallback() {
        CommandQueue q = queue(8);
        Tracker a = submit(q);
        Tracker b = submit(q);
        q.ringSubmissions();
        post(q, 0, a.cid(), 1, 0, 1);
        post(q, 1, b.cid(), 1, 0, 2);
        int n = q.reap(64, (t, status, dw0, dw1) -> {
            log.add("callback cid " + t.cid());
            q.release(t);
        });
        assertEquals(2, n);
        assertEquals(List.of("sqdb=2", "cqdb=2", "callback cid " + a.cid(), "callback cid " + b.cid()), log);
    }

    @Test
    void sqTailDoorbellIsRungOncePerBatchAndOnlyWhenItMoved() {
        CommandQueue q = queue(8);
        submit(q);
        submit(q);
        submit(q);
        q.ringSubmissions();
        q.ringSubmissions();
        assertEquals(List.of("sqdb=3"), log);
    }

    @Test
    void phaseFlipsWhenTheHeadWraps() {
        CommandQueue q = queue(2);
        for (int round = 0; round < 5; round++) {
            Tracker t = submit(q);
            assertNull(q.acquire(), "depth 2 holds one command");
            q.ringSubmissions();
            int phase = ((round / 2) & 1) == 0 ? 1 : 0;
            post(q, round & 1, t.cid(), phase, 0, (round + 1) & 1);
            assertTrue(q.completionPending());
            assertEquals(1, q.reap(64, (tr, s, d0, d1) -> q.release(tr)));
            assertFalse(q.completionPending());
        }
    }

    @Test
    void completionForUnknownCidIsDroppedAndCounted() {
        CommandQueue q = queue(4);
        Tracker t = submit(q);
        post(q, 0, 2, 1, 0, 1); // CID 2 is not outstanding
        post(q, 1, t.cid(), 1, 0, 1);
        List<Integer> seen = new ArrayList<>();
        q.reap(64, (tr, s, d0, d1) -> {
            seen.add(tr.cid());
            q.release(tr);
        });
        assertEquals(List.of(t.cid()), seen);
        assertEquals(1, q.stats().snapshot().staleCompletions());
    }

    @Test
    void cqHeadDoorbellIsRungWhenOnlyInvalidCompletionsWereConsumed() {
        CommandQueue q = queue(4);
        submit(q);
        q.ringSubmissions();
        post(q, 0, 2, 1, 0, 1); // CIDs 2 and 1 are not outstanding (only CID 0 is)
        post(q, 1, 1, 1, 0, 1);
        int n = q.reap(64, (tr, s, d0, d1) -> log.add("callback cid " + tr.cid()));
        assertEquals(0, n);
        assertEquals(2, q.stats().snapshot().staleCompletions());
        // The head moved past both entries: the controller must be told, or it keeps counting
        // the two slots as occupied (a depth-4 CQ would then have room for one more entry).
        assertEquals(List.of("sqdb=1", "cqdb=2"), log);
        assertEquals(2, q.stats().snapshot().doorbellsRung(), "the SQ and the CQ doorbell are counted");
        log.clear();
        assertEquals(0, q.reap(64, (tr, s, d0, d1) -> log.add("callback cid " + tr.cid())));
        assertEquals(List.of(), log, "nothing consumed, no doorbell");
    }

    @Test
    void batchIsCappedAndStatusAndDw0AreCopied() {
        CommandQueue q = queue(8);
        Tracker a = submit(q);
        Tracker b = submit(q);
        post(q, 0, a.cid(), 1, 0x4281, 1);
        post(q, 1, b.cid(), 1, 0, 2);
        int[] status = new int[1];
        int[] dw0 = new int[1];
        assertEquals(1, q.reap(1, (tr, s, d0, d1) -> {
            status[0] = s;
            dw0[0] = d0;
            q.release(tr);
        }));
        assertEquals(0x4281, status[0]);
        assertEquals(0x1234, dw0[0]);
        assertNotNull(q.acquire());
    }
}
