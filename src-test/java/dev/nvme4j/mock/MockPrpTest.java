package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import static org.junit.jupiter.api.Assertions.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.mock.config.SpecViolation;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** PRP entries and lists (Base 4.1.1) walked by the device, through the IOMMU-like table. */
class MockPrpTest {
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;
    private static final long PAGE = 4096;

    private static MockHost host4k() {
        return MockHost.ready(MockConfig.builder().mdts(0).namespace(NamespaceConfig.ram(4096, 4096)).build());
    }

    private static void pattern(MemorySegment s, int seed) {
        for (long i = 0; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed + i / PAGE));
        }
    }

    /** Fills list page(s) starting at {@code listOff} in {@code lists} with the pages of {@code data} from page 1, chaining. */
    private static void buildList(DmaRegion lists, long listOff, long[] pages) {
        long at = listOff;
        for (int i = 0; i < pages.length; i++) {
            boolean lastSlot = (at % PAGE) == PAGE - 8;
            if (lastSlot && i < pages.length - 1) {
                long next = (at / PAGE + 1) * PAGE;
                lists.segment().set(LE_LONG, at, lists.iova() + next);
                at = next;
            }
            lists.segment().set(LE_LONG, at, pages[i]);
            at += 8;
        }
    }

    @Test
    void prp1WithAnOffsetAndPrp2AsTheSecondPage() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(2 * PAGE);
            pattern(out.segment(), 1);
            // 2048 bytes: 1024 at the end of page 0 (offset 3072), the rest at the start of page 1
            Cqe w = q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova() + 3072).prp2(out.iova() + PAGE).lba(0, 4));
            assertTrue(w.ok(), w.toString());
            DmaRegion in = h.alloc(PAGE);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).lba(0, 4)).ok());
            assertEquals(-1, in.segment().asSlice(0, 1024).mismatch(out.segment().asSlice(3072, 1024)));
            assertEquals(-1, in.segment().asSlice(1024, 1024).mismatch(out.segment().asSlice(PAGE, 1024)));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void prpListEntriesAreFollowedInListOrder() {
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(4 * PAGE);
            pattern(out.segment(), 2);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova()).lba(10, 1)).ok());
            // page order 0, 3, 2, 1 through a PRP list
            DmaRegion list = h.alloc(PAGE);
            buildList(list, 0, new long[] {out.iova() + 3 * PAGE, out.iova() + 2 * PAGE, out.iova() + PAGE});
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova()).prp2(list.iova()).lba(20, 4)).ok());
            DmaRegion in = h.alloc(4 * PAGE);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).prp2(in.iova() + PAGE).lba(21, 2)).ok());
            assertEquals(-1, in.segment().asSlice(0, PAGE).mismatch(out.segment().asSlice(3 * PAGE, PAGE)));
            assertEquals(-1, in.segment().asSlice(PAGE, PAGE).mismatch(out.segment().asSlice(2 * PAGE, PAGE)));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void aTransferNeedingMoreThanOneListPageFollowsTheChainPointer() {
        int blocks = 600; // PRP1 + 599 entries: 511 in the first list page, the chain, 88 in the second
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(blocks * PAGE);
            pattern(out.segment(), 3);
            long[] pages = new long[blocks - 1];
            for (int i = 1; i < blocks; i++) {
                pages[i - 1] = out.iova() + i * PAGE;
            }
            DmaRegion lists = h.alloc(2 * PAGE);
            buildList(lists, 0, pages);
            Cqe w = q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova()).prp2(lists.iova()).lba(0, blocks));
            assertTrue(w.ok(), w.toString());
            DmaRegion in = h.alloc(blocks * PAGE);
            for (int i = 1; i < blocks; i++) {
                pages[i - 1] = in.iova() + i * PAGE;
            }
            DmaRegion lists2 = h.alloc(2 * PAGE);
            buildList(lists2, 0, pages);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).prp2(lists2.iova()).lba(0, blocks)).ok());
            assertEquals(-1, in.segment().mismatch(out.segment()));
            h.ctrl.assertNoViolations();
        }
    }

    @Test
    void aListPointerMayStartInsideItsPage() {
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion out = h.alloc(20 * PAGE);
            pattern(out.segment(), 4);
            long[] pages = new long[19];
            for (int i = 1; i < 20; i++) {
                pages[i - 1] = out.iova() + i * PAGE;
            }
            DmaRegion lists = h.alloc(2 * PAGE);
            buildList(lists, PAGE - 10 * 8, pages); // 10 slots in the first page: 9 entries and the chain
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(out.iova()).prp2(lists.iova() + PAGE - 80).lba(0, 20)).ok());
            DmaRegion in = h.alloc(20 * PAGE);
            DmaRegion l2 = h.alloc(PAGE);
            long[] inPages = new long[19];
            for (int i = 1; i < 20; i++) {
                inPages[i - 1] = in.iova() + i * PAGE;
            }
            buildList(l2, 0, inPages);
            assertTrue(q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(in.iova()).prp2(l2.iova()).lba(0, 20)).ok());
            assertEquals(-1, in.segment().mismatch(out.segment()));
        }
    }

    @Test
    void aListEntryWithAnOffsetIsPrpOffsetInvalidAndAViolation() {
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4 * PAGE);
            DmaRegion list = h.alloc(PAGE);
            buildList(list, 0, new long[] {d.iova() + PAGE, d.iova() + 2 * PAGE + 512, d.iova() + 3 * PAGE});
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_WRITE).nsid(1).prp1(d.iova()).prp2(list.iova()).lba(0, 4));
            assertEquals(NvmeStatus.PRP_OFFSET_INVALID, c.named());
            assertEquals(SpecViolation.Kind.PRP_OFFSET_INVALID, h.ctrl.violations().get(0).kind());
        }
    }

    @Test
    void prp2DataPageWithAnOffsetIsPrpOffsetInvalid() {
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(3 * PAGE);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).prp2(d.iova() + PAGE + 8).lba(0, 2));
            assertEquals(NvmeStatus.PRP_OFFSET_INVALID, c.named());
        }
    }

    @Test
    void prp1NotDwordAlignedIsPrpOffsetInvalid() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(PAGE);
            assertEquals(NvmeStatus.PRP_OFFSET_INVALID, q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova() + 2).lba(0, 1)).named());
        }
    }

    @Test
    void anUnmappedAddressIsDataTransferErrorAndAnIommuFault() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(0x1000).lba(0, 1));
            assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, c.named());
            assertEquals(1, h.ctrl.counters().iommuFaults());
            assertEquals(SpecViolation.Kind.DMA_TO_UNMAPPED_ADDRESS, h.ctrl.violations().get(0).kind());
        }
    }

    @Test
    void aTransferRunningPastItsRegionEndFaultsWithoutTouchingTheNeighbour() {
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(PAGE);
            DmaRegion neighbour = h.alloc(PAGE);
            neighbour.segment().fill((byte) 0x77);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).prp2(d.iova() + PAGE).lba(0, 2));
            assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, c.named());
            assertEquals((byte) 0x77, neighbour.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(1, h.ctrl.counters().iommuFaults());
        }
    }

    @Test
    void aFreedBufferIsNoLongerReachable() {
        try (MockHost h = MockHost.ready()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(PAGE);
            h.pci.dma().free(d);
            assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).lba(0, 1)).named());
        }
    }

    @Test
    void aListPageInUnmappedMemoryIsDataTransferError() {
        try (MockHost h = host4k()) {
            HostQueue q = h.ioQueue(1, 16);
            DmaRegion d = h.alloc(4 * PAGE);
            Cqe c = q.execute(Cmd.of(Opcodes.NVM_READ).nsid(1).prp1(d.iova()).prp2(0x7000_0000L).lba(0, 4));
            assertEquals(NvmeStatus.DATA_TRANSFER_ERROR, c.named());
        }
    }
}
