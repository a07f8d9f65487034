package dev.nvme4j.vfio;

import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.IovaAllocator;
import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.Memlock;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.ResourceLimit;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructs;
import dev.nvme4j.sys.VfioStructs.IommuInfo;
import dev.nvme4j.sys.VfioStructs.IovaRange;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A VFIO container ({@code /dev/vfio/vfio}): one IOMMU address space shared by every group
 * attached to it, and therefore by every function of this process. It owns the IOVA space: the
 * DMA allocators of all functions map through it, so IOVAs never collide between functions.
 *
 * <p>Thread-safe: mapping and unmapping are synchronized; the IOMMU type is set once, under the
 * registry's lock.
 */
final class VfioContainer {

    private static final Logger LOG = LoggerFactory.getLogger(VfioContainer.class);

    /**
     * Used when the kernel does not report valid IOVA ranges (before Linux 5.4): 39 bits is the
     * smallest address width of current IOMMUs, and the x86 MSI window {@code 0xfee00000-0xfeefffff}
     * is left out, as the kernel does.
     */
    static final List<IovaAllocator.Window> DEFAULT_WINDOWS = List.of(
            new IovaAllocator.Window(0x10_0000L, 0xfee0_0000L),
            new IovaAllocator.Window(0xfef0_0000L, 1L << 39));
    /** IOVA below 1 MiB is never used, so a zero or tiny PRP entry cannot point at live memory. */
    static final long LOWEST_IOVA = 0x10_0000L;

    private final LibC libc;
    private final int fd;
    private final BooleanSupplier ipcLockCapable;
    private final LongUnaryOperator physicalAddress;
    private int iommuType;
    private IovaAllocator iova;
    private long pinnedBytes;

    /**
     * @param physicalAddress virtual to physical translation, used only in no-IOMMU mode
     */
    VfioContainer(LibC libc, int fd, BooleanSupplier ipcLockCapable, LongUnaryOperator physicalAddress) {
        this.libc = libc;
        this.fd = fd;
        this.ipcLockCapable = ipcLockCapable;
        this.physicalAddress = physicalAddress;
    }

    int fd() {
        return fd;
    }

    /** {@return the IOMMU type set on the container, 0 before the first group is attached} */
    synchronized int iommuType() {
        return iommuType;
    }

    /** {@code VFIO_SET_IOMMU}, then for type1 reads the valid IOVA ranges. Called once, after the first group is attached. */
    synchronized void setIommu(int type) {
        libc.ioctl(fd, VfioIoctls.VFIO_SET_IOMMU, (long) type);
        iommuType = type;
        if (type == VfioStructs.VFIO_TYPE1v2_IOMMU) {
            iova = new IovaAllocator(windows(VfioStructs.iommuInfo(libc, fd)));
        }
    }

    static List<IovaAllocator.Window> windows(IommuInfo info) {
        if (info.pageSizes() != 0 && Long.lowestOneBit(info.pageSizes()) > 4096) {
            throw new VfioException("the IOMMU's smallest page is " + Long.lowestOneBit(info.pageSizes())
                    + " bytes; nvme4j needs 4 KiB IOMMU pages");
        }
        if (info.ranges().isEmpty()) {
            LOG.info("the kernel does not report valid IOVA ranges; using {}", DEFAULT_WINDOWS);
            return DEFAULT_WINDOWS;
        }
        List<IovaAllocator.Window> windows = new ArrayList<>();
        for (IovaRange r : info.ranges()) {
            long start = Math.max(r.start(), LOWEST_IOVA);
            if (Long.compareUnsigned(r.end(), start) >= 0 && start >= 0) {
                windows.add(IovaAllocator.Window.inclusive(start, r.end()));
            }
        }
        return windows;
    }

    /**
     * Pins {@code host} and maps it into the IOMMU at a fresh IOVA aligned to {@code alignment}
     * ({@code VFIO_IOMMU_MAP_DMA}, read and write).
     *
     * @return the IOVA
     * @throws DmaException when the memlock limit is too low (with how to raise it), the IOVA
     *     space is exhausted, or the kernel refuses
     */
    synchronized long map(MemorySegment host, long alignment) {
        long size = host.byteSize();
        if (iommuType == VfioStructs.VFIO_NOIOMMU_IOMMU) {
            return physicalAddressOf(host);
        }
        requireType1();
        checkMemlock(size);
        long address = iova.allocate(size, alignment);
        try {
            VfioStructs.mapDma(libc, fd, host.address(), address, size);
        } catch (NativeException e) {
            iova.free(address, size);
            if (e.errno() == NativeException.ENOMEM) {
                throw new DmaException("VFIO_IOMMU_MAP_DMA of " + size + " bytes failed with ENOMEM: "
                        + memlockAdvice(size), e);
            }
            throw new DmaException(String.format("VFIO_IOMMU_MAP_DMA of %d bytes at IOVA 0x%x failed: %s",
                    size, address, e.getMessage()), e);
        }
        pinnedBytes += size;
        return address;
    }

    /** An IOVA range that is never mapped (see {@code PciFunction.reserveDeviceAddresses}); -1 in no-IOMMU mode. */
    synchronized long reserve(long size, long alignment) {
        if (iommuType == VfioStructs.VFIO_NOIOMMU_IOMMU) {
            return -1;
        }
        requireType1();
        return iova.allocate(size, alignment);
    }

    /** Gives back a range {@link #reserve} returned. */
    synchronized void unreserve(long address, long size) {
        if (address >= 0 && iova != null) {
            iova.free(address, size);
        }
    }

    /** {@return whether DMA memory must be physically contiguous hugepages (no-IOMMU mode)} */
    synchronized boolean needsPhysicallyContiguousMemory() {
        return iommuType == VfioStructs.VFIO_NOIOMMU_IOMMU;
    }

    /** Unmaps a range {@link #map} returned and gives its IOVA back. */
    synchronized void unmap(long address, long size) {
        if (iommuType == VfioStructs.VFIO_NOIOMMU_IOMMU) {
            return; // nothing was mapped: the device uses physical addresses
        }
        requireType1();
        try {
            VfioStructs.unmapDma(libc, fd, address, size);
        } finally {
            pinnedBytes -= size;
            iova.free(address, size);
        }
    }

    synchronized long pinnedBytes() {
        return pinnedBytes;
    }

    void close() {
        try {
            libc.close(fd);
        } catch (NativeException e) {
            LOG.warn("closing the VFIO container: {}", e.getMessage());
        }
    }

    private void requireType1() {
        if (iova == null) {
            throw new DmaException("the VFIO container has no IOMMU set");
        }
    }

    /**
     * No-IOMMU mode: the device sees physical addresses, so the memory must be one physically
     * contiguous hugepage, which stays put because the allocator keeps it mapped and populated.
     */
    private long physicalAddressOf(MemorySegment host) {
        if (host.byteSize() > VfioDmaAllocator.HUGE_PAGE) {
            throw new DmaException("in no-IOMMU mode a DMA region must fit in one 2 MiB hugepage (physically"
                    + " contiguous); " + host.byteSize() + " bytes were requested");
        }
        try {
            return physicalAddress.applyAsLong(host.address());
        } catch (VfioException e) {
            throw new DmaException("no-IOMMU mode: " + e.getMessage(), e);
        }
    }

    /** Refuses up front when the limit cannot cover the pin (processes with CAP_IPC_LOCK are exempt). */
    private void checkMemlock(long size) {
        ResourceLimit limit = Memlock.limits(libc);
        if (!limit.allows(pinnedBytes + size) && !ipcLockCapable.getAsBoolean()) {
            throw new DmaException("cannot pin " + size + " more bytes of DMA memory: " + memlockAdvice(size));
        }
    }

    private String memlockAdvice(long size) {
        ResourceLimit limit = Memlock.limits(libc);
        return "VFIO pins DMA memory and charges it to the locked-memory limit (RLIMIT_MEMLOCK, now "
                + limit + "); this process has " + pinnedBytes + " bytes pinned and needs " + size
                + " more. Raise the limit for the process that runs the JVM: `ulimit -l unlimited` in its shell,"
                + " a line `<user> - memlock unlimited` in /etc/security/limits.conf (then log in again),"
                + " or LimitMEMLOCK=infinity in its systemd unit; or run it with CAP_IPC_LOCK (e.g. as root)";
    }
}
