package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NVM command set I/O (NVM Command Set 1.0, section 3) and the backing stores. */
class MockIoTest {
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private static MockHost small() {
        return MockHost.ready(MockConfig.builder().namespace(NamespaceConfig.ram(1024, 512)).build());
    }

    private static Cqe write(HostQueue q, DmaRegion d, long lba, int n) {
        return q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(d.iova()).prp2(d.iova() + 4096).lba(lba, n));
    }

    private static Cqe read(HostQueue q, DmaRegion d, long lba, int n) {
        return q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).prp2(d.iova() + 4096).lba(lba, n));
    }

    @Test
    void aReadPastTheLastBlockIsLbaOutOfRange() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(8192);
            assertTrue(read(q, d, 1023, 1).ok());
            Cqe c = read(q, d, 1023, 2);
            assertEquals(NvmeStatus.LBA_OUT_OF_RANGE, c.named());
            assertTrue(c.dnr());
        }
    }

    @Test
    void aTransferBeyondMdtsIsInvalidField() {
        try (MockHost h = MockHost.ready(MockConfig.builder().mdts(1).build())) { // 8 KiB
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4 * 4096);
            assertTrue(read(q, d, 0, 16).ok());
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, read(q, d, 0, 17).named());
        }
    }

    @Test
    void anInactiveNamespaceIsInvalidNamespaceOrFormat() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_NAMESPACE_OR_FORMAT,
                    q.execute(Cmd.of(Opcodes.NVM_READ).nsid(2).prp1(d.iova()).lba(0, 1)).named());
        }
    }

    @Test
    void anUnknownIoOpcodeIsInvalidCommandOpcode() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            assertEquals(NvmeStatus.INVALID_COMMAND_OPCODE, q.execute(Cmd.of(0x7C).nsid(1)).named());
        }
    }

    @Test
    void sglDataPointersAreInvalidField() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND,
                    q.execute(Cmd.of(Opcodes.NVM_READ).flags(0x40).nsid(1).prp1(d.iova()).lba(0, 1)).named());
        }
    }

    @Test
    void flushOfOneOrAllNamespacesSucceeds() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_FLUSH).nsid(1)).ok());
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_FLUSH).nsid(0xFFFF_FFFF)).ok());
        }
    }

    @Test
    void writeZeroesMakesBlocksReadAsZeros() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(8192);
            d.segment().fill((byte) 0xAB);
            assertTrue(write(q, d, 8, 8).ok());
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE_ZEROES).nsid(1).lba(9, 2)).ok());
            assertTrue(read(q, d, 8, 8).ok());
            assertEquals((byte) 0xAB, d.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, d.segment().get(ValueLayout.JAVA_BYTE, 512));
            assertEquals(0, d.segment().get(ValueLayout.JAVA_BYTE, 1535));
            assertEquals((byte) 0xAB, d.segment().get(ValueLayout.JAVA_BYTE, 1536));
        }
    }

    @Test
    void writeZeroesOutOfRangeIsLbaOutOfRange() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            assertEquals(NvmeStatus.LBA_OUT_OF_RANGE, q.execute(Cmd.of(Opcodes.NVM_WRITE_ZEROES).nsid(1).lba(1020, 5)).named());
        }
    }

    @Test
    void writeZeroesWithoutOncsSupportIsInvalidOpcode() {
        try (MockHost h = MockHost.ready(MockConfig.builder().oncs(0).build())) {
            HostQueue q = h.ioQueue(1, 16);
            assertEquals(NvmeStatus.INVALID_COMMAND_OPCODE, q.execute(Cmd.of(Opcodes.NVM_WRITE_ZEROES).nsid(1).lba(0, 1)).named());
        }
    }

    @Test
    void datasetManagementDeallocateMakesTheRangesReadAsZeros() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(8192);
            d.segment().fill((byte) 0x11);
            assertTrue(write(q, d, 0, 16).ok());
            DmaRegion ranges = h.alloc(4096);
            ranges.segment().set(LE_INT, 4, 2);    // range 0: 2 blocks at LBA 1
            ranges.segment().set(LE_LONG, 8, 1);
            ranges.segment().set(LE_INT, 20, 1);   // range 1: 1 block at LBA 10
            ranges.segment().set(LE_LONG, 24, 10);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_DATASET_MANAGEMENT).nsid(1).prp1(ranges.iova()).cdw10(1).cdw11(Opcodes.DSM_ATTR_DEALLOCATE));
            assertTrue(c.ok(), c.toString());
            assertTrue(read(q, d, 0, 16).ok());
            assertEquals(0x11, d.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, d.segment().get(ValueLayout.JAVA_BYTE, 512));
            assertEquals(0, d.segment().get(ValueLayout.JAVA_BYTE, 1024));
            assertEquals(0x11, d.segment().get(ValueLayout.JAVA_BYTE, 1536));
            assertEquals(0, d.segment().get(ValueLayout.JAVA_BYTE, 10 * 512));
        }
    }

    @Test
    void datasetManagementWithARangeOutsideTheNamespaceIsLbaOutOfRange() {
        try (MockHost h = small()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion ranges = h.alloc(4096);
            ranges.segment().set(LE_INT, 4, 10);
            ranges.segment().set(LE_LONG, 8, 1020);
            assertEquals(NvmeStatus.LBA_OUT_OF_RANGE, q.execute(Cmd.of(Opcodes.NVM_DATASET_MANAGEMENT).nsid(1)
                    .prp1(ranges.iova()).cdw11(Opcodes.DSM_ATTR_DEALLOCATE)).named());
        }
    }

    @Test
    void fourKibBlocksRoundTrip() {
        try (MockHost h = MockHost.ready(MockConfig.builder().namespace(NamespaceConfig.ram(100, 4096)).build())) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(8192);
            out.segment().fill((byte) 0x42);
            assertTrue(write(q, out, 99, 2).named() == NvmeStatus.LBA_OUT_OF_RANGE);
            assertTrue(write(q, out, 98, 2).ok());
            DmaRegion in = h.alloc(8192);
            assertTrue(read(q, in, 98, 2).ok());
            assertEquals(-1, in.segment().mismatch(out.segment()));
        }
    }

    @Test
    void theNullStoreReadsZerosAndDiscardsWrites() {
        try (MockHost h = MockHost.ready(MockConfig.builder().namespace(NamespaceConfig.nullStore(1 << 20, 512)).build())) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            d.segment().fill((byte) 9);
            assertTrue(write(q, d, 5, 8).ok());
            assertTrue(read(q, d, 5, 8).ok());
            assertEquals(-1, d.segment().mismatch(java.lang.foreign.MemorySegment.ofArray(new byte[4096])));
        }
    }

    @Test
    void theNoDataStoreLeavesTheReadBufferAsItIsAndStillChecksTheCommand() {
        try (MockHost h = MockHost.ready(MockConfig.builder().namespace(NamespaceConfig.noData(1 << 20, 512)).build())) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            d.segment().fill((byte) 9);
            assertTrue(write(q, d, 5, 8).ok());
            d.segment().fill((byte) 7);
            assertTrue(read(q, d, 5, 8).ok());
            byte[] sevens = new byte[4096];
            java.util.Arrays.fill(sevens, (byte) 7);
            assertEquals(-1, d.segment().mismatch(java.lang.foreign.MemorySegment.ofArray(sevens)),
                    "a read moved data");
            assertTrue(read(q, d, (1 << 20) - 1, 2).named() == NvmeStatus.LBA_OUT_OF_RANGE);
        }
    }

    @Test
    void theRamStoreAllocatesOnlyTheChunksWritten() {
        RamStore s = new RamStore(1L << 40);
        var buf = java.lang.foreign.MemorySegment.ofArray(new byte[512]);
        buf.fill((byte) 1);
        s.write(123L << 20, buf, 0, 512);
        assertEquals(1, s.allocatedChunks());
        var back = java.lang.foreign.MemorySegment.ofArray(new byte[512]);
        s.read(123L << 20, back, 0, 512);
        assertEquals(-1, back.mismatch(buf));
    }

    @Test
    void theFileStoreKeepsDataAcrossControllers(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ns1.img");
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.file(f, 256, 512)).build();
        try (MockHost h = MockHost.ready(cfg)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            d.segment().fill((byte) 0x3C);
            assertTrue(write(q, d, 4, 1).ok());
        }
        assertEquals(0x3C, Files.readAllBytes(f)[4 * 512]);
        try (MockHost h = MockHost.ready(cfg)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4096);
            assertTrue(read(q, d, 4, 1).ok());
            assertEquals(0x3C, d.segment().get(ValueLayout.JAVA_BYTE, 0));
        }
    }
}
