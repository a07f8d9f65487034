package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BringUpTest {
    @Test
    void identifiesTheControllerAndItsNamespaces() {
        MockConfig cfg = MockConfig.builder().serialNumber("SN-1").modelNumber("Model").mdts(5)
                .namespace(NamespaceConfig.ram(4096, 512)).namespace(NamespaceConfig.ram(1024, 4096)).build();
        try (MockFixture f = new MockFixture(cfg)) {
            ControllerInfo info = f.ctrl.info();
            assertEquals("SN-1", info.serialNumber());
            assertEquals("Model", info.modelNumber());
            assertEquals(128 * 1024, info.maxTransferBytes());
            assertEquals(1024, info.maxQueueEntries());
            assertEquals(ControllerState.READY, f.ctrl.state());
            assertEquals(2, f.ctrl.namespaces().size());
            Namespace ns2 = f.ctrl.namespace(2);
            assertEquals(4096, ns2.lbaSize());
            assertEquals(1024, ns2.sizeBlocks());
            assertEquals(512, f.ctrl.namespace(1).lbaSize());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0, 0", "2, 0", "0, 1", "3, 2"})
    void honoursDoorbellStrideAndMinimumPageSize(int dstrd, int mpsmin) {
        MockConfig cfg = MockConfig.builder().dstrd(dstrd).mpsmin(mpsmin).mpsmax(4)
                .namespace(NamespaceConfig.ram(8192, 512)).build();
        try (MockFixture f = new MockFixture(cfg);
             IoQueuePair qp = f.ctrl.createQueuePair(16, dev.nvme4j.api.CompletionMode.POLL);
             DmaBuffer out = f.ctrl.allocateBuffer(64 * 1024);
             DmaBuffer in = f.ctrl.allocateBuffer(64 * 1024)) {
            assertEquals(4 << dstrd, f.ctrl.info().doorbellStride());
            assertEquals(4096 << mpsmin, f.ctrl.info().pageSize());
            Namespace ns = f.ctrl.namespace(1);
            out.segment().fill((byte) 0x3C);
            qp.writeSync(ns, 5, 100, out.slice(4, 100 * 512));
            qp.readSync(ns, 5, 100, in);
            assertEquals((byte) 0x3C, in.segment().get(ValueLayout.JAVA_BYTE, 100 * 512 - 1));
        }
    }

    @Test
    void writesAndReadsBackOneBlock() {
        try (MockFixture f = MockFixture.defaults();
             IoQueuePair qp = f.ctrl.createQueuePair();
             DmaBuffer out = f.ctrl.allocateBuffer(4096);
             DmaBuffer in = f.ctrl.allocateBuffer(4096)) {
            Namespace ns = f.ctrl.namespace(1);
            for (int i = 0; i < 512; i++) {
                out.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
            }
            qp.writeSync(ns, 10, 1, out);
            qp.readSync(ns, 10, 1, in);
            assertArrayEquals(out.segment().asSlice(0, 512).toArray(ValueLayout.JAVA_BYTE),
                    in.segment().asSlice(0, 512).toArray(ValueLayout.JAVA_BYTE));
            assertTrue(qp.counters().completed() >= 2);
        }
    }
}
