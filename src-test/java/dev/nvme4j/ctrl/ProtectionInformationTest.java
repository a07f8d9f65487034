package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metadata and end-to-end protection information on the mock, whose PI insertion and checking is
 * its own implementation of the spec: what the driver generates the mock checks, and the other
 * way round. MDTS is 8 KiB (mdts 1) so that multi-block transfers are split.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProtectionInformationTest {
    private static final int BLOCKS = 40;

    static Stream<Arguments> formats() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (int type = 1; type <= 3; type++) {
            b.add(Arguments.of(512, 8, true, type, true));
            b.add(Arguments.of(512, 8, false, type, false));
            b.add(Arguments.of(4096, 64, false, type, true));
            b.add(Arguments.of(4096, 64, true, type, false));
        }
        return b.build();
    }

    private static MockFixture fixture(int lbaSize, int ms, boolean extended, int type, boolean first) {
        return new MockFixture(MockConfig.builder().mdts(1)
                .namespace(NamespaceConfig.ram(256, lbaSize).withMetadata(ms, extended).withProtection(type, first))
                .build());
    }

    /** Buffers for {@code blocks} blocks of {@code ns}: data (with the metadata of an extended LBA) and separate metadata. */
    private record Buffers(DmaBuffer data, DmaBuffer meta) implements AutoCloseable {
        static Buffers of(MockFixture f, Namespace ns, int blocks) {
            long stride = ns.lbaSize() + (ns.extendedLba() ? ns.metadataSize() : 0);
            DmaBuffer d = f.ctrl.allocateBuffer(blocks * stride);
            DmaBuffer m = ns.extendedLba() ? null : f.ctrl.allocateBuffer((long) blocks * ns.metadataSize());
            return new Buffers(d, m);
        }

        @Override
        public void close() {
            data.close();
            if (meta != null) {
                meta.close();
            }
        }
    }

    private static void fillData(Namespace ns, DmaBuffer data, int blocks, long seed) {
        Random r = new Random(seed);
        MemorySegment s = data.segment();
        long stride = ns.lbaSize() + (ns.extendedLba() ? ns.metadataSize() : 0);
        for (int i = 0; i < blocks; i++) {
            for (int j = 0; j < ns.lbaSize(); j++) {
                s.set(ValueLayout.JAVA_BYTE, i * stride + j, (byte) r.nextInt());
            }
        }
    }

    private static byte[] dataOf(Namespace ns, DmaBuffer data, int blocks) {
        long stride = ns.lbaSize() + (ns.extendedLba() ? ns.metadataSize() : 0);
        byte[] out = new byte[blocks * ns.lbaSize()];
        for (int i = 0; i < blocks; i++) {
            MemorySegment.copy(data.segment(), ValueLayout.JAVA_BYTE, i * stride, out, i * ns.lbaSize(), ns.lbaSize());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}+{1} extended={2} type {3} first={4}")
    @MethodSource("formats")
    void hostGeneratedPiIsAcceptedByTheControllerAndReadsBackChecked(int ls, int ms, boolean ext, int type, boolean first) {
        try (MockFixture f = fixture(ls, ms, ext, type, first)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            try (Buffers w = Buffers.of(f, ns, BLOCKS); Buffers r = Buffers.of(f, ns, BLOCKS)) {
                fillData(ns, w.data, BLOCKS, ls + ms + type);
                // The controller checks guard, application tag and reference tag of what the driver generated.
                Protection all = Protection.host(Protection.ALL).withAppTag(0x1234, 0xFFFF);
                qp.writeSync(ns, 7, BLOCKS, w.data, w.meta, all);
                qp.readSync(ns, 7, BLOCKS, r.data, r.meta, all);
                assertArrayEquals(dataOf(ns, w.data, BLOCKS), dataOf(ns, r.data, BLOCKS));
                // The controller checks the stored PI again on a PRACT read.
                r.data.segment().fill((byte) 0);
                qp.readSync(ns, 7, BLOCKS, r.data, ms == 8 ? null : r.meta, Protection.controller(Protection.ALL)
                        .withAppTag(0x1234, 0xFFFF));
                byte[] read = ms == 8 && ext // PRACT with 8-byte metadata: the PI is stripped, the data packed
                        ? r.data.segment().asSlice(0, (long) BLOCKS * ls).toArray(ValueLayout.JAVA_BYTE)
                        : dataOf(ns, r.data, BLOCKS);
                assertArrayEquals(dataOf(ns, w.data, BLOCKS), read);
            }
            qp.close();
            assertEquals(0, f.mock.counters().iommuFaults());
        }
    }

    @ParameterizedTest(name = "{0}+{1} extended={2} type {3} first={4}")
    @MethodSource("formats")
    void controllerInsertedPiPassesTheDriversCheck(int ls, int ms, boolean ext, int type, boolean first) {
        try (MockFixture f = fixture(ls, ms, ext, type, first)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            try (Buffers w = Buffers.of(f, ns, BLOCKS); Buffers r = Buffers.of(f, ns, BLOCKS)) {
                fillData(ns, w.data, BLOCKS, 99);
                DmaBuffer wdata = w.data;
                if (ms == 8 && ext) { // PRACT with 8-byte metadata: the data buffer holds data only
                    wdata = f.ctrl.allocateBuffer((long) BLOCKS * ls);
                    MemorySegment.copy(MemorySegment.ofArray(dataOf(ns, w.data, BLOCKS)), 0, wdata.segment(), 0,
                            (long) BLOCKS * ls);
                }
                qp.writeSync(ns, 3, BLOCKS, wdata, ms == 8 ? null : w.meta, Protection.CONTROLLER_DEFAULT);
                qp.readSync(ns, 3, BLOCKS, r.data, r.meta, Protection.host(Protection.ALL));
                assertArrayEquals(dataOf(ns, w.data, BLOCKS), dataOf(ns, r.data, BLOCKS));
                if (wdata != w.data) {
                    wdata.close();
                }
            }
            qp.close();
        }
    }

    /**
     * Write Zeroes on a PI namespace (NVM Command Set, Write Zeroes): without PRACT the blocks'
     * PI is all zeros, whose reference tag fails a later checked read; the driver sets PRACT and
     * EILBRT, so the controller writes the PI of zeroes (application tag 0, reference tag = LBA)
     * and reads with every check pass, on the driver's side and on the controller's.
     */
    @ParameterizedTest(name = "{0}+{1} extended={2} type {3} first={4}")
    @MethodSource("formats")
    void writeZeroesLeavesPiThatLaterCheckedReadsAccept(int ls, int ms, boolean ext, int type, boolean first) {
        try (MockFixture f = fixture(ls, ms, ext, type, first)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            try (Buffers w = Buffers.of(f, ns, BLOCKS); Buffers r = Buffers.of(f, ns, BLOCKS)) {
                fillData(ns, w.data, BLOCKS, 7);
                qp.writeSync(ns, 5, BLOCKS, w.data, w.meta, Protection.HOST_DEFAULT);
                int[] st = {-1};
                assertTrue(qp.writeZeroes(ns, 5, BLOCKS, (t, s) -> st[0] = s, 0));
                assertTrue(qp.drain(java.time.Duration.ofSeconds(5)));
                assertEquals(0, st[0], dev.nvme4j.api.Status.describe(st[0]));
                Protection appTagZero = Protection.host(Protection.ALL).withAppTag(0, 0xFFFF);
                qp.readSync(ns, 5, BLOCKS, r.data, r.meta, appTagZero);
                assertArrayEquals(new byte[BLOCKS * ls], dataOf(ns, r.data, BLOCKS), "the blocks read as zeroes");
                qp.readSync(ns, 5, BLOCKS, r.data, ms == 8 ? null : r.meta,
                        Protection.controller(Protection.ALL).withAppTag(0, 0xFFFF));
            }
            qp.close();
            f.mock.assertNoViolations();
        }
    }

    @Test
    void aBlockCorruptedOnTheMediaIsAGuardErrorNamingItsLba() {
        try (MockFixture f = fixture(512, 8, false, 1, true)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            try (Buffers w = Buffers.of(f, ns, BLOCKS)) {
                fillData(ns, w.data, BLOCKS, 5);
                qp.writeSync(ns, 0, BLOCKS, w.data, w.meta, Protection.HOST_DEFAULT);
                f.mock.faults().corruptMediaAt(1, 29, false);
                AtomicInteger status = new AtomicInteger(-1);
                AtomicLong lba = new AtomicLong();
                assertTrue(qp.read(ns, 0, BLOCKS, w.data, w.meta, Protection.HOST_DEFAULT, (tag, st) -> {
                    status.set(st);
                    lba.set(qp.protectionErrorLba());
                }, 0));
                qp.drain(java.time.Duration.ofSeconds(10));
                assertEquals(NvmeStatus.GUARD_CHECK_ERROR, NvmeStatus.of(status.get()));
                assertEquals(29, lba.get(), "the driver names the corrupted block");
                // The controller's own check (PRACT read) finds it too: the failing command is named.
                var e = assertThrows(NvmeException.class, () -> qp.readSync(ns, 29, 1, w.data, null,
                        Protection.CONTROLLER_DEFAULT));
                assertTrue(e.getMessage().contains("LBA 29"), e.getMessage());
                assertEquals(NvmeStatus.GUARD_CHECK_ERROR, NvmeStatus.of(e.status()));
            }
            qp.close();
        }
    }

    @Test
    void corruptedPiGuardAndWrongTagsAreDistinctStatuses() {
        try (MockFixture f = fixture(4096, 64, true, 1, false)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            try (Buffers w = Buffers.of(f, ns, 4)) {
                fillData(ns, w.data, 4, 6);
                qp.writeSync(ns, 10, 4, w.data, null, Protection.host(Protection.ALL).withAppTag(0x00AA, 0xFFFF));
                f.mock.faults().corruptMediaAt(1, 12, true);
                assertStatus(NvmeStatus.GUARD_CHECK_ERROR, 12, () -> qp.readSync(ns, 10, 4, w.data, null,
                        Protection.host(Protection.ALL).withAppTag(0x00AA, 0xFFFF)));
                f.mock.faults().clear();
                assertStatus(NvmeStatus.APPLICATION_TAG_CHECK_ERROR, 10, () -> qp.readSync(ns, 10, 4, w.data, null,
                        Protection.host(Protection.ALL).withAppTag(0x00AB, 0xFFFF)));
                qp.readSync(ns, 10, 4, w.data, null, Protection.host(Protection.ALL).withAppTag(0x00AB, 0xFF00));
                // Blocks 10..13 read as 11..14: every reference tag is off by one.
                fillData(ns, w.data, 4, 6);
                qp.writeSync(ns, 11, 4, w.data, null, Protection.host(Protection.GUARD));
                qp.readSync(ns, 11, 4, w.data, null, Protection.host(Protection.ALL));
                MemorySegment s = w.data.segment();
                long piOfBlock0 = 4096 + 56 + 4;
                s.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), piOfBlock0, 77);
                assertStatus(NvmeStatus.REFERENCE_TAG_CHECK_ERROR, 11, () -> qp.writeSync(ns, 11, 4, w.data, null,
                        new Protection(Protection.Mode.APPLICATION, Protection.ALL, 0, 0)));
            }
            qp.close();
        }
    }

    private static void assertStatus(NvmeStatus expected, long lba, Runnable op) {
        NvmeException e = assertThrows(NvmeException.class, op::run);
        assertEquals(expected, NvmeStatus.of(e.status()), e.getMessage());
        assertTrue(e.getMessage().contains("LBA " + lba + ")"), e.getMessage());
    }

    @Test
    void metadataWithoutProtectionRoundTripsAsStored() {
        try (MockFixture f = new MockFixture(MockConfig.builder().mdts(1)
                .namespace(NamespaceConfig.ram(64, 512).withMetadata(16, false)).build())) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            try (Buffers w = Buffers.of(f, ns, 32); Buffers r = Buffers.of(f, ns, 32)) {
                fillData(ns, w.data, 32, 1);
                for (int i = 0; i < 32 * 16; i++) {
                    w.meta.segment().set(ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
                }
                qp.writeSync(ns, 1, 32, w.data, w.meta, null);
                qp.readSync(ns, 1, 32, r.data, r.meta, null);
                assertArrayEquals(w.meta.segment().toArray(ValueLayout.JAVA_BYTE), r.meta.segment().toArray(ValueLayout.JAVA_BYTE));
                assertArrayEquals(dataOf(ns, w.data, 32), dataOf(ns, r.data, 32));
                assertThrows(IllegalArgumentException.class, () -> qp.write(ns, 0, 1, w.data, w.meta,
                        Protection.HOST_DEFAULT, (t, s) -> { }, 0), "no PI on this format");
            }
            qp.close();
        }
    }

    @Test
    void buffersThatDoNotFitTheFormatAreRefusedAtSubmit() {
        try (MockFixture f = fixture(512, 8, true, 1, true)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            try (DmaBuffer page = f.ctrl.allocateBuffer(4096); DmaBuffer meta = f.ctrl.allocateBuffer(64)) {
                DmaBuffer small = page.slice(0, 512 * 4);
                var e = assertThrows(IllegalArgumentException.class, () -> qp.write(ns, 0, 4, small, null,
                        Protection.HOST_DEFAULT, (t, s) -> { }, 0));
                assertTrue(e.getMessage().contains("too small for 2080 bytes"), e.getMessage());
                // PRACT with 8-byte metadata moves data only: the same buffer fits.
                qp.writeSync(ns, 0, 4, small, null, Protection.CONTROLLER_DEFAULT);
                e = assertThrows(IllegalArgumentException.class, () -> qp.write(ns, 0, 1, small, meta, null,
                        (t, s) -> { }, 0));
                assertTrue(e.getMessage().contains("inside the data buffer"), e.getMessage());
            }
            qp.close();
        }
        try (MockFixture f = fixture(4096, 64, false, 3, false)) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            try (DmaBuffer data = f.ctrl.allocateBuffer(4096 * 2); DmaBuffer page = f.ctrl.allocateBuffer(4096)) {
                DmaBuffer meta = page.slice(0, 64);
                var e = assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 2, data, null,
                        Protection.HOST_DEFAULT, (t, s) -> { }, 0));
                assertTrue(e.getMessage().contains("needs a metadata buffer of 128 bytes"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 2, data, meta,
                        Protection.HOST_DEFAULT, (t, s) -> { }, 0));
                assertTrue(e.getMessage().contains("too small"), e.getMessage());
            }
            assertEquals(0, qp.counters().submitted(), "nothing reached the device");
            qp.close();
        }
    }
}
