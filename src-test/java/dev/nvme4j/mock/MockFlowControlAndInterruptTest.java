package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.spec.Opcodes;
import org.junit.jupiter.api.Test;

/** CQ flow control (Base 3.3.1.2.1), shared CQs, and MSI-X signalling with masks and coalescing. */
class MockFlowControlAndInterruptTest {
    private static Cmd flush() {
        return Cmd.of(Opcodes.NVM_FLUSH).nsid(1);
    }

    @Test
    void completionsWaitWhileTheCqIsFullAndArriveAfterTheHeadDoorbell() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 4); // a 4-entry CQ holds at most 3 completions
            for (int i = 0; i < 3; i++) {
                q.push(flush());
            }
            q.ringSq();
            int seen = 0;
            while (q.poll() != null) {
                seen++;
            }
            assertEquals(3, seen);
            q.push(flush());
            q.push(flush());
            q.ringSq();
            assertNull(q.poll(), "nothing is written into slots the host has not released");
            assertEquals(2, h.ctrl.counters().completionsDeferred());
            q.releaseCq();
            assertNotNull(q.poll());
            assertNotNull(q.poll());
            assertNull(q.poll());
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void phaseTagFlipsWhenTheCqWraps() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 4);
            for (int i = 0; i < 6; i++) {
                assertTrue(q.execute(flush()).ok(), "completion " + i);
            }
            assertEquals(0, q.phase, "6 completions on 4 entries: one wrap, the phase tag is now 0");
            for (int i = 0; i < 4; i++) {
                assertTrue(q.execute(flush()).ok());
            }
            assertEquals(1, q.phase, "a second wrap flips it back");
        }
    }

    @Test
    void severalSqsShareOneCq() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion cq = h.alloc(4096);
            DmaRegion sq1 = h.alloc(4096);
            DmaRegion sq2 = h.alloc(4096);
            assertTrue(h.adminCmd(MockHost.createCq(1, 16, cq.iova(), true, 1)).ok());
            assertTrue(h.adminCmd(MockHost.createSq(1, 16, sq1.iova(), 1)).ok());
            assertTrue(h.adminCmd(MockHost.createSq(2, 16, sq2.iova(), 1)).ok());
            HostQueue a = new HostQueue(h.regs, h.dstrd, 1, sq1, 16, 1, cq, 16);
            HostQueue b = new HostQueue(h.regs, h.dstrd, 2, sq2, 16, 1, cq, 16);
            a.submit(flush());
            b.submit(flush());
            Cqe first = a.poll();
            b.cqHead = a.cqHead;
            Cqe second = b.poll();
            assertEquals(1, first.sqId());
            assertEquals(2, second.sqId());
        }
    }

    @Test
    void nonCompliantModeDropsCompletionsOnAFullCq() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 4);
            h.ctrl.faults().dropCompletionsWhenCqFull(true);
            for (int i = 0; i < 3; i++) {
                q.push(flush());
            }
            q.ringSq();
            q.push(flush());
            q.push(flush());
            q.ringSq();
            for (int i = 0; i < 3; i++) {
                assertNotNull(q.poll());
            }
            q.releaseCq();
            assertNull(q.poll(), "the two completions that found the CQ full are lost");
            assertEquals(2, h.ctrl.counters().completionsDropped());
        }
    }

    @Test
    void aCompletionSignalsItsCqsVector() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16, 3);
            q.execute(flush());
            assertTrue(h.vectors[3].await(0));
            assertFalse(h.vectors[1].await(0));
        }
    }

    @Test
    void aCqWithInterruptsDisabledSignalsNothing() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion cq = h.alloc(4096);
            DmaRegion sq = h.alloc(4096);
            assertTrue(h.adminCmd(MockHost.createCq(1, 16, cq.iova(), false, 2)).ok());
            assertTrue(h.adminCmd(MockHost.createSq(1, 16, sq.iova(), 1)).ok());
            long before = h.ctrl.counters().interruptsSignalled();
            new HostQueue(h.regs, h.dstrd, 1, sq, 16, 1, cq, 16).execute(flush());
            assertEquals(before, h.ctrl.counters().interruptsSignalled());
            assertFalse(h.vectors[2].await(0));
        }
    }

    @Test
    void aMaskedVectorKeepsItsSignalPendingUntilUnmasked() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16, 2);
            h.ctrl.setVectorMasked(2, true);
            q.execute(flush());
            assertFalse(h.vectors[2].await(0));
            h.ctrl.setVectorMasked(2, false);
            assertTrue(h.vectors[2].await(0));
        }
    }

    @Test
    void coalescingSignalsOncePerAggregationThreshold() {
        try (MockHost h = MockHost.ready()) {
            assertTrue(h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_INTERRUPT_COALESCING).cdw11(3)).ok());
            HostQueue q = h.ioQueue(1, 16, 1);
            long before = h.ctrl.counters().interruptsSignalled();
            for (int i = 0; i < 8; i++) {
                q.execute(flush());
            }
            assertEquals(before + 2, h.ctrl.counters().interruptsSignalled(), "THR 3 (zero-based): one signal per 4 completions");
        }
    }

    @Test
    void droppedInterruptsLeaveTheCompletionPostedButTheVectorSilent() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16, 1);
            h.ctrl.faults().dropInterrupts(FaultMatch.next(1).queue(1));
            assertTrue(q.execute(flush()).ok());
            assertFalse(h.vectors[1].await(0));
            assertEquals(1, h.ctrl.counters().interruptsDropped());
            q.execute(flush());
            assertTrue(h.vectors[1].await(0), "only the next one was dropped");
        }
    }
}
