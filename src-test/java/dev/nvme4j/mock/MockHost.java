package dev.nvme4j.mock;

import dev.nvme4j.Nvme;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;

/**
 * The tests' host: brings a mock controller up through raw register writes and DMA memory, the
 * way a driver does (Base 3.5.1), and issues commands through {@link HostQueue}s.
 */
final class MockHost implements AutoCloseable {
    final MockController ctrl;
    final PciFunction pci;
    final RegisterSpace regs;
    final int dstrd;
    InterruptVector[] vectors;
    HostQueue admin;

    MockHost(MockConfig cfg) {
        ctrl = Nvme.createMock(cfg);
        pci = MockDevices.pciFunction(ctrl);
        regs = pci.registers();
        dstrd = NvmeRegs.capDstrd(regs.read64(NvmeRegs.CAP));
    }

    /** A controller brought up with an admin queue of 32 entries and MSI-X enabled; asserts RDY. */
    static MockHost ready(MockConfig cfg) {
        MockHost h = new MockHost(cfg);
        h.vectors = h.pci.enableMsix(Math.min(cfg.msixVectors(), 8));
        h.enable(32, 32);
        assertTrue(h.waitReady(Duration.ofSeconds(5)), "CSTS.RDY");
        return h;
    }

    static MockHost ready() {
        return ready(MockConfig.defaults());
    }

    DmaRegion alloc(long bytes) {
        return pci.dma().allocate(bytes);
    }

    /** Programs AQA/ASQ/ACQ and CC (NVM command set, 4 KiB pages, 64/16-byte entries) with EN = 1. */
    void enable(int sqEntries, int cqEntries) {
        DmaRegion asq = alloc(sqEntries * 64L);
        DmaRegion acq = alloc(cqEntries * 16L);
        regs.write32(NvmeRegs.AQA, NvmeRegs.aqa(sqEntries - 1, cqEntries - 1));
        regs.write64(NvmeRegs.ASQ, asq.iova());
        regs.write64(NvmeRegs.ACQ, acq.iova());
        regs.write32(NvmeRegs.CC, NvmeRegs.cc(0, 0, 0, 6, 4) | NvmeRegs.CC_EN);
        admin = new HostQueue(regs, dstrd, 0, asq, sqEntries, 0, acq, cqEntries);
    }

    boolean waitReady(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - end < 0) {
            if (NvmeRegs.cstsRdy(regs.read32(NvmeRegs.CSTS))) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    int csts() {
        return regs.read32(NvmeRegs.CSTS);
    }

    Cqe adminCmd(Cmd cmd) {
        return admin.execute(cmd);
    }

    static Cmd createCq(int qid, int entries, long iova, boolean ien, int iv) {
        return Cmd.of(Opcodes.ADMIN_CREATE_IO_CQ).prp1(iova)
                .cdw10(qid | ((entries - 1) << 16)).cdw11(1 | (ien ? 2 : 0) | (iv << 16));
    }

    static Cmd createSq(int qid, int entries, long iova, int cqid) {
        return Cmd.of(Opcodes.ADMIN_CREATE_IO_SQ).prp1(iova).cdw10(qid | ((entries - 1) << 16)).cdw11(1 | (cqid << 16));
    }

    /** Creates I/O CQ {@code qid} (vector {@code iv}) and I/O SQ {@code qid} on it; asserts success. */
    HostQueue ioQueue(int qid, int entries, int iv) {
        DmaRegion cq = alloc(entries * 16L);
        DmaRegion sq = alloc(entries * 64L);
        assertEquals(0, adminCmd(createCq(qid, entries, cq.iova(), true, iv)).status(), "Create I/O CQ");
        assertEquals(0, adminCmd(createSq(qid, entries, sq.iova(), qid)).status(), "Create I/O SQ");
        return new HostQueue(regs, dstrd, qid, sq, entries, qid, cq, entries);
    }

    HostQueue ioQueue(int qid, int entries) {
        return ioQueue(qid, entries, Math.min(qid, vectors == null ? 0 : vectors.length - 1));
    }

    @Override
    public void close() {
        ctrl.close();
    }
}
