package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec-violation detector: each host mistake it reports. */
class MockViolationTest {
    private static List<Kind> kinds(MockHost h) {
        return h.ctrl.violations().stream().map(v -> v.kind()).toList();
    }

    @Test
    void sqTailBeyondTheQueueSizeIsReportedAndIgnored() {
        try (MockHost h = MockHost.ready()) {
            h.regs.writeDoorbell(NvmeRegs.sqTailDoorbell(0, 0), 32);
            assertEquals(List.of(Kind.SQ_TAIL_OUT_OF_RANGE), kinds(h));
            assertEquals(0, h.ctrl.counters().adminCommands());
        }
    }

    @Test
    void cqHeadReleasingEntriesNeverPostedIsReported() {
        try (MockHost h = MockHost.ready()) {
            h.regs.writeDoorbell(NvmeRegs.cqHeadDoorbell(0, 0), 5);
            assertEquals(List.of(Kind.CQ_HEAD_BEYOND_POSTED), kinds(h));
        }
    }

    @Test
    void cqHeadBeyondTheQueueSizeIsReported() {
        try (MockHost h = MockHost.ready()) {
            h.regs.writeDoorbell(NvmeRegs.cqHeadDoorbell(0, 0), 40);
            assertEquals(List.of(Kind.CQ_HEAD_OUT_OF_RANGE), kinds(h));
        }
    }

    @Test
    void aDoorbellOfAMissingQueueIsReported() {
        try (MockHost h = MockHost.ready()) {
            h.regs.writeDoorbell(NvmeRegs.sqTailDoorbell(7, 0), 1);
            assertEquals(List.of(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE), kinds(h));
        }
    }

    @Test
    void aDoorbellBeforeReadyIsReported() {
        try (MockHost h = new MockHost(MockConfig.defaults())) {
            h.regs.writeDoorbell(NvmeRegs.sqTailDoorbell(0, 0), 1);
            assertEquals(List.of(Kind.DOORBELL_WHILE_NOT_READY), kinds(h));
        }
    }

    @Test
    void enablingWithAnInvalidConfigurationIsReportedAndNeverReady() {
        try (MockHost h = new MockHost(MockConfig.builder().mpsmax(0).build())) {
            DmaRegion q = h.alloc(8192);
            h.regs.write32(NvmeRegs.AQA, NvmeRegs.aqa(15, 15));
            h.regs.write64(NvmeRegs.ASQ, q.iova());
            h.regs.write64(NvmeRegs.ACQ, q.iova() + 4096);
            h.regs.write32(NvmeRegs.CC, NvmeRegs.cc(0, 1, 0, 6, 4) | NvmeRegs.CC_EN); // 8 KiB pages: above MPSMAX
            assertEquals(List.of(Kind.INVALID_ENABLE_CONFIGURATION), kinds(h));
            assertFalse(NvmeRegs.cstsRdy(h.csts()));
            assertFalse(NvmeRegs.cstsCfs(h.csts()), "CFS is for controller faults, not host misconfiguration");
        }
    }

    @Test
    void enablingWithZeroSizedAdminQueuesIsReported() {
        try (MockHost h = new MockHost(MockConfig.defaults())) {
            DmaRegion q = h.alloc(8192);
            h.regs.write64(NvmeRegs.ASQ, q.iova());
            h.regs.write64(NvmeRegs.ACQ, q.iova() + 4096);
            h.regs.write32(NvmeRegs.CC, NvmeRegs.cc(0, 0, 0, 6, 4) | NvmeRegs.CC_EN);
            assertEquals(List.of(Kind.INVALID_ENABLE_CONFIGURATION), kinds(h));
        }
    }

    @Test
    void unalignedAdminQueueMemoryIsReported() {
        try (MockHost h = new MockHost(MockConfig.defaults())) {
            DmaRegion q = h.alloc(8192);
            h.regs.write32(NvmeRegs.AQA, NvmeRegs.aqa(15, 15));
            h.regs.write64(NvmeRegs.ASQ, q.iova() + 64);
            h.regs.write64(NvmeRegs.ACQ, q.iova() + 4096);
            h.regs.write32(NvmeRegs.CC, NvmeRegs.cc(0, 0, 0, 6, 4) | NvmeRegs.CC_EN);
            assertTrue(kinds(h).contains(Kind.UNALIGNED_QUEUE_MEMORY));
            assertFalse(NvmeRegs.cstsRdy(h.csts()));
        }
    }

    @Test
    void unalignedIoQueueMemoryIsReported() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion m = h.alloc(8192);
            assertFalse(h.adminCmd(MockHost.createCq(1, 16, m.iova() + 256, true, 0)).ok());
            assertEquals(List.of(Kind.UNALIGNED_QUEUE_MEMORY), kinds(h));
        }
    }

    @Test
    void reusingACommandIdentifierWhileOutstandingIsReported() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().hangCommands(dev.nvme4j.mock.config.FaultMatch.next(1).queue(1), false);
            q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1).cid(5));
            q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1).cid(5));
            assertEquals(List.of(Kind.COMMAND_ID_REUSED), kinds(h));
        }
    }

    @Test
    void changingAdminQueueRegistersWhileEnabledIsReported() {
        try (MockHost h = MockHost.ready()) {
            h.regs.write32(NvmeRegs.AQA, 0);
            assertEquals(List.of(Kind.REGISTER_WRITE_WHILE_ENABLED), kinds(h));
        }
    }

    @Test
    void interruptMaskRegistersWithMsixAreReported() {
        try (MockHost h = MockHost.ready()) {
            h.regs.write32(NvmeRegs.INTMS, 1);
            assertEquals(List.of(Kind.INTERRUPT_MASK_WITH_MSIX), kinds(h));
        }
    }

    @Test
    void assertNoViolationsListsEveryViolation() {
        try (MockHost h = MockHost.ready()) {
            h.regs.writeDoorbell(NvmeRegs.sqTailDoorbell(9, 0), 1);
            h.regs.writeDoorbell(NvmeRegs.sqTailDoorbell(0, 0), 99);
            AssertionError e = assertThrows(AssertionError.class, h.ctrl::assertNoViolations);
            assertTrue(e.getMessage().contains("DOORBELL_FOR_NONEXISTENT_QUEUE"), e.getMessage());
            assertTrue(e.getMessage().contains("SQ_TAIL_OUT_OF_RANGE"), e.getMessage());
            h.ctrl.clearViolations();
            h.ctrl.assertNoViolations();
        }
    }
}
