package dev.nvme4j.tcp;

import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.spec.NvmeRegs;

/**
 * The controller registers of an NVMe/TCP controller as the driver's bring-up, watchdog, reset
 * and teardown see them (NVMe over Fabrics 1.1, 3.4/3.5: properties instead of BAR0). CAP and VS
 * are read once per association; CC is the host's own, so reads return what was last written;
 * CSTS is a Property Get, or reports CFS while a connection of the association is broken (which
 * makes the driver reset, i.e. reconnect). AQA/ASQ/ACQ describe the admin rings in host memory;
 * doorbell writes hand new SQ entries to the queue's connection. Thread-safe as
 * {@link RegisterSpace} requires: each register has one writer.
 */
final class TcpRegisters implements RegisterSpace {
    private final TcpFunction fn;
    private volatile int cc;
    volatile int aqa;
    volatile long asq;
    volatile long acq;

    TcpRegisters(TcpFunction fn) {
        this.fn = fn;
    }

    @Override
    public int read32(long offset) {
        if (offset == NvmeRegs.CC) {
            return cc;
        }
        if (offset == NvmeRegs.CSTS) {
            return fn.csts();
        }
        if (offset == NvmeRegs.VS) {
            return fn.version();
        }
        if (offset == NvmeRegs.AQA) {
            return aqa;
        }
        return (int) fn.property(offset, false);
    }

    @Override
    public long read64(long offset) {
        if (offset == NvmeRegs.CAP) {
            return fn.cap();
        }
        if (offset == NvmeRegs.ASQ) {
            return asq;
        }
        if (offset == NvmeRegs.ACQ) {
            return acq;
        }
        return fn.property(offset, true);
    }

    @Override
    public void write32(long offset, int value) {
        if (offset == NvmeRegs.CC) {
            int old = cc;
            fn.writeCc(old, value);
            cc = value;
        } else if (offset == NvmeRegs.AQA) {
            aqa = value;
        } else {
            fn.propertySet(offset, false, Integer.toUnsignedLong(value));
        }
    }

    @Override
    public void write64(long offset, long value) {
        if (offset == NvmeRegs.ASQ) {
            asq = value;
        } else if (offset == NvmeRegs.ACQ) {
            acq = value;
        } else {
            fn.propertySet(offset, true, value);
        }
    }

    @Override
    public void writeDoorbell(long offset, int value) {
        fn.doorbell(offset, value);
    }
}
