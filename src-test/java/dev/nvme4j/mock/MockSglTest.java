package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.mock.config.SpecViolation;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sgl;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** SGL descriptors (Base 4.1.2) walked by the device when SGLS says it supports them. */
class MockSglTest {
    private static final long PAGE = 4096;
    /** CDW0 bits 15:8 with PSDT 01b. */
    private static final int PSDT_SGL = 0x40;

    private static MockHost host(int sgls) {
        return MockHost.ready(MockConfig.builder().sgls(sgls).namespace(NamespaceConfig.ram(4096, 512)).build());
    }

    /** The second half of SGL1 (bytes 15:8): length and identifier. */
    private static long sgl1(int length, int type) {
        return Integer.toUnsignedLong(length) | ((long) (type << 4) << 56);
    }

    private static void pattern(MemorySegment s, int seed) {
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 13 + seed));
        }
    }

    private static void assertViolation(MockHost h, String part) {
        assertTrue(h.ctrl.violations().stream().anyMatch(v -> v.kind() == SpecViolation.Kind.SGL_DESCRIPTOR_INVALID
                && v.detail().contains(part)), () -> "no SGL violation with '" + part + "': " + h.ctrl.violations());
    }

    @Test
    void oneDataBlockDescriptorInTheCommand() {
        try (MockHost h = host(1)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(3 * PAGE);
            pattern(out.segment(), 1);
            // 5 blocks from an odd offset: SGLS 01b has no alignment rule.
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).flags(PSDT_SGL).prp1(out.iova() + 1001)
                    .prp2(sgl1(2560, Sgl.TYPE_DATA_BLOCK)).lba(8, 5)).ok());
            DmaRegion in = h.alloc(PAGE);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).lba(8, 5)).ok());
            assertEquals(-1, in.segment().asSlice(0, 2560).mismatch(out.segment().asSlice(1001, 2560)));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void segmentsChainToALastSegmentAndTheirDataBlocksAreGatheredInOrder() {
        try (MockHost h = host(1)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion data = h.alloc(4 * PAGE);
            pattern(data.segment(), 2);
            DmaRegion lists = h.alloc(PAGE);
            MemorySegment l = lists.segment();
            // Segment (2 entries): 1024 bytes of page 3, then a Last Segment of 2 entries at +256.
            Sgl.put(l, 0, data.iova() + 3 * PAGE, 1024, Sgl.TYPE_DATA_BLOCK);
            Sgl.put(l, 16, lists.iova() + 256, 32, Sgl.TYPE_LAST_SEGMENT);
            // Last Segment: 512 bytes of page 1 at offset 8, 512 bytes of page 0.
            Sgl.put(l, 256, data.iova() + PAGE + 8, 512, Sgl.TYPE_DATA_BLOCK);
            Sgl.put(l, 272, data.iova(), 512, Sgl.TYPE_DATA_BLOCK);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).flags(PSDT_SGL).prp1(lists.iova())
                    .prp2(sgl1(32, Sgl.TYPE_SEGMENT)).lba(0, 4)).ok());
            DmaRegion in = h.alloc(PAGE);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).lba(0, 4)).ok());
            MemorySegment s = in.segment();
            assertEquals(-1, s.asSlice(0, 1024).mismatch(data.segment().asSlice(3 * PAGE, 1024)));
            assertEquals(-1, s.asSlice(1024, 512).mismatch(data.segment().asSlice(PAGE + 8, 512)));
            assertEquals(-1, s.asSlice(1536, 512).mismatch(data.segment().asSlice(0, 512)));
            // Reads scatter the same way.
            DmaRegion back = h.alloc(4 * PAGE);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).flags(PSDT_SGL).prp1(lists.iova())
                    .prp2(sgl1(32, Sgl.TYPE_SEGMENT)).lba(0, 4)).ok());
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void aDataBlockShorterThanTheTransferIsDataSglLengthInvalid() {
        try (MockHost h = host(1)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(PAGE);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).flags(PSDT_SGL).prp1(out.iova())
                    .prp2(sgl1(1024, Sgl.TYPE_DATA_BLOCK)).lba(0, 4));
            assertEquals(NvmeStatus.DATA_SGL_LENGTH_INVALID, c.named());
            assertViolation(h, "less than the transfer");
        }
    }

    @Test
    void aSegmentDescriptorInsideALastSegmentIsInvalid() {
        try (MockHost h = host(1)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(PAGE);
            DmaRegion lists = h.alloc(PAGE);
            Sgl.put(lists.segment(), 0, out.iova(), 512, Sgl.TYPE_DATA_BLOCK);
            Sgl.put(lists.segment(), 16, lists.iova() + 512, 16, Sgl.TYPE_SEGMENT);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).flags(PSDT_SGL).prp1(lists.iova())
                    .prp2(sgl1(32, Sgl.TYPE_LAST_SEGMENT)).lba(0, 2));
            assertEquals(NvmeStatus.INVALID_SGL_SEGMENT_DESCRIPTOR, c.named());
            assertViolation(h, "last segment");
        }
    }

    @Test
    void bitBucketAndUnknownTypesAreDescriptorTypeInvalid() {
        try (MockHost h = host(1)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(PAGE);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).flags(PSDT_SGL).prp1(out.iova())
                    .prp2(sgl1(512, Sgl.TYPE_BIT_BUCKET)).lba(0, 1));
            assertEquals(NvmeStatus.SGL_DESCRIPTOR_TYPE_INVALID, c.named());
            assertViolation(h, "descriptor type 1");
        }
    }

    @Test
    void anUnmappedSegmentIsADataTransferErrorAndAnIommuFault() {
        try (MockHost h = host(1)) {
            HostQueue q = h.ioQueue(1, 16);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).flags(PSDT_SGL).prp1(0x7_0000_0000L)
                    .prp2(sgl1(16, Sgl.TYPE_LAST_SEGMENT)).lba(0, 1));
            assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, c.named());
            assertEquals(1, h.ctrl.counters().iommuFaults());
        }
    }

    @Test
    void withoutSglSupportPsdtIsAnInvalidField() {
        try (MockHost h = host(0)) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(PAGE);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).flags(PSDT_SGL).prp1(out.iova())
                    .prp2(sgl1(512, Sgl.TYPE_DATA_BLOCK)).lba(0, 1));
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, c.named());
        }
    }
}
