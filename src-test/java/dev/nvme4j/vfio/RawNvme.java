package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Sqe;

import java.util.concurrent.TimeUnit;

/**
 * Just enough of an NVMe host to check a {@link PciFunction} end to end without the driver
 * core: enable the controller, one admin queue pair and one I/O queue pair, one command at a
 * time, completions polled by phase. Test code only (no timeouts beyond a hard deadline, no
 * recovery).
 */
final class RawNvme {

    private static final long DEADLINE = TimeUnit.SECONDS.toNanos(10);
    static final int DEPTH = 8;

    private final PciFunction function;
    private final RegisterSpace regs;
    private final int stride;
    private final Queue admin;
    private Queue io;
    private int nextCid;

    /** One SQ/CQ pair: ring memory, tail, head and phase. */
    private final class Queue {
        final int id;
        final DmaRegion sq;
        final DmaRegion cq;
        int tail;
        int head;
        int phase = 1;

        Queue(int id) {
            this.id = id;
            this.sq = function.dma().allocate(DEPTH * Sqe.SIZE);
            this.cq = function.dma().allocate(DEPTH * Cqe.SIZE);
        }

        /** Submits the entry prepared at the tail slot and waits for its completion. {@return the status field} */
        int submitAndWait() {
            tail = (tail + 1) % DEPTH;
            regs.writeDoorbell(NvmeRegs.DOORBELL_BASE + (2L * id) * stride, tail);
            long deadline = System.nanoTime() + DEADLINE;
            int dw3;
            while (Cqe.phase(dw3 = Cqe.getInt(cq.segment(), (long) head * Cqe.SIZE, Cqe.OFF_DW3)) != phase) {
                assertTrue(System.nanoTime() - deadline < 0, "no completion on queue " + id);
                Thread.onSpinWait();
            }
            head = (head + 1) % DEPTH;
            if (head == 0) {
                phase ^= 1;
            }
            regs.writeDoorbell(NvmeRegs.DOORBELL_BASE + (2L * id + 1) * stride, head);
            return Cqe.status(dw3);
        }

        long slot() {
            long base = (long) tail * Sqe.SIZE;
            Sqe.clear(sq.segment(), base);
            return base;
        }
    }

    RawNvme(PciFunction function) {
        this.function = function;
        this.regs = function.registers();
        this.stride = 4 << NvmeRegs.capDstrd(regs.read64(NvmeRegs.CAP));
        this.admin = new Queue(0);
    }

    /** NVMe base spec 3.5.1: disable, program the admin queue, enable, wait for CSTS.RDY. */
    void enable() {
        disable();
        regs.write32(NvmeRegs.AQA, (DEPTH - 1) << 16 | (DEPTH - 1));
        regs.write64(NvmeRegs.ASQ, admin.sq.iova());
        regs.write64(NvmeRegs.ACQ, admin.cq.iova());
        regs.write32(NvmeRegs.CC, NvmeRegs.cc(0, 0, 0, 6, 4) | NvmeRegs.CC_EN);
        waitReady(true);
    }

    void disable() {
        regs.write32(NvmeRegs.CC, 0);
        waitReady(false);
    }

    /** An admin command with PRP1 and CDW10/11. {@return the status field} */
    int admin(int opcode, int nsid, long prp1, int cdw10, int cdw11) {
        long base = admin.slot();
        Sqe.putInt(admin.sq.segment(), base, Sqe.OFF_CDW0, Sqe.cdw0(opcode, nextCid++ & 0xffff));
        Sqe.putInt(admin.sq.segment(), base, Sqe.OFF_NSID, nsid);
        Sqe.putLong(admin.sq.segment(), base, Sqe.OFF_PRP1, prp1);
        Sqe.putInt(admin.sq.segment(), base, Sqe.OFF_CDW10, cdw10);
        Sqe.putInt(admin.sq.segment(), base, Sqe.OFF_CDW11, cdw11);
        return admin.submitAndWait();
    }

    /** Creates I/O CQ 1 (interrupts on {@code vector}) and I/O SQ 1 (base spec 5.4, 5.5). */
    void createIoQueuePair(int vector) {
        io = new Queue(1);
        int size = (DEPTH - 1) << 16 | 1;
        check(admin(0x05, 0, io.cq.iova(), size, vector << 16 | 0b11), "Create I/O CQ");
        check(admin(0x01, 0, io.sq.iova(), size, 1 << 16 | 0b1), "Create I/O SQ");
    }

    /** Read (0x02) or Write (0x01) of {@code blocks} blocks at {@code lba} with one PRP entry. {@return the status field} */
    int io(int opcode, int nsid, long lba, int blocks, DmaRegion buffer) {
        long base = io.slot();
        Sqe.putInt(io.sq.segment(), base, Sqe.OFF_CDW0, Sqe.cdw0(opcode, nextCid++ & 0xffff));
        Sqe.putInt(io.sq.segment(), base, Sqe.OFF_NSID, nsid);
        Sqe.putLong(io.sq.segment(), base, Sqe.OFF_PRP1, buffer.iova());
        Sqe.putInt(io.sq.segment(), base, Sqe.OFF_CDW10, (int) lba);
        Sqe.putInt(io.sq.segment(), base, Sqe.OFF_CDW11, (int) (lba >>> 32));
        Sqe.putInt(io.sq.segment(), base, Sqe.OFF_CDW12, blocks - 1);
        return io.submitAndWait();
    }

    static void check(int status, String what) {
        assertTrue(status == 0, what + " failed with status 0x" + Integer.toHexString(status));
    }

    private void waitReady(boolean ready) {
        long deadline = System.nanoTime() + DEADLINE;
        while (((regs.read32(NvmeRegs.CSTS) & NvmeRegs.CSTS_RDY) != 0) != ready) {
            assertTrue(System.nanoTime() - deadline < 0, "CSTS.RDY did not become " + ready);
            Thread.onSpinWait();
        }
    }
}
