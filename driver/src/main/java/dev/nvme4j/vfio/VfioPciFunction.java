package dev.nvme4j.vfio;

import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.EventFdVector;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.sys.EventFd;
import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructs;
import dev.nvme4j.sys.VfioStructs.DeviceInfo;
import dev.nvme4j.sys.VfioStructs.RegionInfo;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real NVMe PCI function driven through VFIO: BAR0 mmapped (or reached by pread/pwrite when
 * it cannot be), PCI config space, MSI-X vectors as eventfds, function reset, and DMA memory
 * mapped in the process's IOMMU container. The device request and error interrupts
 * ({@code VFIO_PCI_REQ_IRQ_INDEX}, {@code VFIO_PCI_ERR_IRQ_INDEX}) are wired to eventfds at open
 * when the kernel offers them ({@link #deviceEvents()}); on a request, {@link #release()} gives
 * the device back. BAR0 and its release are {@link Bar0}'s; the device request and error
 * interrupts are wired by {@link DeviceInterruptWiring}.
 *
 * <p>Open with {@link #open(String, VfioOptions)}. Several functions may be open at once, also
 * functions of one IOMMU group; they share the container (and the group) through
 * {@link VfioRegistry}.
 *
 * <p>Thread-safety as {@link PciFunction}: registers and DMA are thread-safe; interrupt setup
 * and close are synchronized.
 */
public final class VfioPciFunction implements PciFunction {

    private static final Logger LOG = LoggerFactory.getLogger(VfioPciFunction.class);
    /** Registers up to 0x1000, then the admin SQ tail and CQ head doorbells (Base 3.1). */
    private static final long MIN_BAR0_SIZE = 0x1008;

    private final VfioRegistry registry;
    private final LibC libc;
    private final PciAddress address;
    private final VfioGroup group;
    private final int deviceFd;
    private final DeviceInfo info;
    private final Bar0 bar0;
    private final PciConfigSpace config;
    private final int msixCount;
    private final VfioDmaAllocator dma;
    private final DeviceEvents events;
    private EventFdVector[] vectors = new EventFdVector[0];
    /** Memory BARs mapped by {@link #mapBar} (index 1..5), released and closed with BAR0. */
    private final Bar0[] memoryBars = new Bar0[6];
    /** The device fd is closed and the registry's share given back (release or close). */
    private boolean released;
    private boolean closed;

    private VfioPciFunction(VfioRegistry registry, LibC libc, PciAddress address, VfioGroup group, int deviceFd,
            DeviceInfo info, Bar0 bar0, PciConfigSpace config, int msixCount, VfioDmaAllocator dma,
            DeviceEvents events) {
        this.registry = registry;
        this.libc = libc;
        this.address = address;
        this.group = group;
        this.deviceFd = deviceFd;
        this.info = info;
        this.bar0 = bar0;
        this.config = config;
        this.msixCount = msixCount;
        this.dma = dma;
        this.events = events;
    }

    /**
     * Opens the function at {@code pciAddress} (e.g. {@code 0000:01:00.0}), bound to vfio-pci,
     * in this process's VFIO container.
     *
     * @throws IllegalArgumentException when the address is malformed
     * @throws VfioException with the reason and the fix when it cannot be opened
     */
    public static VfioPciFunction open(String pciAddress, VfioOptions options) {
        return VfioRegistry.system().open(pciAddress, options);
    }

    /** Opens with {@link VfioOptions#defaults()}. */
    public static VfioPciFunction open(String pciAddress) {
        return open(pciAddress, VfioOptions.defaults());
    }

    /** Device info, regions, config space and MSI-X info; the registry cleans up if this throws. */
    static VfioPciFunction setUp(VfioRegistry registry, LibC libc, PciAddress address, VfioGroup group,
            VfioContainer container, int deviceFd, VfioOptions options) {
        DeviceInfo info = VfioStructs.deviceInfo(libc, deviceFd);
        if (!info.isPci()) {
            throw new VfioException(address + " is not a VFIO PCI device (flags 0x" + Integer.toHexString(info.flags()) + ")");
        }
        if (info.numRegions() <= VfioStructs.PCI_CONFIG_REGION_INDEX || info.numIrqs() <= VfioStructs.PCI_MSIX_IRQ_INDEX) {
            throw new VfioException(address + " reports " + info.numRegions() + " regions and " + info.numIrqs()
                    + " interrupt indexes; a PCI function has at least " + (VfioStructs.PCI_CONFIG_REGION_INDEX + 1)
                    + " and " + (VfioStructs.PCI_MSIX_IRQ_INDEX + 1));
        }
        RegionInfo bar0 = VfioStructs.regionInfo(libc, deviceFd, VfioStructs.PCI_BAR0_REGION_INDEX);
        if (bar0.size() < MIN_BAR0_SIZE) {
            throw new VfioException(address + ": BAR0 is " + bar0.size() + " bytes, too small for the NVMe registers"
                    + " and the admin doorbells; is this an NVMe function?");
        }
        Bar0 bar = Bar0.open(libc, address, deviceFd, bar0, options.mmapBar());
        try {
            RegionInfo cfg = VfioStructs.regionInfo(libc, deviceFd, VfioStructs.PCI_CONFIG_REGION_INDEX);
            PciConfigSpace config = new PciConfigSpace(libc, deviceFd, cfg.offset());
            config.enableMemoryAndBusMaster();
            int msix = VfioStructs.irqInfo(libc, deviceFd, VfioStructs.PCI_MSIX_IRQ_INDEX).count();
            VfioDmaAllocator dma = new VfioDmaAllocator(libc, container, options.hugePages(), address.value());
            DeviceEvents events = DeviceInterruptWiring.wire(libc, address, deviceFd, info);
            LOG.info("opened {} (IOMMU group {}, BAR0 {} bytes {}, {} MSI-X vectors, reset {}, device request {},"
                    + " error interrupt {})", address, group.number(), bar0.size(),
                    bar.mapped() ? "mmapped" : "via pread/pwrite", msix, info.canReset() ? "supported" : "not supported",
                    events.hasRemovalRequest() ? "wired" : "not offered", events.hasError() ? "wired" : "not offered");
            return new VfioPciFunction(registry, libc, address, group, deviceFd, info, bar, config, msix, dma, events);
        } catch (RuntimeException e) {
            bar.release(false);
            throw e instanceof NativeException ne ? new VfioException("setting up " + address + ": " + ne.getMessage(), ne) : e;
        }
    }

    @Override
    public String address() {
        return address.value();
    }

    /** {@return the IOMMU group number} */
    public int iommuGroup() {
        return group.number();
    }

    /** {@return whether BAR0 is mmapped (false: register accesses are system calls)} */
    public boolean barMapped() {
        return bar0.mapped();
    }

    /** {@return the PCI vendor and device ID, from config space: vendor in the low 16 bits} */
    public int vendorDeviceId() {
        return config.read32(0);
    }

    @Override
    public RegisterSpace registers() {
        return bar0.registers();
    }

    @Override
    public DmaAllocator dma() {
        return dma;
    }

    @Override
    public int msixVectorCount() {
        return msixCount;
    }

    @Override
    public synchronized InterruptVector[] enableMsix(int count) {
        requireOpen();
        if (count < 1 || count > msixCount) {
            throw new IllegalArgumentException("MSI-X vector count must be 1.." + msixCount + ", got " + count);
        }
        disableMsix();
        EventFdVector[] created = new EventFdVector[count];
        int[] fds = new int[count];
        try {
            for (int i = 0; i < count; i++) {
                created[i] = new EventFdVector(i, EventFd.create(libc));
                fds[i] = created[i].eventFd().fd();
            }
            VfioStructs.setIrqEventFds(libc, deviceFd, VfioStructs.PCI_MSIX_IRQ_INDEX, fds);
        } catch (RuntimeException e) {
            EventFdVector.closeAll(created);
            throw e instanceof NativeException ne
                    ? new VfioException(address + ": wiring " + count + " MSI-X vectors failed: " + ne.getMessage(), ne) : e;
        }
        vectors = created;
        return created.clone();
    }

    @Override
    public synchronized void disableMsix() {
        if (vectors.length == 0) {
            return;
        }
        if (!released) { // a released device's fd is closed: the kernel ended the wiring then
            try {
                VfioStructs.disableIrqs(libc, deviceFd, VfioStructs.PCI_MSIX_IRQ_INDEX);
            } catch (NativeException e) {
                LOG.warn("{}: disabling MSI-X: {}", address, e.getMessage());
            }
        }
        EventFdVector.closeAll(vectors);
        vectors = new EventFdVector[0];
    }

    /**
     * {@code VFIO_DEVICE_RESET}: a function-level (or equivalent) reset, with config space
     * saved and restored by the kernel. Bus Master is set again afterwards in any case.
     */
    @Override
    public synchronized boolean functionReset() {
        requireOpen();
        if (!info.canReset()) {
            return false;
        }
        try {
            libc.ioctl(deviceFd, VfioIoctls.VFIO_DEVICE_RESET, 0L);
        } catch (NativeException e) {
            throw new VfioException(address + ": VFIO_DEVICE_RESET failed: " + e.getMessage(), e);
        }
        config.enableMemoryAndBusMaster();
        return true;
    }

    @Override
    public DeviceEvents deviceEvents() {
        return events;
    }

    @Override
    public synchronized java.lang.foreign.MemorySegment mapBar(int bar) {
        requireOpen();
        if (bar < 1 || bar > 5 || VfioStructs.PCI_BAR0_REGION_INDEX + bar >= info.numRegions()) {
            return null;
        }
        if (memoryBars[bar] == null) {
            RegionInfo r = VfioStructs.regionInfo(libc, deviceFd, VfioStructs.PCI_BAR0_REGION_INDEX + bar);
            memoryBars[bar] = Bar0.openMemory(libc, address, bar, deviceFd, r);
        }
        return memoryBars[bar] == null ? null : memoryBars[bar].view();
    }

    @Override
    public long reserveDeviceAddresses(long bytes, long alignment) {
        return dma.reserve(bytes, alignment);
    }

    @Override
    public void releaseDeviceAddresses(long address, long bytes) {
        dma.unreserve(address, bytes);
    }

    @Override
    public void detach() {
        bar0.detach();
    }

    @Override
    public synchronized boolean isPresent() {
        return !released && !closed && config.isPresent();
    }

    /**
     * Gives the device back to the kernel: register accesses stop, the DMA memory leaves the
     * IOMMU (host memory stays until {@link #close()}), BAR0 is unmapped and the device fd closed
     * (which also ends its interrupt wiring), and the group and container are given back to the
     * registry, which closes them when no other function uses them. The kernel's removal then
     * completes. Idempotent.
     */
    @Override
    public synchronized void release() {
        if (released || closed) {
            return;
        }
        bar0.detach();
        dma.unmapAll();
        releaseDevice();
        LOG.info("{}: released to the kernel (device request: hot-unplug, unbind or remove)", address);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!released) {
            disableMsix();
            DeviceInterruptWiring.unwire(libc, address, deviceFd, events);
            try {
                config.disableBusMaster();
            } catch (RuntimeException e) {
                LOG.warn("{}: clearing Bus Master: {}", address, e.getMessage());
            }
        }
        EventFdVector.closeAll(vectors);
        vectors = new EventFdVector[0];
        events.close();
        dma.close();
        boolean wasReleased = released;
        releaseDevice();
        bar0.close();
        for (Bar0 b : memoryBars) {
            if (b != null) {
                b.close();
            }
        }
        LOG.info("closed {}{}", address, wasReleased ? " (released to the kernel before)" : "");
    }

    /**
     * Gives BAR0's device mapping up (replaced in place on a release, so a racing register access
     * cannot fault; unmapped when closing), closes the device fd and gives the group back; once.
     */
    private void releaseDevice() {
        if (released) {
            return;
        }
        released = true;
        bar0.release(!closed);
        for (Bar0 b : memoryBars) {
            if (b != null) {
                b.release(!closed);
            }
        }
        try {
            libc.close(deviceFd);
        } catch (NativeException e) {
            LOG.warn("{}: closing the device fd: {}", address, e.getMessage());
        }
        registry.release(address, group);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(address + " is closed");
        }
        if (released) {
            throw new IllegalStateException(address + " has been released to the kernel (the device was removed)");
        }
    }

    @Override
    public String toString() {
        return "VfioPciFunction[" + address + ", group " + group.number()
                + (closed ? ", closed]" : released ? ", released]" : "]");
    }
}
