package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Get/Set Features (Base 5.15, 5.27) and Get Log Page (Base 5.16). */
class MockFeaturesAndLogsTest {
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;
    private static final ValueLayout.OfShort LE_SHORT = Le.SHORT;

    private static Cqe set(MockHost h, int fid, int v) {
        return h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(fid).cdw11(v));
    }

    private static Cqe get(MockHost h, int fid) {
        return h.adminCmd(Cmd.of(Opcodes.ADMIN_GET_FEATURES).cdw10(fid));
    }

    private static Cmd log(int lid, int bytes, long prp1) {
        return Cmd.of(Opcodes.ADMIN_GET_LOG_PAGE).prp1(prp1).cdw10(lid | ((bytes / 4 - 1) << 16));
    }

    @Test
    void setFeaturesValuesReadBackThroughGetFeatures() {
        try (MockHost h = MockHost.ready()) {
            assertTrue(set(h, Opcodes.FEAT_ARBITRATION, 0x0302_0103).ok());
            assertEquals(0x0302_0103, get(h, Opcodes.FEAT_ARBITRATION).dw0());
            assertTrue(set(h, Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0).ok());
            assertEquals(0, get(h, Opcodes.FEAT_VOLATILE_WRITE_CACHE).dw0());
            assertTrue(set(h, Opcodes.FEAT_INTERRUPT_COALESCING, 0x0A07).ok());
            assertEquals(0x0A07, get(h, Opcodes.FEAT_INTERRUPT_COALESCING).dw0());
            assertTrue(set(h, Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0x1FF).ok());
            assertEquals(0x1FF, get(h, Opcodes.FEAT_ASYNC_EVENT_CONFIG).dw0());
        }
    }

    @Test
    void volatileWriteCacheWithoutOneIsInvalidField() {
        try (MockHost h = MockHost.ready(MockConfig.builder().vwc(0).build())) {
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, set(h, Opcodes.FEAT_VOLATILE_WRITE_CACHE, 1).named());
        }
    }

    @Test
    void savingAFeatureIsFeatureIdentifierNotSaveable() {
        try (MockHost h = MockHost.ready()) {
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_ARBITRATION | 0x8000_0000).cdw11(0));
            assertEquals(NvmeStatus.FEATURE_NOT_SAVEABLE, c.named());
        }
    }

    @Test
    void unknownFeatureIsInvalidField() {
        try (MockHost h = MockHost.ready()) {
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, get(h, 0x7E).named());
        }
    }

    @Test
    void errorLogRecordsAFailedCommand() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            int cid = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(9).lba(0, 1)).cid();
            DmaRegion buf = h.alloc(4096);
            assertTrue(h.adminCmd(log(Opcodes.LOG_ERROR_INFORMATION, 64, buf.iova())).ok());
            var s = buf.segment();
            assertEquals(1, s.get(LE_LONG, LogPageLayout.ERR_ERROR_COUNT));
            assertEquals(1, s.get(LE_SHORT, LogPageLayout.ERR_SQID));
            assertEquals(cid, s.get(LE_SHORT, LogPageLayout.ERR_CID) & 0xFFFF);
            assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true), (s.get(LE_SHORT, LogPageLayout.ERR_STATUS) & 0xFFFF) >>> 1);
        }
    }

    @Test
    void smartLogCountsHostReadAndWriteCommands() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(d.iova()).lba(0, 8));
            q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).lba(0, 8));
            q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).lba(0, 8));
            h.ctrl.raiseSmartWarning(0x02);
            DmaRegion buf = h.alloc(4096);
            assertTrue(h.adminCmd(log(Opcodes.LOG_SMART_HEALTH, 512, buf.iova())).ok());
            assertEquals(2, buf.segment().get(LE_LONG, LogPageLayout.SMART_HOST_READ_COMMANDS));
            assertEquals(1, buf.segment().get(LE_LONG, LogPageLayout.SMART_HOST_WRITE_COMMANDS));
            assertEquals(0x02, buf.segment().get(ValueLayout.JAVA_BYTE, LogPageLayout.SMART_CRITICAL_WARNING));
        }
    }

    @Test
    void firmwareSlotLogReportsTheActiveRevision() {
        try (MockHost h = MockHost.ready(MockConfig.builder().firmwareRevision("REV42").build())) {
            DmaRegion buf = h.alloc(4096);
            assertTrue(h.adminCmd(log(Opcodes.LOG_FIRMWARE_SLOT, 512, buf.iova())).ok());
            assertEquals(1, buf.segment().get(ValueLayout.JAVA_BYTE, LogPageLayout.FW_AFI));
            assertEquals("REV42", MockBringUpTest.ascii(buf.segment(), LogPageLayout.FW_FRS1, 8));
        }
    }

    @Test
    void unsupportedLogPageIsInvalidLogPage() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion buf = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_LOG_PAGE, h.adminCmd(log(0x70, 512, buf.iova())).named());
        }
    }

    @Test
    void identifyWithAnUnknownCnsIsInvalidField() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion buf = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).prp1(buf.iova()).cdw10(0x55)).named());
        }
    }

    @Test
    void identifyNamespaceZeroIsInvalidNamespaceOrFormat() {
        try (MockHost h = MockHost.ready()) {
            DmaRegion buf = h.alloc(4096);
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).nsid(0).prp1(buf.iova()).cdw10(Opcodes.CNS_NAMESPACE));
            assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT, c.named());
        }
    }

    @Test
    void identifyOfAnInactiveNamespaceReturnsZeros() {
        try (MockHost h = MockHost.ready(MockConfig.builder().nn(4).build())) {
            DmaRegion buf = h.alloc(4096);
            buf.segment().fill((byte) 0x5A);
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).nsid(3).prp1(buf.iova()).cdw10(Opcodes.CNS_NAMESPACE));
            assertTrue(c.ok());
            assertEquals(0, buf.segment().get(LE_LONG, 0));
        }
    }
}
