package dev.nvme4j.queue;

import dev.nvme4j.spec.IoFields;
import dev.nvme4j.spec.Le;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sgl;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Builds I/O submission queue entries in place in the SQ ring (NVM Command Set Specification
 * 1.0, section 3): one device command of a request, or a passthrough command. Allocation-free.
 * Owned by its queue pair's owner thread.
 */
final class CommandWriter {
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private final CommandQueue queue;
    private final int pageSize;
    private final long ioTimeoutNanos;
    /**
     * Reads and writes of at least this many bytes describe their data with one SGL Data Block
     * descriptor instead of PRPs (a driver buffer is contiguous in device address space, so one
     * descriptor covers it; below the threshold PRPs need no list and cost the same). Long.MAX_VALUE
     * when the controller has no SGL support (Identify Controller SGLS).
     */
    private final long sglThreshold;
    /** True during a poll's completion batch, whose callbacks may submit (see {@link #deadline()}). */
    private boolean inBatch;
    private boolean batchClockRead;
    private long batchClock;

    CommandWriter(CommandQueue queue, int pageSize, long ioTimeoutNanos, long sglThreshold) {
        this.queue = queue;
        this.pageSize = pageSize;
        this.ioTimeoutNanos = ioTimeoutNanos;
        this.sglThreshold = sglThreshold;
    }

    /** A poll starts handing out completions: commands submitted until {@link #endBatch} share one clock read. */
    void beginBatch() {
        inBatch = true;
        batchClockRead = false;
    }

    void endBatch() {
        inBatch = false;
    }

    /**
     * Deadline of a command written now. Inside a poll's batch (callbacks submitting the next
     * commands) the clock is read once, by the first such command, and shared by the rest: it is
     * at most one batch of callbacks old, against I/O timeouts of seconds. An empty poll never
     * reads the clock; a submission outside poll reads it itself.
     */
    private long deadline() {
        if (!inBatch) {
            return System.nanoTime() + ioTimeoutNanos;
        }
        if (!batchClockRead) {
            batchClock = System.nanoTime();
            batchClockRead = true;
        }
        return batchClock + ioTimeoutNanos;
    }

    void writePart(Tracker t, Request r, int chunk) {
        if (r.opcode == Opcodes.NVM_READ || r.opcode == Opcodes.NVM_WRITE) {
            writeReadWrite(t, r, chunk);
            return;
        }
        MemorySegment sq = queue.sq();
        long base = queue.startEntry(t, r.opcode, r.nsid);
        switch (r.opcode) {
            case Opcodes.NVM_WRITE_ZEROES -> {
                putLbaRange(sq, base, r.nextLba, chunk);
                MetadataIo.putFields(sq, base, r, chunk); // PRACT and EILBRT on a PI namespace
            }
            case Opcodes.NVM_DATASET_MANAGEMENT -> writeDeallocate(sq, base, t, r.nextLba, chunk);
            default -> { } // Flush: NSID only (NVM Command Set 3.2.2)
        }
        t.dataBytes = 0;
        queue.finishEntry(t, deadline());
    }

    /**
     * One read or write command (NVM Command Set 3.2.4, 3.2.6): the entry is composed as its
     * eight quadwords and written in one pass ({@link CommandQueue#putEntry}). Data pointer: PRPs,
     * or one SGL Data Block descriptor from {@link #sglThreshold} bytes on; metadata and PI fields
     * as {@link MetadataIo} lays them out for the request.
     */
    private void writeReadWrite(Tracker t, Request r, int chunk) {
        int bytes = chunk * r.lbaSize;
        long lba = r.nextLba;
        int cdw0 = Sqe.cdw0(r.opcode, t.cid);
        long dptr1 = r.nextIova;
        long dptr2;
        if (bytes >= sglThreshold) {
            cdw0 |= Sgl.CDW0_PSDT_SGL;
            dptr2 = Sgl.secondQuadword(bytes, Sgl.TYPE_DATA_BLOCK);
            queue.stats().countSglCommand();
        } else {
            dptr2 = PrpBuilder.prp2(dptr1, bytes, pageSize, t.prpList, t.prpListIova);
        }
        long mptr = MetadataIo.nextMptr(r, chunk);
        t.slba = lba;
        t.dataBytes = bytes;
        queue.putEntry(t, Le.quad(cdw0, r.nsid), 0, mptr, dptr1, dptr2, lba, MetadataIo.cdw12(r, chunk) & 0xFFFF_FFFFL,
                MetadataIo.cdw14And15(r), deadline());
    }

    /** SLBA in CDW10-11, NLB (zero-based) in CDW12 (NVM Command Set 3.2.4/3.2.6/3.2.8). */
    private static void putLbaRange(MemorySegment sq, long base, long lba, int blocks) {
        Sqe.putLong(sq, base, Sqe.OFF_CDW10, lba);
        Sqe.putInt(sq, base, Sqe.OFF_CDW12, IoFields.nlbCdw12(blocks));
    }

    /** One range in the tracker's own DMA area (NVM Command Set 3.2.3, figure 39). */
    private static void writeDeallocate(MemorySegment sq, long base, Tracker t, long lba, int blocks) {
        t.prpList.set(LE_INT, IoFields.DSM_RANGE_ATTRIBUTES, 0);
        t.prpList.set(LE_INT, IoFields.DSM_RANGE_LENGTH, blocks);
        t.prpList.set(LE_LONG, IoFields.DSM_RANGE_SLBA, lba);
        Sqe.putLong(sq, base, Sqe.OFF_PRP1, t.prpListIova);
        Sqe.putInt(sq, base, Sqe.OFF_CDW10, IoFields.dsmCdw10(1));
        Sqe.putInt(sq, base, Sqe.OFF_CDW11, Opcodes.DSM_ATTR_DEALLOCATE);
    }

    void writePassthrough(Tracker t, RawCommand c, DmaBuffer buffer, DmaBuffer metadata) {
        MemorySegment sq = queue.sq();
        long base = queue.startRawEntry(t, c);
        if (metadata != null) {
            Sqe.putLong(sq, base, Sqe.OFF_MPTR, metadata.iova());
        }
        if (buffer != null && buffer.byteSize() > 0 && queue.sglOnly()) {
            sq.set(LE_INT, base + Sqe.OFF_CDW0, sq.get(LE_INT, base + Sqe.OFF_CDW0) | Sgl.CDW0_PSDT_SGL);
            Sgl.put(sq, base + Sqe.OFF_PRP1, buffer.iova(), (int) buffer.byteSize(), Sgl.TYPE_DATA_BLOCK);
        } else if (buffer != null && buffer.byteSize() > 0) {
            Sqe.putLong(sq, base, Sqe.OFF_PRP1, buffer.iova());
            Sqe.putLong(sq, base, Sqe.OFF_PRP2,
                    PrpBuilder.prp2(buffer.iova(), buffer.byteSize(), pageSize, t.prpList, t.prpListIova));
        }
        t.dataBytes = buffer == null ? 0 : (int) buffer.byteSize();
        queue.finishEntry(t, deadline());
    }
}
