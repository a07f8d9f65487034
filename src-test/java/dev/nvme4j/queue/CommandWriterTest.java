package dev.nvme4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sgl;
import dev.nvme4j.spec.Sqe;
import dev.nvme4j.testutil.PlainDmaAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The read/write entries {@link CommandWriter} composes as quadwords: every field where the NVM
 * Command Set puts it, every other byte zero even over a slot full of an older entry's bytes
 * (there is no zeroing pass any more), and the tracker's saved copy equal to the slot.
 */
class CommandWriterTest {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long DATA = 0x1_2345_6000L;

    private final PlainDmaAllocator dma = new PlainDmaAllocator();

    private static final RegisterSpace NO_REGS = new RegisterSpace() {
        @Override
        public int read32(long offset) {
            return 0;
        }

        @Override
        public long read64(long offset) {
            return 0;
        }

        @Override
        public void write32(long offset, int value) {
        }

        @Override
        public void write64(long offset, long value) {
        }

        @Override
        public void writeDoorbell(long offset, int value) {
        }
    };

    private CommandQueue queue() {
        DmaRegion sq = dma.allocate(8 * 64L);
        sq.segment().fill((byte) 0xA5); // an older entry's bytes in every slot
        TrackerPool pool = new TrackerPool(7, dma.allocate(7 * 4096L), 4096);
        return new CommandQueue(1, 8, NO_REGS, 0, sq, dma.allocate(8 * 16L), pool, new QueueStats(), 64);
    }

    private static Request read(long lba, int blocks) {
        Request r = new Request(0);
        r.opcode = Opcodes.NVM_READ;
        r.nsid = 3;
        r.lbaSize = 512;
        r.chunkBlocks = blocks;
        r.nextLba = lba;
        r.nextIova = DATA;
        r.blocksLeft = blocks;
        return r;
    }

    /** The entry in slot 0 after writing {@code r}, checked against the tracker's copy. */
    private static MemorySegment writeOne(CommandQueue q, CommandWriter w, Request r, int chunk, Tracker[] out) {
        Tracker t = q.acquire();
        w.writePart(t, r, chunk);
        MemorySegment slot = q.sq().asSlice(0, Sqe.SIZE);
        assertEquals(-1L, slot.mismatch(t.savedSqe()), "saved copy equals the slot");
        out[0] = t;
        return slot;
    }

    @Test
    void prpReadHasEveryFieldAndZeroesElsewhere() {
        CommandQueue q = queue();
        CommandWriter w = new CommandWriter(q, 4096, 1_000_000_000L, Long.MAX_VALUE);
        Tracker[] t = new Tracker[1];
        MemorySegment e = writeOne(q, w, read(0x1_0000_0002L, 8), 8, t);
        assertEquals(Sqe.cdw0(Opcodes.NVM_READ, t[0].cid()), e.get(LE_INT, Sqe.OFF_CDW0));
        assertEquals(3, e.get(LE_INT, Sqe.OFF_NSID));
        assertEquals(0L, e.get(LE_LONG, Sqe.OFF_CDW2), "CDW2-3");
        assertEquals(0L, e.get(LE_LONG, Sqe.OFF_MPTR), "no metadata");
        assertEquals(DATA, e.get(LE_LONG, Sqe.OFF_PRP1));
        assertEquals(0L, e.get(LE_LONG, Sqe.OFF_PRP2), "4 KiB in one page: no PRP2");
        assertEquals(0x1_0000_0002L, e.get(LE_LONG, Sqe.OFF_CDW10), "SLBA");
        assertEquals(7, e.get(LE_INT, Sqe.OFF_CDW12), "NLB, zero-based");
        assertEquals(0, e.get(LE_INT, Sqe.OFF_CDW13));
        assertEquals(0L, e.get(LE_LONG, Sqe.OFF_CDW14), "CDW14-15");
        assertEquals(0x1_0000_0002L, t[0].slba);
        assertEquals(4096, t[0].dataBytes);
    }

    @Test
    void metadataAndProtectionFieldsOfAPart() {
        CommandQueue q = queue();
        CommandWriter w = new CommandWriter(q, 4096, 1_000_000_000L, Long.MAX_VALUE);
        Request r = read(0x55, 16);
        r.opcode = Opcodes.NVM_WRITE;
        r.metaStride = 8;
        r.nextMetaIova = 0x9_0000L;
        r.prinfo = 0x1C00_0000;
        r.cdw15 = 0xFFFF_1234;
        Tracker[] t = new Tracker[1];
        MemorySegment e = writeOne(q, w, r, 16, t);
        assertEquals(Sqe.cdw0(Opcodes.NVM_WRITE, t[0].cid()), e.get(LE_INT, Sqe.OFF_CDW0));
        assertEquals(0x9_0000L, e.get(LE_LONG, Sqe.OFF_MPTR));
        assertEquals(0x9_0000L + 16 * 8, r.nextMetaIova, "next part's metadata");
        assertEquals(DATA + 4096, e.get(LE_LONG, Sqe.OFF_PRP2), "8 KiB: PRP2 is the second page");
        assertEquals(15 | 0x1C00_0000, e.get(LE_INT, Sqe.OFF_CDW12), "NLB and PRINFO");
        assertEquals(0x55, e.get(LE_INT, Sqe.OFF_CDW14), "EILBRT");
        assertEquals(0xFFFF_1234, e.get(LE_INT, Sqe.OFF_CDW15), "LBAT/LBATM");
    }

    @Test
    void sglReadFromTheThreshold() {
        CommandQueue q = queue();
        CommandWriter w = new CommandWriter(q, 4096, 1_000_000_000L, 4096);
        Tracker[] t = new Tracker[1];
        MemorySegment e = writeOne(q, w, read(9, 8), 8, t);
        assertEquals(Sqe.cdw0(Opcodes.NVM_READ, t[0].cid()) | Sgl.CDW0_PSDT_SGL, e.get(LE_INT, Sqe.OFF_CDW0));
        assertEquals(DATA, e.get(LE_LONG, Sqe.OFF_PRP1), "descriptor address");
        assertEquals(4096, e.get(LE_INT, Sqe.OFF_PRP2), "descriptor length");
        assertEquals(Sgl.TYPE_DATA_BLOCK << 28, e.get(LE_INT, Sqe.OFF_PRP2 + 4), "identifier in byte 15");
        assertEquals(1, q.stats().snapshot().sglCommands());
    }
}
