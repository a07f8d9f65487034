package dev.nvme4j.bench;

import dev.nvme4j.spec.Le;
import dev.nvme4j.Nvme;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.MockDevices;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A minimal host for measuring the mock controller alone: raw register writes, one admin queue,
 * I/O queue pairs in DMA memory, SQEs written in place and CQEs consumed by phase tag. No driver
 * code, no allocation per command: what it costs is (almost all) the mock's.
 */
final class RawHost implements AutoCloseable {
    static final VarHandle DW3 = Le.INT_ALIGNED.varHandle();
    static final ValueLayout.OfInt LE_INT = Le.INT;

    final MockController ctrl;
    final PciFunction pci;
    final RegisterSpace regs;
    final int dstrd;
    final Queue admin;

    /** A host-side SQ/CQ pair. */
    static final class Queue {
        final RegisterSpace regs;
        final int qid;
        final MemorySegment sq;
        final MemorySegment cq;
        final int entries;
        final long sqDoorbell;
        final long cqDoorbell;
        int sqTail;
        int cqHead;
        int phase = 1;
        int nextCid;

        Queue(RegisterSpace regs, int dstrd, int qid, DmaRegion sq, DmaRegion cq, int entries) {
            this.regs = regs;
            this.qid = qid;
            this.sq = sq.segment();
            this.cq = cq.segment();
            this.entries = entries;
            this.sqDoorbell = NvmeRegs.sqTailDoorbell(qid, dstrd);
            this.cqDoorbell = NvmeRegs.cqHeadDoorbell(qid, dstrd);
        }

        /** Writes a full SQE at the tail (no doorbell). */
        void push(int opcode, int nsid, long prp1, long prp2, int cdw10, int cdw11, int cdw12) {
            long b = (long) sqTail * Sqe.SIZE;
            Sqe.clear(sq, b);
            Sqe.putInt(sq, b, Sqe.OFF_CDW0, Sqe.cdw0(opcode, nextCid));
            nextCid = (nextCid + 1) & 0xFFFF;
            Sqe.putInt(sq, b, Sqe.OFF_NSID, nsid);
            Sqe.putLong(sq, b, Sqe.OFF_PRP1, prp1);
            Sqe.putLong(sq, b, Sqe.OFF_PRP2, prp2);
            Sqe.putInt(sq, b, Sqe.OFF_CDW10, cdw10);
            Sqe.putInt(sq, b, Sqe.OFF_CDW11, cdw11);
            Sqe.putInt(sq, b, Sqe.OFF_CDW12, cdw12);
            if (++sqTail == entries) {
                sqTail = 0;
            }
        }

        void ring() {
            regs.writeDoorbell(sqDoorbell, sqTail);
        }

        /** Consumes every new CQE; returns how many, or -1 on a non-zero status. Does not ring. */
        int reap() {
            int n = 0;
            boolean bad = false;
            while (true) {
                long b = (long) cqHead * Cqe.SIZE;
                int dw3 = (int) DW3.getAcquire(cq, b + Cqe.OFF_DW3);
                if (Cqe.phase(dw3) != phase) {
                    break;
                }
                bad |= Cqe.status(dw3) != 0;
                if (++cqHead == entries) {
                    cqHead = 0;
                    phase ^= 1;
                }
                n++;
            }
            return bad ? -1 : n;
        }

        void release() {
            regs.writeDoorbell(cqDoorbell, cqHead);
        }

        /** Rings the SQ and waits for exactly one completion (the admin path). */
        void execute() {
            ring();
            long end = System.nanoTime() + 5_000_000_000L;
            int n;
            while ((n = reap()) == 0) {
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException("no completion on queue " + qid);
                }
                Thread.onSpinWait();
            }
            release();
            if (n < 0) {
                throw new IllegalStateException("command failed on queue " + qid);
            }
        }
    }

    /** A deterministic mock with one null-store namespace of 512-byte blocks (1 TiB). */
    static MockConfig nullConfig(ExecutionMode mode) {
        return config(mode, "null");
    }

    /**
     * A mock with one 1 TiB namespace of 512-byte blocks on the store named by a benchmark
     * parameter: {@code null} (reads fill zeros) or {@code none} (moves no data).
     */
    static MockConfig config(ExecutionMode mode, String store) {
        NamespaceConfig ns = switch (store) {
            case "null" -> NamespaceConfig.nullStore(1L << 31, 512);
            case "none" -> NamespaceConfig.noData(1L << 31, 512);
            default -> throw new IllegalArgumentException("store must be null or none, got " + store);
        };
        return MockConfig.builder().namespace(ns).mode(mode).build();
    }

    RawHost(MockConfig cfg) {
        ctrl = Nvme.createMock(cfg);
        pci = MockDevices.pciFunction(ctrl);
        regs = pci.registers();
        dstrd = NvmeRegs.capDstrd(regs.read64(NvmeRegs.CAP));
        DmaRegion asq = pci.dma().allocate(32 * 64);
        DmaRegion acq = pci.dma().allocate(32 * 16);
        regs.write32(NvmeRegs.AQA, NvmeRegs.aqa(31, 31));
        regs.write64(NvmeRegs.ASQ, asq.iova());
        regs.write64(NvmeRegs.ACQ, acq.iova());
        regs.write32(NvmeRegs.CC, NvmeRegs.cc(0, 0, 0, 6, 4) | NvmeRegs.CC_EN);
        long end = System.nanoTime() + 5_000_000_000L;
        while (!NvmeRegs.cstsRdy(regs.read32(NvmeRegs.CSTS))) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("controller not ready");
            }
            Thread.onSpinWait();
        }
        admin = new Queue(regs, dstrd, 0, asq, acq, 32);
    }

    /** Creates I/O queue pair {@code qid} with {@code entries} entries, interrupts off (polled). */
    Queue ioQueue(int qid, int entries) {
        DmaRegion cq = pci.dma().allocate(entries * 16L);
        DmaRegion sq = pci.dma().allocate(entries * 64L);
        admin.push(Opcodes.ADMIN_CREATE_IO_CQ, 0, cq.iova(), 0, qid | ((entries - 1) << 16), 1, 0);
        admin.execute();
        admin.push(Opcodes.ADMIN_CREATE_IO_SQ, 0, sq.iova(), 0, qid | ((entries - 1) << 16), 1 | (qid << 16), 0);
        admin.execute();
        return new Queue(regs, dstrd, qid, sq, cq, entries);
    }

    DmaRegion buffer(long bytes) {
        return pci.dma().allocate(bytes);
    }

    @Override
    public void close() {
        ctrl.assertNoViolations();
        ctrl.close();
    }
}
