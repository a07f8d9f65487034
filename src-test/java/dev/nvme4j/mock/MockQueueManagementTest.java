package dev.nvme4j.mock;

import static dev.nvme4j.mock.MockHost.createCq;
import static dev.nvme4j.mock.MockHost.createSq;
import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.spec.Opcodes;
import org.junit.jupiter.api.Test;

/** Create/Delete I/O SQ and CQ (Base 5.4-5.7) and Number of Queues (5.27.1.5). */
class MockQueueManagementTest {
    private static Cmd deleteSq(int qid) {
        return Cmd.of(Opcodes.ADMIN_DELETE_IO_SQ).cdw10(qid);
    }

    private static Cmd deleteCq(int qid) {
        return Cmd.of(Opcodes.ADMIN_DELETE_IO_CQ).cdw10(qid);
    }

    @Test
    void createCqWithQueueIdZeroIsInvalidQueueIdentifier() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion m = h.alloc(4096);
            Cqe c = h.adminCmd(createCq(0, 16, m.iova(), true, 0));
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, c.named());
            assertTrue(c.dnr());
        }
    }

    @Test
    void createCqAboveTheAllocatedQueuesIsInvalidQueueIdentifier() {
        try (MockHost h = MockHost.ready(MockConfig.builder().maxIoQueuePairs(2).build())) {
            DmaRegion m = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, h.adminCmd(createCq(3, 16, m.iova(), true, 0)).named());
        }
    }

    @Test
    void createCqTwiceIsInvalidQueueIdentifier() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion m = h.alloc(4096);
            assertTrue(h.adminCmd(createCq(1, 16, m.iova(), true, 0)).ok());
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, h.adminCmd(createCq(1, 16, m.iova(), true, 0)).named());
        }
    }

    @Test
    void createCqLargerThanMqesIsInvalidQueueSize() {
        try (MockHost h = MockHost.ready(MockConfig.builder().mqes(63).build())) {
            DmaRegion m = h.alloc(65 * 16);
            assertEquals(NvmeStatus.INVALID_QUEUE_SIZE, h.adminCmd(createCq(1, 65, m.iova(), true, 0)).named());
            assertTrue(h.adminCmd(createCq(1, 64, m.iova(), true, 0)).ok());
        }
    }

    @Test
    void createCqOfOneEntryIsInvalidQueueSize() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion m = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_QUEUE_SIZE, h.adminCmd(createCq(1, 1, m.iova(), true, 0)).named());
        }
    }

    @Test
    void createCqWithAVectorBeyondMsixIsInvalidInterruptVector() {
        try (MockHost h = MockHost.ready(MockConfig.builder().msixVectors(4).build())) {
            DmaRegion m = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_INTERRUPT_VECTOR, h.adminCmd(createCq(1, 16, m.iova(), true, 4)).named());
        }
    }

    @Test
    void createSqOnAMissingCqIsCompletionQueueInvalid() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion m = h.alloc(4096);
            assertEquals(NvmeStatus.COMPLETION_QUEUE_INVALID, h.adminCmd(createSq(1, 16, m.iova(), 5)).named());
            assertEquals(NvmeStatus.COMPLETION_QUEUE_INVALID, h.adminCmd(createSq(1, 16, m.iova(), 0)).named());
        }
    }

    @Test
    void createSqLargerThanMqesIsInvalidQueueSize() {
        try (MockHost h = MockHost.ready(MockConfig.builder().mqes(15).build())) {
            DmaRegion cq = h.alloc(4096);
            DmaRegion sq = h.alloc(8192);
            assertTrue(h.adminCmd(createCq(1, 16, cq.iova(), true, 0)).ok());
            assertEquals(NvmeStatus.INVALID_QUEUE_SIZE, h.adminCmd(createSq(1, 17, sq.iova(), 1)).named());
        }
    }

    @Test
    void deletingACqThatStillHasAnSqIsInvalidQueueDeletion() {
        try (MockHost h = MockHost.ready()) {
            h.ioQueue(1, 16);
            assertEquals(NvmeStatus.INVALID_QUEUE_DELETION, h.adminCmd(deleteCq(1)).named());
            assertTrue(h.adminCmd(deleteSq(1)).ok());
            assertTrue(h.adminCmd(deleteCq(1)).ok());
        }
    }

    @Test
    void deletingAMissingQueueIsInvalidQueueIdentifier() {
        try (MockHost h = MockHost.ready()) {
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, h.adminCmd(deleteSq(3)).named());
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, h.adminCmd(deleteCq(3)).named());
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, h.adminCmd(deleteSq(0)).named());
        }
    }

    @Test
    void deletingAnSqCompletesItsOutstandingCommandsAsAbortedDueToSqDeletion() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().hangCommands(FaultMatch.any().queue(1), false);
            int cid = q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            assertNull(q.poll(), "hung command must not complete");
            assertTrue(h.adminCmd(deleteSq(1)).ok());
            Cqe c = q.poll();
            assertNotNull(c);
            assertEquals(cid, c.cid());
            assertEquals(NvmeStatus.ABORTED_SQ_DELETION, c.named());
        }
    }

    @Test
    void deletingAnSqAbortsCommandsNotYetFetched() {
        try (MockHost h = MockHost.ready(MockConfig.builder().runOnDoorbell(false).build())) {
            h.admin.submit(MockHost.createCq(1, 16, h.alloc(4096).iova(), true, 1));
            h.ctrl.runUntilIdle();
            assertTrue(h.admin.await().ok());
            DmaRegion cqMem = h.alloc(4096);
            DmaRegion sqMem = h.alloc(4096);
            h.admin.submit(MockHost.createCq(2, 16, cqMem.iova(), true, 1));
            h.admin.submit(MockHost.createSq(2, 16, sqMem.iova(), 2));
            h.ctrl.runUntilIdle();
            assertTrue(h.admin.await().ok());
            assertTrue(h.admin.await().ok());
            HostQueue q = new HostQueue(h.regs, h.dstrd, 2, sqMem, 16, 2, cqMem, 16);
            int a = q.push(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            int b = q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            h.admin.submit(deleteSq(2));
            assertTrue(h.ctrl.step(), "the admin queue goes first");
            assertEquals(NvmeStatus.ABORTED_SQ_DELETION, q.poll().named());
            Cqe second = q.poll();
            assertEquals(b, second.cid());
            assertEquals(NvmeStatus.ABORTED_SQ_DELETION, second.named());
            assertNotEquals(a, b);
        }
    }

    @Test
    void numberOfQueuesReportsTheAllocatedCounts() {
        try (MockHost h = MockHost.ready(MockConfig.builder().maxIoQueuePairs(8).build())) {
            Cqe set = h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_NUMBER_OF_QUEUES).cdw11((31 << 16) | 3));
            assertTrue(set.ok());
            assertEquals(3, set.dw0() & 0xFFFF, "NSQA");
            assertEquals(7, set.dw0() >>> 16, "NCQA capped at the maximum");
            Cqe get = h.adminCmd(Cmd.of(Opcodes.ADMIN_GET_FEATURES).cdw10(Opcodes.FEAT_NUMBER_OF_QUEUES));
            assertEquals(set.dw0(), get.dw0());
            DmaRegion m = h.alloc(4096);
            assertTrue(h.adminCmd(createCq(4, 16, m.iova(), true, 0)).ok());
            DmaRegion s = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_QUEUE_IDENTIFIER, h.adminCmd(createSq(5, 16, s.iova(), 4)).named());
        }
    }

    @Test
    void numberOfQueuesAfterQueuesExistIsCommandSequenceError() {
        try (MockHost h = MockHost.ready()) {
            h.ioQueue(1, 16);
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_NUMBER_OF_QUEUES).cdw11(0));
            assertEquals(NvmeStatus.COMMAND_SEQUENCE_ERROR, c.named());
        }
    }

    @Test
    void numberOfQueuesWith65536IsInvalidField() {
        try (MockHost h = MockHost.ready()) {
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_NUMBER_OF_QUEUES).cdw11(0xFFFF));
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, c.named());
        }
    }

    @Test
    void unknownAdminOpcodeIsInvalidCommandOpcode() {
        try (MockHost h = MockHost.ready()) {
            Cqe c = h.adminCmd(Cmd.of(0x7F));
            assertEquals(NvmeStatus.INVALID_COMMAND_OPCODE, c.named());
            assertTrue(c.dnr());
        }
    }

    @Test
    void cqeReportsTheSqHeadAndSqId() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(2, 16);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            assertEquals(2, c.sqId());
            assertEquals(1, c.sqHead());
        }
    }
}
