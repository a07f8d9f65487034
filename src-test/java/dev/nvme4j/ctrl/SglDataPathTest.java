package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reads and writes use one SGL Data Block descriptor when the controller supports SGLs and the
 * transfer reaches the threshold (32 KiB), PRPs otherwise; the mock checks every descriptor
 * (MockFixture fails on any spec violation).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SglDataPathTest {
    private static void pattern(DmaBuffer b, int seed) {
        for (long i = 0; i < b.byteSize(); i += 8) {
            b.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L + seed);
        }
    }

    private static void roundTrip(IoQueuePair qp, Namespace ns, long lba, int bytes, int offset,
                                  MockFixture f) {
        try (DmaBuffer w = f.ctrl.allocateBuffer(bytes + 4096); DmaBuffer r = f.ctrl.allocateBuffer(bytes + 4096)) {
            pattern(w, bytes);
            int blocks = bytes / ns.lbaSize();
            qp.writeSync(ns, lba, blocks, w.slice(offset, bytes), null, null);
            qp.readSync(ns, lba, blocks, r.slice(offset, bytes), null, null);
            assertEquals(-1, r.segment().asSlice(offset, bytes).mismatch(w.segment().asSlice(offset, bytes)));
        }
    }

    @Test
    void largeTransfersUseSglsAndSmallOnesPrps() {
        try (MockFixture f = new MockFixture(MockConfig.builder().sgls(1).namespace(NamespaceConfig.ram(8192, 512)).build())) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            roundTrip(qp, ns, 0, 16384, 0, f);
            assertEquals(0, qp.counters().sglCommands(), "16 KiB: PRPs");
            roundTrip(qp, ns, 100, 512 * 1024, 516, f); // split at MDTS (128 KiB): 4 commands each way
            assertEquals(8, qp.counters().sglCommands());
            qp.close();
        }
    }

    @Test
    void withoutSglSupportEverythingUsesPrps() {
        try (MockFixture f = new MockFixture(MockConfig.builder().namespace(NamespaceConfig.ram(8192, 512)).build())) {
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            roundTrip(qp, f.ctrl.namespace(1), 100, 512 * 1024, 0, f);
            assertEquals(0, qp.counters().sglCommands());
            qp.close();
        }
    }

    @Test
    void sglDataWithAContiguousMetadataBufferAndPi() {
        try (MockFixture f = new MockFixture(MockConfig.builder().sgls(1).namespace(NamespaceConfig.ram(2048, 4096)
                .withMetadata(64, false).withProtection(1, false)).build())) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            try (DmaBuffer d = f.ctrl.allocateBuffer(64 * 4096); DmaBuffer m = f.ctrl.allocateBuffer(64 * 64);
                 DmaBuffer rd = f.ctrl.allocateBuffer(64 * 4096); DmaBuffer rm = f.ctrl.allocateBuffer(64 * 64)) {
                pattern(d, 3);
                qp.writeSync(ns, 9, 64, d, m, Protection.host(Protection.ALL));
                qp.readSync(ns, 9, 64, rd, rm, Protection.controller(Protection.ALL));
                qp.readSync(ns, 9, 64, rd, rm, Protection.host(Protection.ALL));
                assertEquals(-1, rd.segment().mismatch(d.segment()));
                assertEquals(6, qp.counters().sglCommands(), "256 KiB at 128 KiB MDTS, three times");
            }
            qp.close();
        }
    }
}
