package dev.nvme4j.ctrl;

import dev.nvme4j.api.NvmeException;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.spec.NvmeRegs;
import java.util.concurrent.locks.LockSupport;

/**
 * The register sequences of controller initialization and shutdown (NVMe Base Specification
 * 2.0, section 3.5.1 "Memory-based controller initialization" and 3.6 "Shutdown"). Every wait
 * is bounded by CAP.TO (or the given bound) and notices a dead device (all-ones reads) or a
 * fatal status (CSTS.CFS) at once.
 *
 * <p>Called by one thread at a time (the controller's bring-up or reset path).
 */
final class BringUp {
    private static final long POLL_NANOS = 20_000;

    private final RegisterSpace regs;
    private final String address;
    private final long cap;

    BringUp(RegisterSpace regs, String address) {
        this.regs = regs;
        this.address = address;
        this.cap = regs.read64(NvmeRegs.CAP);
        if (cap == -1L) {
            throw new NvmeException(address + ": CAP reads all-ones; the device is gone or not responding");
        }
    }

    long cap() {
        return cap;
    }

    /** CAP.TO in nanoseconds (500 ms units; at least one unit). */
    long readyTimeoutNanos() {
        return Math.max(1, NvmeRegs.capTo(cap)) * 500_000_000L;
    }

    /**
     * Clears CC.EN and waits for CSTS.RDY = 0 (3.5.1 step 1). If the controller is still
     * becoming ready (EN = 1, RDY = 0) it first waits for RDY = 1: changing EN while the
     * controller is transitioning has undefined results.
     */
    void disable() {
        int cc = regs.read32(NvmeRegs.CC);
        int csts = readCsts("disable");
        if (NvmeRegs.ccEn(cc) && !NvmeRegs.cstsRdy(csts) && !NvmeRegs.cstsCfs(csts)) {
            waitReady(true, "finish enabling before the reset", false);
        }
        regs.write32(NvmeRegs.CC, cc & ~NvmeRegs.CC_EN);
        waitReady(false, "disable (CC.EN = 0)", false);
    }

    /** Programs AQA, ASQ and ACQ (3.5.1 step 3, 3.1.3.8-10). */
    void configureAdminQueues(int depth, long sqIova, long cqIova) {
        regs.write32(NvmeRegs.AQA, NvmeRegs.aqa(depth - 1, depth - 1));
        regs.write64(NvmeRegs.ASQ, sqIova);
        regs.write64(NvmeRegs.ACQ, cqIova);
    }

    /**
     * Writes CC (NVM command set, MPS = CAP.MPSMIN, round-robin arbitration, 64-byte SQ and
     * 16-byte CQ entries), sets EN and waits for CSTS.RDY = 1 (3.5.1 steps 4-6).
     */
    void enable() {
        if ((NvmeRegs.capCss(cap) & 1) == 0) {
            throw new NvmeException(address + ": the controller does not support the NVM command set (CAP.CSS = 0x"
                    + Integer.toHexString(NvmeRegs.capCss(cap)) + ")");
        }
        int cc = NvmeRegs.cc(0, NvmeRegs.capMpsmin(cap), 0, 6, 4);
        regs.write32(NvmeRegs.CC, cc);
        regs.write32(NvmeRegs.CC, cc | NvmeRegs.CC_EN);
        waitReady(true, "enable (CC.EN = 1)", true);
    }

    /**
     * Normal shutdown (3.6.1): CC.SHN = 01b, wait for CSTS.SHST = 10b within the bound.
     *
     * @return true when shutdown completed in time
     */
    boolean shutdown(long boundNanos) {
        int cc = regs.read32(NvmeRegs.CC);
        if (NvmeRegs.isAllOnes(cc)) {
            return false;
        }
        regs.write32(NvmeRegs.CC, (cc & ~(0x3 << NvmeRegs.CC_SHN_SHIFT))
                | (NvmeRegs.CC_SHN_NORMAL << NvmeRegs.CC_SHN_SHIFT));
        long deadline = System.nanoTime() + boundNanos;
        while (true) {
            int csts = regs.read32(NvmeRegs.CSTS);
            if (NvmeRegs.isAllOnes(csts) || NvmeRegs.cstsCfs(csts)) {
                return false;
            }
            if (NvmeRegs.cstsShst(csts) == NvmeRegs.SHST_COMPLETE) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(POLL_NANOS * 10);
        }
    }

    /** Clears EN without waiting long (teardown of a dead or shut-down controller). */
    void disableBounded(long boundNanos) {
        int cc = regs.read32(NvmeRegs.CC);
        if (NvmeRegs.isAllOnes(cc)) {
            return;
        }
        regs.write32(NvmeRegs.CC, cc & ~NvmeRegs.CC_EN);
        long deadline = System.nanoTime() + boundNanos;
        while (System.nanoTime() - deadline < 0) {
            int csts = regs.read32(NvmeRegs.CSTS);
            if (NvmeRegs.isAllOnes(csts) || !NvmeRegs.cstsRdy(csts)) {
                return;
            }
            LockSupport.parkNanos(POLL_NANOS * 10);
        }
    }

    private int readCsts(String step) {
        int csts = regs.read32(NvmeRegs.CSTS);
        if (NvmeRegs.isAllOnes(csts)) {
            throw new NvmeException(address + ": " + step + ": CSTS reads all-ones; the device is gone");
        }
        return csts;
    }

    private void waitReady(boolean ready, String step, boolean failOnCfs) {
        long deadline = System.nanoTime() + readyTimeoutNanos();
        while (true) {
            int csts = readCsts(step);
            if (failOnCfs && NvmeRegs.cstsCfs(csts)) {
                throw new NvmeException(address + ": " + step + ": the controller reports a fatal status (CSTS.CFS)");
            }
            if (NvmeRegs.cstsRdy(csts) == ready) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException(address + ": " + step + ": CSTS.RDY did not become " + (ready ? 1 : 0)
                        + " within CAP.TO (" + readyTimeoutNanos() / 1_000_000 + " ms)");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
