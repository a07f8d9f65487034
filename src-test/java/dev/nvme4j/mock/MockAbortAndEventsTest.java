package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.Opcodes;
import org.junit.jupiter.api.Test;

/** Abort (Base 5.1) and Asynchronous Event Request (Base 5.2). */
class MockAbortAndEventsTest {
    private static Cmd abort(int sqid, int cid) {
        return Cmd.of(Opcodes.ADMIN_ABORT).cdw10(sqid | (cid << 16));
    }

    private static Cmd aer() {
        return Cmd.of(Opcodes.ADMIN_ASYNC_EVENT_REQUEST);
    }

    private static Cmd setAec(int v) {
        return Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_ASYNC_EVENT_CONFIG).cdw11(v);
    }

    @Test
    void abortOfAHungCommandCompletesItWithCommandAbortRequested() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().hangCommands(FaultMatch.next(1).queue(1), false);
            int cid = q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            assertNull(q.poll());
            Cqe a = h.adminCmd(abort(1, cid));
            assertTrue(a.ok());
            assertEquals(0, a.dw0() & 1, "DW0 bit 0 = 0: the command was aborted");
            Cqe c = q.poll();
            assertEquals(cid, c.cid());
            assertEquals(NvmeStatus.COMMAND_ABORT_REQUESTED, c.named());
        }
    }

    @Test
    void abortOfAnUnknownCommandReportsNotAborted() {
        try (MockHost h = MockHost.ready()) {
            h.ioQueue(1, 16);
            Cqe a = h.adminCmd(abort(1, 999));
            assertTrue(a.ok());
            assertEquals(1, a.dw0() & 1, "DW0 bit 0 = 1: not aborted");
        }
    }

    @Test
    void abortOfAHungCommandCanHangToo() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().hangCommands(FaultMatch.next(1).queue(1), true);
            int cid = q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            h.admin.submit(abort(1, cid));
            assertNull(h.admin.poll(), "the Abort hangs as configured");
            assertNull(q.poll());
            assertEquals(2, h.ctrl.counters().commandsHung());
        }
    }

    @Test
    void abortOfACommandStillInTheSqCompletesItWhenFetched() {
        try (MockHost h = MockHost.ready(MockConfig.builder().runOnDoorbell(false).build())) {
            h.admin.submit(MockHost.createCq(1, 16, h.alloc(4096).iova(), true, 1));
            h.ctrl.runUntilIdle();
            h.admin.await();
            var cqMem = h.alloc(4096);
            var sqMem = h.alloc(4096);
            h.admin.submit(MockHost.createCq(2, 16, cqMem.iova(), true, 1));
            h.admin.submit(MockHost.createSq(2, 16, sqMem.iova(), 2));
            h.ctrl.runUntilIdle();
            h.admin.await();
            h.admin.await();
            HostQueue q = new HostQueue(h.regs, h.dstrd, 2, sqMem, 16, 2, cqMem, 16);
            int cid = q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            h.admin.submit(abort(2, cid));
            assertTrue(h.ctrl.step(), "the Abort runs first");
            assertEquals(0, h.admin.await().dw0() & 1);
            h.ctrl.runUntilIdle();
            assertEquals(NvmeStatus.COMMAND_ABORT_REQUESTED, q.poll().named());
        }
    }

    @Test
    void abortOfACommandWhoseDoorbellWasLostReportsNotAborted() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            h.ctrl.faults().ignoreSqDoorbell(FaultMatch.next(1).queue(1));
            int cid = q.submit(Cmd.of(Opcodes.NVM_FLUSH).nsid(1));
            assertEquals(1, h.adminCmd(abort(1, cid)).dw0() & 1, "the controller never saw the command");
            q.ringSq();
            assertTrue(q.poll().ok());
        }
    }

    @Test
    void asyncEventRequestsBeyondAerlPlusOneAreRejected() {
        try (MockHost h = MockHost.ready(MockConfig.builder().aerl(1).build())) {
            h.admin.submit(aer());
            h.admin.submit(aer());
            assertNull(h.admin.poll(), "two AERs (AERL + 1) stay outstanding");
            Cqe third = h.adminCmd(aer());
            assertEquals(NvmeStatus.ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED, third.named());
        }
    }

    @Test
    void smartWarningCompletesAnOutstandingAsyncEventRequest() {
        try (MockHost h = MockHost.ready()) {
            assertTrue(h.adminCmd(setAec(0xFF)).ok());
            int cid = h.admin.submit(aer());
            assertNull(h.admin.poll());
            h.ctrl.raiseSmartWarning(0x04);
            Cqe c = h.admin.await();
            assertEquals(cid, c.cid());
            assertEquals(LogPageLayout.AER_TYPE_SMART, c.dw0() & 7);
            assertEquals(Opcodes.LOG_SMART_HEALTH, (c.dw0() >>> 16) & 0xFF);
        }
    }

    @Test
    void namespaceAttributeChangedIsANoticeForTheChangedNamespaceLog() {
        try (MockHost h = MockHost.ready()) {
            assertTrue(h.adminCmd(setAec(LogPageLayout.AEC_NS_ATTRIBUTE_NOTICES)).ok());
            h.ctrl.raiseNamespaceAttributeChanged(1);
            Cqe c = h.adminCmd(aer());
            assertEquals(LogPageLayout.AER_TYPE_NOTICE, c.dw0() & 7);
            assertEquals(LogPageLayout.AER_INFO_NS_ATTRIBUTE_CHANGED, (c.dw0() >>> 8) & 0xFF);
            assertEquals(Opcodes.LOG_CHANGED_NAMESPACE_LIST, (c.dw0() >>> 16) & 0xFF);
        }
    }

    @Test
    void eventsDisabledByAsyncEventConfigurationAreNotReported() {
        try (MockHost h = MockHost.ready()) {
            h.admin.submit(aer());
            h.ctrl.raiseNamespaceAttributeChanged(1);
            h.ctrl.raiseSmartWarning(0x01);
            assertNull(h.admin.poll());
        }
    }
}
