package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Namespaces attached, detached and resized at run time, as Identify, the log page and I/O show them. */
class MockNamespaceManagementTest {
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private static MockConfig config() {
        return MockConfig.builder().nn(4).namespace(NamespaceConfig.ram(1000, 512))
                .namespace(NamespaceConfig.ram(2000, 512)).build();
    }

    private static int[] activeList(MockHost h, DmaRegion buf) {
        assertTrue(h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).prp1(buf.iova()).cdw10(Opcodes.CNS_ACTIVE_NAMESPACE_LIST)).ok());
        int n = 0;
        while (buf.segment().get(LE_INT, 4L * n) != 0) {
            n++;
        }
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = buf.segment().get(LE_INT, 4L * i);
        }
        return r;
    }

    private static long nsze(MockHost h, DmaRegion buf, int nsid) {
        assertTrue(h.adminCmd(Cmd.of(Opcodes.ADMIN_IDENTIFY).nsid(nsid).prp1(buf.iova()).cdw10(Opcodes.CNS_NAMESPACE)).ok());
        return buf.segment().get(LE_LONG, IdentifyLayout.NS_NSZE);
    }

    private static int[] changedList(MockHost h, DmaRegion buf) {
        buf.segment().fill((byte) 0x55);
        Cmd log = Cmd.of(Opcodes.ADMIN_GET_LOG_PAGE).nsid(0xFFFF_FFFF).prp1(buf.iova())
                .cdw10(Opcodes.LOG_CHANGED_NAMESPACE_LIST | ((4096 / 4 - 1) << 16));
        assertTrue(h.adminCmd(log).ok());
        int n = 0;
        while (n < 1024 && buf.segment().get(LE_INT, 4L * n) != 0) {
            n++;
        }
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = buf.segment().get(LE_INT, 4L * i);
        }
        return r;
    }

    @Test
    void attachDetachAndResizeShowInIdentifyAndTheChangedNamespaceList() {
        try (MockHost h = MockHost.ready(config())) {
            DmaRegion buf = h.alloc(4096);
            assertTrue(h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_ASYNC_EVENT_CONFIG)
                    .cdw11(LogPageLayout.AEC_NS_ATTRIBUTE_NOTICES)).ok());
            assertEquals(3, h.ctrl.attachNamespace(NamespaceConfig.ram(300, 4096)));
            h.ctrl.detachNamespace(1);
            h.ctrl.resizeNamespace(2, 2500);
            assertEquals(java.util.List.of(2, 3), java.util.Arrays.stream(activeList(h, buf)).boxed().toList());
            assertEquals(0, nsze(h, buf, 1), "a detached NSID identifies as zeros");
            assertEquals(2500, nsze(h, buf, 2));
            assertEquals(300, nsze(h, buf, 3));
            assertEquals(java.util.List.of(1, 2, 3), java.util.Arrays.stream(changedList(h, buf)).boxed().toList());
            assertEquals(0, changedList(h, buf).length, "reading the page cleared it");
            assertEquals(1, h.ctrl.attachNamespace(NamespaceConfig.ram(10, 512)), "the lowest free NSID is reused");
            assertEquals(4, h.ctrl.attachNamespace(NamespaceConfig.ram(10, 512)));
            IllegalStateException full = assertThrows(IllegalStateException.class,
                    () -> h.ctrl.attachNamespace(NamespaceConfig.ram(10, 512)));
            assertTrue(full.getMessage().contains("NN (4)"), full.getMessage());
        }
    }

    @Test
    void ioToADetachedNamespaceIsInvalidNamespaceAndAResizedOneHasItsNewRange() {
        try (MockHost h = MockHost.ready(config())) {
            HostQueue io = h.ioQueue(1, 16);
            DmaRegion buf = h.alloc(4096);
            assertEquals(NvmeStatus.LBA_OUT_OF_RANGE, io.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(2).prp1(buf.iova())
                    .lba(2000, 1)).named());
            h.ctrl.resizeNamespace(2, 2001);
            assertTrue(io.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(2).prp1(buf.iova()).lba(2000, 1)).ok());
            h.ctrl.detachNamespace(2);
            assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT, io.execute(Cmd.of(Opcodes.NVM_READ).nsid(2)
                    .prp1(buf.iova()).lba(0, 1)).named());
            IllegalArgumentException notAttached = assertThrows(IllegalArgumentException.class,
                    () -> h.ctrl.resizeNamespace(2, 10));
            assertTrue(notAttached.getMessage().contains("attached: 1"), notAttached.getMessage());
        }
    }

    @Test
    void moreThan1024ChangesReportTheOverflowEntry() {
        try (MockHost h = MockHost.ready(MockConfig.builder().nn(2000).namespace(NamespaceConfig.ram(8, 512)).build())) {
            DmaRegion buf = h.alloc(4096);
            for (int i = 0; i < 1030; i++) {
                h.ctrl.attachNamespace(NamespaceConfig.nullStore(8, 512));
            }
            assertEquals(java.util.List.of(0xFFFF_FFFF), java.util.Arrays.stream(changedList(h, buf)).boxed().toList());
        }
    }
}
