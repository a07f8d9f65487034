package dev.nvme4j.mock;

import dev.nvme4j.dma.OffHeapPages;
import dev.nvme4j.spec.CmbRegs;
import java.lang.foreign.MemorySegment;

/**
 * The mock's Controller Memory Buffer, NVMe 1.4 style (CAP.CMBS = 1): BAR2 from offset 0, SQs
 * only (CMBSZ.SQS, unless configured without), registers zero until the host sets CMBMSC.CRE, the
 * memory space reachable by the controller at CMBMSC.CBA once CMBMSC.CMSE is set (a ring whose
 * base lies there is read from this memory, not through the IOMMU). A function-level reset turns
 * it off again. Under the device lock, except {@link #memory()} (the host's mapping of BAR2).
 */
final class MockCmb {
    private final MemorySegment memory;
    private final long size;
    private final boolean sqs;
    private final boolean refuseAddress;
    private long msc;
    private boolean cre;
    private boolean cmse;
    private boolean cbai;
    private long cba;
    private volatile int sqsCreated;

    MockCmb(long size, boolean sqs, boolean refuseAddress) {
        this.memory = OffHeapPages.allocate(size, "mock controller memory buffer").segment();
        this.size = size;
        this.sqs = sqs;
        this.refuseAddress = refuseAddress;
    }

    /** The configured CMB, or null. */
    static MockCmb of(dev.nvme4j.mock.config.MockConfig config) {
        return config.cmbSize() > 0
                ? new MockCmb(config.cmbSize(), config.cmbSubmissionQueues(), config.cmbRefusesAddress()) : null;
    }

    /** Function-level reset of {@code cmb}, if there is one. */
    static void reset(MockCmb cmb) {
        if (cmb != null) {
            cmb.reset();
        }
    }

    /** BAR2 as the host maps it. */
    MemorySegment memory() {
        return memory;
    }

    int cmbloc() {
        return cre ? 2 : 0; // BIR 2, offset 0
    }

    int cmbsz() {
        return cre ? CmbRegs.sz(size, sqs) : 0;
    }

    long cmbmsc() {
        return msc;
    }

    int cmbsts() {
        return cbai ? 1 : 0;
    }

    /** The low dword of CMBMSC, which carries CRE and CMSE: the new setting takes effect. */
    void writeLow(int v) {
        write((msc & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL));
    }

    /** The high dword of CMBMSC: kept until the low dword is written. */
    void writeHigh(int v) {
        msc = (msc & 0xFFFF_FFFFL) | ((long) v << 32);
    }

    void write(long v) {
        msc = v;
        cmse = false;
        cre = (v & CmbRegs.MSC_CRE) != 0;
        if (cre && (v & CmbRegs.MSC_CMSE) != 0) {
            long a = CmbRegs.mscCba(v);
            cbai = refuseAddress || a + size < a;
            if (!cbai) {
                cba = a;
                cmse = true;
            }
        }
    }

    /** The CMB memory of a ring at {@code base}, or null when the ring is not wholly in the enabled CMB. */
    MemorySegment ring(long base, long bytes) {
        if (!cmse || base < cba || base - cba > size - bytes) {
            return null;
        }
        return memory.asSlice(base - cba, bytes);
    }

    void sqCreated() {
        sqsCreated++;
    }

    int sqsCreated() {
        return sqsCreated;
    }

    /** Function-level reset: CMBMSC back to 0. */
    void reset() {
        msc = 0;
        cre = false;
        cmse = false;
        cbai = false;
    }
}
