package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Data written through the driver reads back byte-identical, across depths, LBA sizes and transfer sizes. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DataPathTest {
    private static MockConfig config(int lbaSize, int mdts) {
        return MockConfig.builder().mdts(mdts).namespace(NamespaceConfig.ram((64L << 20) / lbaSize, lbaSize)).build();
    }

    private static void fill(MemorySegment s, long seed) {
        Random r = new Random(seed);
        for (long i = 0; i < s.byteSize(); i += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        }
    }

    private static void assertSame(DmaBuffer a, DmaBuffer b, long bytes) {
        assertArrayEquals(a.segment().asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE),
                b.segment().asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE));
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 64, 1024})
    void everyDepthKeepsTheQueueFullAndDataIntact(int depth) {
        try (MockFixture f = new MockFixture(config(512, 5))) {
            runDepth(f, depth, 512);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 8, 64})
    void fourKilobyteBlocks(int depth) {
        try (MockFixture f = new MockFixture(config(4096, 5))) {
            runDepth(f, depth, 4096);
        }
    }

    /** Keeps the queue full with writes of distinct blocks, then reads them all back. */
    private static void runDepth(MockFixture f, int depth, int lbaSize) {
        Namespace ns = f.ctrl.namespace(1);
        int commands = Math.max(3 * depth, 24);
        try (IoQueuePair qp = f.ctrl.createQueuePair(depth, CompletionMode.POLL);
             DmaBuffer out = f.ctrl.allocateBuffer((long) commands * lbaSize);
             DmaBuffer in = f.ctrl.allocateBuffer((long) commands * lbaSize)) {
            fill(out.segment(), depth);
            int[] done = new int[1];
            int[] errors = new int[1];
            for (int i = 0; i < commands; i++) {
                DmaBuffer slice = out.slice((long) i * lbaSize, lbaSize);
                while (!qp.write(ns, i, 1, slice, (tag, st) -> { done[0]++; errors[0] += st == 0 ? 0 : 1; }, i)) {
                    qp.poll();
                }
                assertTrue(qp.outstanding() <= depth - 1, "never more than depth - 1 outstanding");
            }
            assertTrue(qp.drain(Duration.ofSeconds(10)));
            assertEquals(commands, done[0]);
            assertEquals(0, errors[0]);
            qp.readSync(ns, 0, commands, in);
            assertSame(out, in, (long) commands * lbaSize);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 9, 255, 256, 257, 1000, 2048})
    void transfersFromOneBlockToBeyondMdtsCompleteOnce(int blocks) {
        try (MockFixture f = new MockFixture(config(512, 3))) { // MDTS 32 KiB = 64 blocks
            Namespace ns = f.ctrl.namespace(1);
            long bytes = (long) blocks * 512;
            try (IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
                 DmaBuffer out = f.ctrl.allocateBuffer(bytes + 4096);
                 DmaBuffer in = f.ctrl.allocateBuffer(bytes + 4096)) {
                fill(out.segment(), blocks);
                DmaBuffer src = out.slice(12, bytes); // a dword-aligned, unaligned-to-page offset
                int[] calls = new int[1];
                assertTrue(qp.write(ns, 100, blocks, src, (t, s) -> calls[0]++, 1));
                assertTrue(qp.drain(Duration.ofSeconds(10)));
                assertEquals(1, calls[0], "a split transfer completes once");
                DmaBuffer dst = in.slice(516, bytes);
                qp.readSync(ns, 100, blocks, dst);
                assertArrayEquals(src.segment().toArray(ValueLayout.JAVA_BYTE), dst.segment().toArray(ValueLayout.JAVA_BYTE));
                assertTrue(qp.counters().submitted() >= 2L * ((blocks + 63) / 64));
            }
        }
    }

    @Test
    void depthTwoCarriesASplitTransferOnePartAtATime() {
        try (MockFixture f = new MockFixture(config(512, 1))) { // MDTS 8 KiB
            Namespace ns = f.ctrl.namespace(1);
            try (IoQueuePair qp = f.ctrl.createQueuePair(2, CompletionMode.POLL);
                 DmaBuffer out = f.ctrl.allocateBuffer(1 << 20);
                 DmaBuffer in = f.ctrl.allocateBuffer(1 << 20)) {
                fill(out.segment(), 5);
                qp.writeSync(ns, 0, 2048, out);
                qp.readSync(ns, 0, 2048, in);
                assertSame(out, in, 1 << 20);
                assertEquals(256, qp.counters().completed());
            }
        }
    }

    @Test
    void hugeTransfersUseChainedPrpLists() {
        // MDTS 11 at 4 KiB pages = 8 MiB: one command carries 2048 pages (a list chained over pages)
        try (MockFixture f = new MockFixture(config(4096, 11))) {
            Namespace ns = f.ctrl.namespace(1);
            try (IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
                 DmaBuffer out = f.ctrl.allocateBuffer(8 << 20);
                 DmaBuffer in = f.ctrl.allocateBuffer(8 << 20)) {
                fill(out.segment(), 11);
                qp.writeSync(ns, 0, 2048, out);
                qp.readSync(ns, 0, 2048, in);
                assertSame(out, in, 8 << 20);
                assertEquals(2, qp.counters().completed());
            }
        }
    }

    @Test
    void severalNamespacesKeepTheirOwnData() {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(1024, 512))
                .namespace(NamespaceConfig.ram(256, 4096)).namespace(NamespaceConfig.ram(2048, 512)).build();
        try (MockFixture f = new MockFixture(cfg);
             IoQueuePair qp = f.ctrl.createQueuePair();
             DmaBuffer buf = f.ctrl.allocateBuffer(4096);
             DmaBuffer in = f.ctrl.allocateBuffer(4096)) {
            for (Namespace ns : f.ctrl.namespaces()) {
                buf.segment().fill((byte) ns.nsid());
                qp.writeSync(ns, 3, 1, buf);
            }
            for (Namespace ns : f.ctrl.namespaces()) {
                qp.readSync(ns, 3, 1, in);
                assertEquals((byte) ns.nsid(), in.segment().get(ValueLayout.JAVA_BYTE, ns.lbaSize() - 1));
            }
        }
    }

    @Test
    void manyQueuePairsWorkSideBySide() {
        try (MockFixture f = new MockFixture(config(512, 5))) {
            Namespace ns = f.ctrl.namespace(1);
            List<IoQueuePair> pairs = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                pairs.add(f.ctrl.createQueuePair(16, CompletionMode.POLL));
            }
            try (DmaBuffer buf = f.ctrl.allocateBuffer(64 * 512); DmaBuffer in = f.ctrl.allocateBuffer(512)) {
                for (int i = 0; i < 64; i++) {
                    buf.segment().asSlice(i * 512L, 512).fill((byte) i);
                    pairs.get(i).writeSync(ns, i, 1, buf.slice(i * 512L, 512));
                }
                for (int i = 0; i < 64; i++) {
                    pairs.get(63 - i).readSync(ns, i, 1, in);
                    assertEquals((byte) i, in.segment().get(ValueLayout.JAVA_BYTE, 0));
                }
            }
            pairs.forEach(IoQueuePair::close);
        }
    }

    @Test
    void writeZeroesDeallocateFlushAndPassthroughWork() {
        try (MockFixture f = new MockFixture(config(512, 5));
             IoQueuePair qp = f.ctrl.createQueuePair();
             DmaBuffer buf = f.ctrl.allocateBuffer(8192)) {
            Namespace ns = f.ctrl.namespace(1);
            buf.segment().fill((byte) 0x5A);
            qp.writeSync(ns, 0, 16, buf);
            int[] st = {-1, -1};
            assertTrue(qp.writeZeroes(ns, 0, 8, (t, s) -> st[0] = s, 0));
            assertTrue(qp.deallocate(ns, 8, 8, (t, s) -> st[1] = s, 0));
            assertTrue(qp.drain(Duration.ofSeconds(5)));
            assertEquals(0, st[0]);
            assertEquals(0, st[1]);
            qp.flushSync(ns);
            qp.readSync(ns, 0, 8, buf);
            assertEquals(0, buf.segment().get(ValueLayout.JAVA_BYTE, 100));
            Completion c = qp.passthroughSync(RawCommand.of(Opcodes.NVM_READ, ns.nsid()).withCdw12(0), buf.slice(0, 512));
            assertEquals(Status.SUCCESS, c.status());
            Completion bad = qp.passthroughSync(RawCommand.of(0x7F, ns.nsid()), null);
            assertEquals(0x01, Status.sc(bad.status()), "Invalid Command Opcode comes back as a status");
        }
    }

    @Test
    void adminPassthroughAndFeatures() throws Exception {
        try (MockFixture f = new MockFixture(config(512, 5), ControllerOptions.builder().adminQueueDepth(2).build());
             DmaBuffer buf = f.ctrl.allocateBuffer(4096)) {
            Completion c = f.ctrl.adminPassthrough(RawCommand.of(Opcodes.ADMIN_IDENTIFY, 0)
                    .withCdw10(Opcodes.CNS_CONTROLLER), buf).get();
            assertEquals(0, c.status());
            int nq = f.ctrl.getFeature(Opcodes.FEAT_NUMBER_OF_QUEUES, 0);
            assertEquals(63, nq & 0xFFFF);
            f.ctrl.setInterruptCoalescing(1, 4);
            assertEquals(512, f.ctrl.getLogPage(Opcodes.LOG_SMART_HEALTH, 512).length);
        }
    }
}
