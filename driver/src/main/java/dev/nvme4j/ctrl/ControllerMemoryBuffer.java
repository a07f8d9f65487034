package dev.nvme4j.ctrl;

import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.dma.IovaAllocator;
import dev.nvme4j.spec.CmbRegs;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's Controller Memory Buffer as a home for I/O submission queues
 * ({@link dev.nvme4j.api.ControllerOptions#cmbSubmissionQueues()}): found through CMBLOC/CMBSZ,
 * its controller memory space turned on at an address the host reserves in the device's DMA
 * space (CMBMSC.CBA, NVMe 1.4 and later: CAP.CMBS), its BAR mapped into the host, and carved
 * into page-aligned rings. A region's {@code segment()} is the BAR's memory (the CPU writes the
 * SQ entries there, uncached: in program order, and before the doorbell, which is a release
 * store to BAR0), its {@code iova()} the address the controller knows the ring by.
 *
 * <p>Absent, unusable or refused (no CMB, CMBSZ.SQS clear, a CMB without CMBMSC, the BAR not
 * mappable, the address refused through CMBSTS.CBAI): {@link #setUp} returns null and says why
 * once, and the queues stay in host memory. A full CMB makes {@link #tryAllocate} return null,
 * which sends that queue to host memory too.
 *
 * <p>Thread-safe: allocation is synchronized (control path); {@link #program} runs in bring-up
 * and resets, {@link #close} at teardown.
 */
final class ControllerMemoryBuffer implements DmaAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerMemoryBuffer.class);

    private final String address;
    private final PciFunction pci;
    private final RegisterSpace regs;
    private final MemorySegment memory;
    private final long cba;
    private final long pageSize;
    private final IovaAllocator space;
    private boolean loggedFull;
    private boolean closed;

    private ControllerMemoryBuffer(String address, PciFunction pci, RegisterSpace regs, MemorySegment memory, long cba,
                                   long pageSize) {
        this.address = address;
        this.pci = pci;
        this.regs = regs;
        this.memory = memory;
        this.cba = cba;
        this.pageSize = pageSize;
        this.space = new IovaAllocator(List.of(new IovaAllocator.Window(0, memory.byteSize())));
    }

    /**
     * Finds and enables the CMB for submission queues, before the controller is enabled; null
     * when it is not wanted or cannot be used (logged, except when not wanted).
     */
    static ControllerMemoryBuffer setUp(String address, PciFunction pci, long cap, boolean wanted, long pageSize) {
        if (!wanted) {
            return null;
        }
        RegisterSpace regs = pci.registers();
        boolean msc = CmbRegs.capCmbs(cap);
        if (msc) {
            regs.write32(CmbRegs.CMBMSC, (int) CmbRegs.MSC_CRE); // the CMB registers read zero until CRE is set
        }
        int loc = regs.read32(CmbRegs.CMBLOC);
        int sz = regs.read32(CmbRegs.CMBSZ);
        long size = CmbRegs.sizeBytes(sz);
        String why = null;
        MemorySegment bar = null;
        long offset = CmbRegs.locOffset(loc, sz);
        int bir = CmbRegs.locBir(loc);
        if (size == 0) {
            why = "the controller has no controller memory buffer";
        } else if (!CmbRegs.szSqs(sz)) {
            why = "its controller memory buffer may not hold submission queues (CMBSZ.SQS = 0)";
        } else if (!msc) {
            why = "its controller memory buffer has no CMBMSC (a controller before NVMe 1.4), so the address the"
                    + " controller answers to for it is not known";
        } else if (size < pageSize) {
            why = "its controller memory buffer (" + size + " bytes) is smaller than a memory page";
        } else if ((bar = pci.mapBar(bir)) == null) {
            why = "BAR" + bir + ", which holds its controller memory buffer, cannot be mapped";
        } else if (offset < 0 || offset > bar.byteSize() - size) {
            why = String.format("its controller memory buffer (offset 0x%x, %d bytes) does not fit in BAR%d (%d bytes)",
                    offset, size, bir, bar.byteSize());
        }
        if (why == null) {
            long cba = pci.reserveDeviceAddresses(size, Math.max(pageSize, 4096));
            if (cba < 0) {
                why = "no device address range could be reserved for its controller memory buffer";
            } else {
                ControllerMemoryBuffer cmb = new ControllerMemoryBuffer(address, pci, regs,
                        bar.asSlice(offset, size), cba, pageSize);
                if (cmb.program()) {
                    LOG.info("{}: I/O submission queues in the controller memory buffer: {} bytes in BAR{} at offset 0x{},"
                            + " controller address 0x{}", address, size, bir, Long.toHexString(offset),
                            Long.toHexString(cba));
                    return cmb;
                }
                pci.releaseDeviceAddresses(cba, size);
                why = String.format("the controller refused the address 0x%x for its controller memory buffer"
                        + " (CMBSTS.CBAI)", cba);
            }
        }
        if (msc) {
            regs.write32(CmbRegs.CMBMSC, 0);
        }
        LOG.info("{}: I/O submission queues stay in host memory: {}", address, why);
        return null;
    }

    /**
     * Writes CMBMSC: CBA, CMSE and CRE (the high dword first, so that the low one, which turns
     * the memory space on, finds the whole address). Again after every reset: a function-level
     * reset clears it.
     *
     * @return false when the controller refused the address (CMBSTS.CBAI)
     */
    boolean program() {
        regs.write32(CmbRegs.CMBMSC + 4, (int) (cba >>> 32));
        regs.write32(CmbRegs.CMBMSC, (int) (cba | CmbRegs.MSC_CMSE | CmbRegs.MSC_CRE));
        return !CmbRegs.stsCbai(regs.read32(CmbRegs.CMBSTS));
    }

    /** A ring of {@code bytes} in the CMB, page aligned; null when it does not fit any more (logged once). */
    synchronized DmaRegion tryAllocate(long bytes) {
        if (closed) {
            return null;
        }
        long size = (bytes + pageSize - 1) / pageSize * pageSize;
        long off;
        try {
            off = space.allocate(size, pageSize);
        } catch (DmaException e) {
            if (!loggedFull) {
                loggedFull = true;
                LOG.info("{}: the controller memory buffer is full ({} bytes free in one piece, {} wanted); further"
                        + " submission queues go to host memory", address, space.largestFree(), size);
            }
            return null;
        }
        return new DmaRegion(this, memory.asSlice(off, size), cba + off);
    }

    @Override
    public DmaRegion allocate(long bytes) {
        DmaRegion r = tryAllocate(bytes);
        if (r == null) {
            throw new DmaException(address + ": no room for " + bytes + " bytes in the controller memory buffer");
        }
        return r;
    }

    @Override
    public synchronized void free(DmaRegion region) {
        if (region.owner() != this || !region.isLive()) {
            return;
        }
        region.markFreed();
        if (!closed) {
            space.free(region.iova() - cba, region.byteSize());
        }
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    /** Turns the controller memory space off and gives its address range back; after the queues are gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        regs.write32(CmbRegs.CMBMSC, 0);
        pci.releaseDeviceAddresses(cba, memory.byteSize());
    }
}
