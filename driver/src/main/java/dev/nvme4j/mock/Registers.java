package dev.nvme4j.mock;

import static dev.nvme4j.spec.NvmeRegs.*;

import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.SpecViolation.Kind;

/**
 * The controller registers (Base 3.1.3) and the enable, disable and shutdown state machine
 * (Base 3.5.1, 3.5.2, 3.6). Called under the device lock.
 *
 * <p>Enabling with an invalid configuration (AQA sizes zero, ASQ/ACQ zero or not page aligned or
 * not mapped, CC.CSS not supported, CC.MPS outside CAP.MPSMIN..MPSMAX, CC.AMS not supported,
 * IOSQES/IOCQES neither 0 nor the required 6/4) records a violation and leaves CSTS.RDY at 0 with
 * CSTS.CFS clear. CFS reports a fatal controller error the controller could not report through a
 * completion (3.1.3.6); a host programming error is not one, and the spec's outcome for the host
 * is that the controller never becomes ready within CAP.TO, which is what the host then handles.
 */
final class Registers {
    private final MockNvmeController c;
    final long cap;
    final int vs = version(2, 0, 0);
    int intms;
    int cc;
    int aqa;
    long asq;
    long acq;
    boolean ready;
    boolean cfs;
    int shst;
    /** The memory page size fixed at enable (CC.MPS). */
    long pageSize = 4096;

    long enableDelayNanos;
    long disableDelayNanos;
    long shutdownDelayNanos;
    private long readyChangeAt = Long.MAX_VALUE;
    private boolean readyTarget;
    private long shutdownDoneAt = Long.MAX_VALUE;

    Registers(MockNvmeController c, MockConfig cfg) {
        this.c = c;
        this.cap = dev.nvme4j.spec.CmbRegs.withCmbs(
                cap(cfg.mqes(), cfg.cqr(), 0, cfg.timeout(), cfg.dstrd(), cfg.css(), cfg.mpsmin(), cfg.mpsmax()),
                cfg.cmbSize() > 0);
        this.enableDelayNanos = cfg.enableDelay().toNanos();
        this.disableDelayNanos = cfg.disableDelay().toNanos();
        this.shutdownDelayNanos = cfg.shutdownDelay().toNanos();
    }

    /**
     * A function-level reset (VFIO_DEVICE_RESET, PCIe FLR): every register the host programs goes
     * back to its reset value and the controller is neither ready nor fatal. Under the device lock.
     */
    void functionLevelReset() {
        cc = 0;
        ready = false;
        cfs = false;
        shst = 0;
        aqa = 0;
        asq = 0;
        acq = 0;
        intms = 0;
    }

    int csts() {
        return (ready ? CSTS_RDY : 0) | (cfs ? CSTS_CFS : 0) | (shst << CSTS_SHST_SHIFT);
    }

    /** True when the host may ring doorbells: CC.EN = 1 and CSTS.RDY = 1. */
    boolean operational() {
        return ready && ccEn(cc);
    }

    long read64(long off) {
        if (off == CAP) {
            return cap;
        }
        if (off == ASQ) {
            return asq;
        }
        if (off == ACQ) {
            return acq;
        }
        if (off == dev.nvme4j.spec.CmbRegs.CMBMSC && c.cmb != null) {
            return c.cmb.cmbmsc();
        }
        return (read32(off) & 0xFFFF_FFFFL) | ((long) read32(off + 4) << 32);
    }

    int read32(long off) {
        return switch ((int) off) {
            case CAP -> (int) cap;
            case CAP + 4 -> (int) (cap >>> 32);
            case VS -> vs;
            case INTMS, INTMC -> {
                intMaskAccess();
                yield intms;
            }
            case CC -> cc;
            case CSTS -> csts();
            case AQA -> aqa;
            case ASQ -> (int) asq;
            case ASQ + 4 -> (int) (asq >>> 32);
            case ACQ -> (int) acq;
            case ACQ + 4 -> (int) (acq >>> 32);
            default -> c.cmb == null ? 0 : cmbRead32((int) off);
        };
    }

    void write64(long off, long v) {
        if (off == ASQ || off == ACQ) {
            if (ccEn(cc)) {
                c.violation(Kind.REGISTER_WRITE_WHILE_ENABLED, String.format("%s written while CC.EN = 1", off == ASQ ? "ASQ" : "ACQ"));
                return;
            }
            if (off == ASQ) {
                asq = v;
            } else {
                acq = v;
            }
            return;
        }
        if (off == dev.nvme4j.spec.CmbRegs.CMBMSC && c.cmb != null) {
            c.cmb.write(v);
            return;
        }
        write32(off, (int) v);
        write32(off + 4, (int) (v >>> 32));
    }

    /** The CMB's registers (only with a CMB configured). */
    private int cmbRead32(int off) {
        return switch (off) {
            case dev.nvme4j.spec.CmbRegs.CMBLOC -> c.cmb.cmbloc();
            case dev.nvme4j.spec.CmbRegs.CMBSZ -> c.cmb.cmbsz();
            case dev.nvme4j.spec.CmbRegs.CMBMSC -> (int) c.cmb.cmbmsc();
            case dev.nvme4j.spec.CmbRegs.CMBMSC + 4 -> (int) (c.cmb.cmbmsc() >>> 32);
            case dev.nvme4j.spec.CmbRegs.CMBSTS -> c.cmb.cmbsts();
            default -> 0;
        };
    }

    void write32(long off, int v) {
        switch ((int) off) {
            case INTMS -> {
                intMaskAccess();
                intms |= v;
            }
            case INTMC -> {
                intMaskAccess();
                intms &= ~v;
            }
            case CC -> writeCc(v);
            case AQA -> {
                if (ccEn(cc)) {
                    c.violation(Kind.REGISTER_WRITE_WHILE_ENABLED, "AQA written while CC.EN = 1");
                } else {
                    aqa = v;
                }
            }
            case ASQ -> write64(ASQ, (asq & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL));
            case ASQ + 4 -> write64(ASQ, (asq & 0xFFFF_FFFFL) | ((long) v << 32));
            case ACQ -> write64(ACQ, (acq & 0xFFFF_FFFF_0000_0000L) | (v & 0xFFFF_FFFFL));
            case ACQ + 4 -> write64(ACQ, (acq & 0xFFFF_FFFFL) | ((long) v << 32));
            case dev.nvme4j.spec.CmbRegs.CMBMSC -> {
                if (c.cmb != null) {
                    c.cmb.writeLow(v);
                }
            }
            case dev.nvme4j.spec.CmbRegs.CMBMSC + 4 -> {
                if (c.cmb != null) {
                    c.cmb.writeHigh(v);
                }
            }
            default -> { } // read-only or reserved: writes have no effect
        }
    }

    private void intMaskAccess() {
        if (c.interrupts.msixEnabled()) {
            c.violation(Kind.INTERRUPT_MASK_WITH_MSIX, "INTMS/INTMC accessed while MSI-X is enabled (Base 3.1.3.3)");
        }
    }

    private void writeCc(int v) {
        int old = cc;
        cc = v;
        if (!ccEn(old) && ccEn(v)) {
            enable();
        } else if (ccEn(old) && !ccEn(v)) {
            c.resetController();
            cfs = false;
            scheduleReady(false, disableDelayNanos);
        } else if (ccEn(old) && ((old ^ v) & ((0x7 << CC_CSS_SHIFT) | (0xF << CC_MPS_SHIFT) | (0x7 << CC_AMS_SHIFT))) != 0) {
            c.violation(Kind.REGISTER_WRITE_WHILE_ENABLED, String.format("CC.CSS/MPS/AMS changed while CC.EN = 1: 0x%08x -> 0x%08x", old, v));
        }
        if (ccShn(v) != 0 && ccShn(old) == 0) {
            // Base 3.6.1: shutdown processing starts; SHST reports it until complete.
            shst = SHST_IN_PROGRESS;
            shutdownDoneAt = c.now() + shutdownDelayNanos;
            c.scheduleWakeup(shutdownDoneAt);
            tick(c.now());
        }
    }

    private void enable() {
        String why = invalidConfiguration();
        if (why != null) {
            c.violation(Kind.INVALID_ENABLE_CONFIGURATION, why + String.format(" (CC 0x%08x, AQA 0x%08x, ASQ 0x%x, ACQ 0x%x)", cc, aqa, asq, acq));
            return;
        }
        pageSize = 1L << (12 + ccMps(cc));
        if (!c.createAdminQueues(asq, aqaAsqs(aqa) + 1, acq, aqaAcqs(aqa) + 1)) {
            return;
        }
        shst = SHST_NORMAL;
        scheduleReady(true, enableDelayNanos);
    }

    private String invalidConfiguration() {
        long ps = 1L << (12 + ccMps(cc));
        if (aqaAsqs(aqa) == 0 || aqaAcqs(aqa) == 0) {
            return "AQA.ASQS and AQA.ACQS must be at least 1 (two entries), Base 3.1.3.8";
        }
        if (asq == 0 || acq == 0) {
            return "ASQ and ACQ must be set, Base 3.1.3.9-10";
        }
        int css = ccCss(cc);
        boolean cssOk = (css == CC_CSS_NVM && (capCss(cap) & CAP_CSS_NVM) != 0)
                || (css == CC_CSS_ALL_IO_SETS && (capCss(cap) & CAP_CSS_IO_SETS) != 0)
                || (css == CC_CSS_ADMIN_ONLY && (capCss(cap) & CAP_CSS_NO_IO) != 0);
        if (!cssOk) {
            return "CC.CSS " + css + " not supported by CAP.CSS " + capCss(cap) + ", Base 3.1.3.5";
        }
        if (ccMps(cc) < capMpsmin(cap) || ccMps(cc) > capMpsmax(cap)) {
            return "CC.MPS " + ccMps(cc) + " outside CAP.MPSMIN..MPSMAX, Base 3.1.3.5";
        }
        if (ccAms(cc) != 0) {
            return "CC.AMS " + ccAms(cc) + " not supported (CAP.AMS is 0), Base 3.1.3.5";
        }
        if ((ccIosqes(cc) != 0 && ccIosqes(cc) != 6) || (ccIocqes(cc) != 0 && ccIocqes(cc) != 4)) {
            return "CC.IOSQES/IOCQES must be 6/4 (or 0 before I/O queues), Base 3.1.3.5";
        }
        if ((asq & (ps - 1)) != 0 || (acq & (ps - 1)) != 0) {
            c.violation(Kind.UNALIGNED_QUEUE_MEMORY, String.format("admin queues at ASQ 0x%x, ACQ 0x%x are not aligned to the %d-byte page", asq, acq, ps));
            return "ASQ and ACQ must be memory page aligned, Base 3.1.3.9-10";
        }
        return null;
    }

    private void scheduleReady(boolean target, long delay) {
        readyTarget = target;
        if (delay == 0) {
            ready = target;
            readyChangeAt = Long.MAX_VALUE;
        } else {
            readyChangeAt = c.now() + delay;
            c.scheduleWakeup(readyChangeAt);
        }
    }

    /** Applies due state changes; returns the next deadline. */
    long tick(long now) {
        if (readyChangeAt != Long.MAX_VALUE && readyChangeAt - now <= 0) {
            ready = readyTarget;
            readyChangeAt = Long.MAX_VALUE;
        }
        if (shutdownDoneAt != Long.MAX_VALUE && shutdownDoneAt - now <= 0) {
            shst = SHST_COMPLETE;
            shutdownDoneAt = Long.MAX_VALUE;
        }
        return Math.min(readyChangeAt, shutdownDoneAt);
    }
}
