package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MockBringUpTest {
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    @Test
    void capReportsTheConfiguredFields() {
        MockConfig cfg = MockConfig.builder().mqes(255).timeout(7).dstrd(1).mpsmin(0).mpsmax(2).build();
        try (MockHost h = new MockHost(cfg)) {
            long cap = h.regs.read64(NvmeRegs.CAP);
            assertEquals(255, NvmeRegs.capMqes(cap));
            assertTrue(NvmeRegs.capCqr(cap));
            assertEquals(7, NvmeRegs.capTo(cap));
            assertEquals(1, NvmeRegs.capDstrd(cap));
            assertEquals(1, NvmeRegs.capCss(cap));
            assertEquals(2, NvmeRegs.capMpsmax(cap));
            assertEquals(NvmeRegs.version(2, 0, 0), h.regs.read32(NvmeRegs.VS));
        }
    }

    @Test
    void enablingWithValidAdminQueuesSetsReady() {
        try (MockHost h = MockHost.ready()) {
            assertTrue(NvmeRegs.cstsRdy(h.csts()));
            assertFalse(NvmeRegs.cstsCfs(h.csts()));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void identifyControllerReportsIdentityAndLimits() {
        MockConfig cfg = MockConfig.builder().serialNumber("SN123").modelNumber("Model X").firmwareRevision("FW9")
                .vid(0x1234).mdts(6).nn(4).aerl(2).acl(1).build();
        try (MockHost h = MockHost.ready(cfg)) {
            DmaRegion buf = h.alloc(4096);
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).prp1(buf.iova()).cdw10(Opcodes.CNS_CONTROLLER));
            assertTrue(c.ok(), c.toString());
            var s = buf.segment();
            assertEquals(0x1234, s.get(ValueLayout.JAVA_SHORT_UNALIGNED, IdentifyLayout.CTRL_VID) & 0xFFFF);
            assertEquals("SN123", ascii(s, IdentifyLayout.CTRL_SN, 20));
            assertEquals("Model X", ascii(s, IdentifyLayout.CTRL_MN, 40));
            assertEquals("FW9", ascii(s, IdentifyLayout.CTRL_FR, 8));
            assertEquals(6, s.get(ValueLayout.JAVA_BYTE, IdentifyLayout.CTRL_MDTS));
            assertEquals(0x66, s.get(ValueLayout.JAVA_BYTE, IdentifyLayout.CTRL_SQES));
            assertEquals(0x44, s.get(ValueLayout.JAVA_BYTE, IdentifyLayout.CTRL_CQES));
            assertEquals(4, s.get(LE_INT, IdentifyLayout.CTRL_NN));
            assertEquals(2, s.get(ValueLayout.JAVA_BYTE, IdentifyLayout.CTRL_AERL));
            assertEquals(1, s.get(ValueLayout.JAVA_BYTE, IdentifyLayout.CTRL_ACL));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void identifyNamespaceReportsSizeAndLbaFormat() {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(1000, 512))
                .namespace(NamespaceConfig.nullStore(77, 4096)).build();
        try (MockHost h = MockHost.ready(cfg)) {
            DmaRegion buf = h.alloc(4096);
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).nsid(2).prp1(buf.iova()).cdw10(Opcodes.CNS_NAMESPACE));
            assertTrue(c.ok(), c.toString());
            assertEquals(77, buf.segment().get(LE_LONG, IdentifyLayout.NS_NSZE));
            assertEquals(77, buf.segment().get(LE_LONG, IdentifyLayout.NS_NCAP));
            assertEquals(12, IdentifyLayout.lbafLbads(buf.segment().get(LE_INT, IdentifyLayout.NS_LBAF0)));
        }
    }

    @Test
    void activeNamespaceListListsNsidsAboveTheGivenOne() {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(8, 512))
                .namespace(NamespaceConfig.ram(8, 512)).namespace(NamespaceConfig.ram(8, 512)).build();
        try (MockHost h = MockHost.ready(cfg)) {
            DmaRegion buf = h.alloc(4096);
            Cqe c = h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).nsid(1).prp1(buf.iova()).cdw10(Opcodes.CNS_ACTIVE_NAMESPACE_LIST));
            assertTrue(c.ok());
            assertEquals(2, buf.segment().get(LE_INT, 0));
            assertEquals(3, buf.segment().get(LE_INT, 4));
            assertEquals(0, buf.segment().get(LE_INT, 8));
        }
    }

    @Test
    void writeThenReadReturnsTheWrittenData() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(8192);
            DmaRegion in = h.alloc(8192);
            for (int i = 0; i < 8192; i++) {
                out.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
            }
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova()).prp2(out.iova() + 4096).lba(100, 16)).ok());
            Cqe r = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).prp2(in.iova() + 4096).lba(100, 16));
            assertTrue(r.ok(), r.toString());
            assertEquals(-1, out.segment().mismatch(in.segment()));
            h.ctrl.assertNoViolations();
        }
    }

    static String ascii(java.lang.foreign.MemorySegment s, long off, int len) {
        byte[] b = s.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.US_ASCII).stripTrailing();
    }
}
