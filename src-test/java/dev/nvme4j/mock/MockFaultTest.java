package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.FaultHandle;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Each injectable fault. */
class MockFaultTest {
    private static Cmd flush() {
        return Cmd.of(Opcodes.NVM_FLUSH).nsid(1);
    }

    @Test
    void anIgnoredSqDoorbellLeavesTheCommandUnseenUntilTheHostRingsAgain() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            FaultHandle f = h.ctrl.faults().ignoreSqDoorbell(FaultMatch.next(1).queue(1));
            q.submit(flush());
            assertNull(q.poll());
            assertEquals(1, h.ctrl.counters().doorbellsIgnored());
            q.ringSq();
            assertTrue(q.poll().ok());
            assertEquals(1, f.hits());
            assertFalse(f.isActive());
        }
    }

    @Test
    void aHungCommandNeverCompletes() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().hangCommands(FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ), false);
            DmaRegion d = h.alloc(4096);
            q.submit(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).lba(0, 1));
            assertTrue(q.execute(flush()).ok(), "other opcodes still complete");
            assertNull(q.poll());
            assertEquals(1, h.ctrl.counters().commandsHung());
        }
    }

    @Test
    void aDelayedCompletionArrivesAfterItsDelay() {
        AtomicLong now = new AtomicLong();
        try (MockHost h = MockHost.ready(MockConfig.builder().clock(now::get).build())) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().delayCompletions(FaultMatch.next(1).queue(1), Duration.ofMillis(5));
            q.submit(flush());
            assertNull(q.poll());
            now.addAndGet(4_000_000);
            h.ctrl.runUntilIdle();
            assertNull(q.poll());
            now.addAndGet(1_000_000);
            h.ctrl.runUntilIdle();
            assertTrue(q.poll().ok());
        }
    }

    @Test
    void aChosenStatusIsReturnedWithOrWithoutDnr() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().completeWithStatus(FaultMatch.next(1).queue(1), NvmeStatus.UNRECOVERED_READ_ERROR.code(false));
            h.ctrl.faults().completeWithStatus(FaultMatch.next(1).queue(1), NvmeStatus.INTERNAL_ERROR.code(true));
            Cqe a = q.execute(flush());
            assertEquals(NvmeStatus.UNRECOVERED_READ_ERROR, a.named());
            assertFalse(a.dnr());
            Cqe b = q.execute(flush());
            assertEquals(NvmeStatus.INTERNAL_ERROR, b.named());
            assertTrue(Status.dnr(b.status()));
            assertTrue(q.execute(flush()).ok());
        }
    }

    @Test
    void probabilisticFaultsAreReproducibleWithTheSameSeed() {
        long[] hits = new long[2];
        for (int run = 0; run < 2; run++) {
            try (MockHost h = MockHost.ready()) {
                HostQueue q = h.ioQueue(1, 16);
                FaultHandle f = h.ctrl.faults().completeWithStatus(FaultMatch.any().queue(1).probability(0.3, 42),
                        NvmeStatus.INTERNAL_ERROR.code(false));
                for (int i = 0; i < 200; i++) {
                    q.execute(flush());
                }
                hits[run] = f.hits();
            }
        }
        assertEquals(hits[0], hits[1]);
        assertTrue(hits[0] > 30 && hits[0] < 100, "about 30%: " + hits[0]);
    }

    @Test
    void controllerFatalStatusSetsCfsAndStopsProcessingUntilReset() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().setControllerFatalStatus();
            assertTrue(NvmeRegs.cstsCfs(h.csts()));
            q.submit(flush());
            assertNull(q.poll());
            h.regs.write32(NvmeRegs.CC, 0);
            assertFalse(NvmeRegs.cstsCfs(h.csts()));
            assertFalse(NvmeRegs.cstsRdy(h.csts()));
        }
    }

    @Test
    void surpriseRemovalMakesRegistersReadAllOnesAndStopsEverything() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().surpriseRemoval();
            assertTrue(NvmeRegs.isAllOnes(h.csts()));
            assertEquals(-1L, h.regs.read64(NvmeRegs.CAP));
            q.submit(flush());
            assertNull(q.poll());
        }
    }

    @Test
    void slowEnableDelaysReady() {
        AtomicLong now = new AtomicLong();
        try (MockHost h = new MockHost(MockConfig.builder().clock(now::get).build())) {
            h.ctrl.faults().slowEnable(Duration.ofSeconds(2));
            h.enable(8, 8);
            assertFalse(NvmeRegs.cstsRdy(h.csts()));
            now.addAndGet(Duration.ofSeconds(2).toNanos());
            assertTrue(NvmeRegs.cstsRdy(h.csts()));
        }
    }

    @Test
    void slowDisableKeepsReadyUntilTheDelayPasses() {
        AtomicLong now = new AtomicLong();
        try (MockHost h = MockHost.ready(MockConfig.builder().clock(now::get).build())) {
            h.ctrl.faults().slowDisable(Duration.ofMillis(300));
            h.regs.write32(NvmeRegs.CC, 0);
            assertTrue(NvmeRegs.cstsRdy(h.csts()));
            now.addAndGet(Duration.ofMillis(300).toNanos());
            assertFalse(NvmeRegs.cstsRdy(h.csts()));
        }
    }

    @Test
    void slowShutdownReportsInProgressThenComplete() {
        AtomicLong now = new AtomicLong();
        try (MockHost h = MockHost.ready(MockConfig.builder().clock(now::get).build())) {
            h.ctrl.faults().slowShutdown(Duration.ofMillis(50));
            int cc = h.regs.read32(NvmeRegs.CC);
            h.regs.write32(NvmeRegs.CC, cc | (NvmeRegs.CC_SHN_NORMAL << NvmeRegs.CC_SHN_SHIFT));
            assertEquals(NvmeRegs.SHST_IN_PROGRESS, NvmeRegs.cstsShst(h.csts()));
            now.addAndGet(Duration.ofMillis(50).toNanos());
            assertEquals(NvmeRegs.SHST_COMPLETE, NvmeRegs.cstsShst(h.csts()));
        }
    }

    @Test
    void readDataIsCorruptedAtTheChosenLba() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(8192);
            d.segment().fill((byte) 0x10);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(d.iova()).prp2(d.iova() + 4096).lba(0, 16)).ok());
            h.ctrl.faults().corruptReadAt(1, 9);
            DmaRegion in = h.alloc(8192);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).prp2(in.iova() + 4096).lba(0, 16)).ok());
            assertEquals(9 * 512, in.segment().mismatch(d.segment()));
            assertEquals((byte) ~0x10, in.segment().get(ValueLayout.JAVA_BYTE, 9 * 512));
            assertEquals(1, h.ctrl.counters().readsCorrupted());
        }
    }

    @Test
    void readDataIsCorruptedByProbability() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion in = h.alloc(4096);
            h.ctrl.faults().corruptReads(FaultMatch.next(1).opcode(Opcodes.NVM_READ).probability(1.0, 7));
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).lba(0, 8)).ok());
            assertNotEquals(-1, in.segment().mismatch(java.lang.foreign.MemorySegment.ofArray(new byte[4096])));
        }
    }

    @Test
    void clearRemovesEveryFault() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().completeWithStatus(FaultMatch.any(), NvmeStatus.INTERNAL_ERROR.code(false));
            h.ctrl.faults().clear();
            assertTrue(q.execute(flush()).ok());
        }
    }
}
