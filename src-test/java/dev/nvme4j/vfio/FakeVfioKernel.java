package dev.nvme4j.vfio;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.ResourceLimit;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructFakes;
import dev.nvme4j.sys.VfioStructFakes.DmaMap;
import dev.nvme4j.sys.VfioStructFakes.IrqSet;
import dev.nvme4j.sys.VfioStructs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.mockito.invocation.InvocationOnMock;

/**
 * A mocked {@link LibC} that answers like a Linux host with VFIO (the default: one healthy
 * NVMe function in group 3), plus a fake sysfs tree in a temp directory. Fields switch on the
 * failures the tests need. Use Mockito's {@code verify}/{@code inOrder} on {@link #libc} to
 * check what the driver asked the kernel.
 */
final class FakeVfioKernel {

    static final String VFIO = "/dev/vfio";
    static final int CONTAINER_FD = 10;
    static final long BAR0_SIZE = 16384;
    static final long CONFIG_OFFSET = 7L << 40;
    static final long PAGE_SIZES = 0x4020_1000L; // 4 KiB, 2 MiB, 1 GiB

    final LibC libc = mock(LibC.class);
    final Path sysfsRoot;
    final Map<String, Integer> openErrno = new HashMap<>();
    final Map<String, Integer> openFds = new LinkedHashMap<>();
    final Map<String, Integer> deviceFds = new LinkedHashMap<>();
    /** VFIO_DEVICE_SET_IRQS calls for the MSI-X index. */
    final List<IrqSet> irqSets = new ArrayList<>();
    /** VFIO_DEVICE_SET_IRQS calls for the other indexes (the error and device request interrupts). */
    final List<IrqSet> otherIrqSets = new ArrayList<>();
    final List<DmaMap> dmaMaps = new ArrayList<>();
    final List<DmaMap> dmaUnmaps = new ArrayList<>();
    final Map<Long, MemorySegment> hostMappings = new HashMap<>();
    /** Addresses mmapped over with MAP_FIXED. */
    final List<Long> fixedMappings = new ArrayList<>();
    final List<long[]> iovaRanges = new ArrayList<>(List.of(
            new long[] {0, 0xfedf_ffffL}, new long[] {0xfef0_0000L, (1L << 39) - 1}));
    final MemorySegment bar0 = Arena.ofAuto().allocate(BAR0_SIZE, 4096);
    final MemorySegment config = Arena.ofAuto().allocate(256, 8);

    int apiVersion = 0;
    boolean type1Supported = true;
    boolean groupViable = true;
    boolean deviceCanReset = true;
    boolean bar0Mmappable = true;
    int bar0MmapErrno;
    int hugePageErrno;
    int mapDmaErrno;
    int msixCount = 65;
    /** Vectors of VFIO_PCI_ERR_IRQ_INDEX and VFIO_PCI_REQ_IRQ_INDEX (0: not offered). */
    int errIrqCount = 1;
    int reqIrqCount = 1;
    /** Errno of VFIO_DEVICE_SET_IRQS for the device request index (0: succeeds). */
    int reqSetIrqsErrno;
    ResourceLimit memlock = new ResourceLimit(ResourceLimit.UNLIMITED, ResourceLimit.UNLIMITED);
    private int nextFd = 11;

    FakeVfioKernel(Path tempDir) throws IOException {
        this.sysfsRoot = tempDir.resolve("sys");
        Files.createDirectories(sysfsRoot.resolve("bus/pci/drivers/vfio-pci"));
        Files.createDirectories(sysfsRoot.resolve("bus/pci/drivers/nvme"));
        addFunction("0000:01:00.0", 3, "vfio-pci");
        openFds.put(VFIO + "/vfio", CONTAINER_FD);
        when(libc.open(anyString(), anyInt())).thenAnswer(this::open);
        when(libc.close(anyInt())).thenReturn(0);
        when(libc.ioctl(anyInt(), anyLong(), anyLong())).thenAnswer(this::ioctlLong);
        when(libc.ioctl(anyInt(), anyLong(), any(MemorySegment.class))).thenAnswer(this::ioctlPointer);
        when(libc.mmap(any(), anyLong(), anyInt(), anyInt(), anyInt(), anyLong())).thenAnswer(this::mmap);
        when(libc.munmap(any(), anyLong())).thenAnswer(call -> {
            hostMappings.remove(((MemorySegment) call.getArgument(0)).address());
            return 0;
        });
        when(libc.pread(anyInt(), any(), anyLong())).thenAnswer(call -> transfer(call, false));
        when(libc.pwrite(anyInt(), any(), anyLong())).thenAnswer(call -> transfer(call, true));
        when(libc.eventfd(anyInt(), anyInt())).thenAnswer(call -> nextFd++);
        when(libc.getrlimit(anyInt())).thenAnswer(call -> memlock);
    }

    /** Adds a function to the fake sysfs: its directory, driver link (null: unbound) and group. */
    void addFunction(String address, int group, String driver) throws IOException {
        Path dev = sysfsRoot.resolve("bus/pci/devices").resolve(address);
        Files.createDirectories(dev);
        if (driver != null) {
            Files.createDirectories(sysfsRoot.resolve("bus/pci/drivers").resolve(driver));
            Files.createSymbolicLink(dev.resolve("driver"), Path.of("../../../bus/pci/drivers").resolve(driver));
        }
        Path groupDir = sysfsRoot.resolve("kernel/iommu_groups").resolve(Integer.toString(group));
        Files.createDirectories(groupDir.resolve("devices"));
        Files.createSymbolicLink(dev.resolve("iommu_group"), Path.of("../../../kernel/iommu_groups/" + group));
        Files.createDirectories(groupDir.resolve("devices").resolve(address));
        openFds.computeIfAbsent(VFIO + "/" + group, p -> nextFd++);
    }

    /** {@link #addFunction} bound to vfio-pci, for use in lambdas and try blocks. */
    void addFunctionQuietly(String address, int group) {
        try {
            addFunction(address, group, "vfio-pci");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Marks a group as created by VFIO's no-IOMMU mode. */
    void makeNoIommu(int group) throws IOException {
        Files.writeString(sysfsRoot.resolve("kernel/iommu_groups/" + group + "/name"), "vfio-noiommu\n");
        openFds.put(VFIO + "/noiommu-" + group, openFds.remove(VFIO + "/" + group));
    }

    VfioRegistry registry(boolean ipcLockCapable) {
        return new VfioRegistry(libc, new Sysfs(sysfsRoot), VFIO, () -> ipcLockCapable, FakeVfioKernel::physicalAddress);
    }

    /** The fake no-IOMMU translation: physical = virtual with the top bits replaced by 0x10_0000_0000. */
    static long physicalAddress(long virtualAddress) {
        return 0x10_0000_0000L | (virtualAddress & 0xf_ffff_ffffL);
    }

    VfioRegistry registry() {
        return registry(false);
    }

    int groupFd(int group) {
        Integer fd = openFds.get(VFIO + "/" + group);
        return fd != null ? fd : openFds.get(VFIO + "/noiommu-" + group);
    }

    int deviceFd(String address) {
        return deviceFds.get(address);
    }

    int commandRegister() {
        return Short.toUnsignedInt(config.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 4));
    }

    private Object open(InvocationOnMock call) {
        String path = call.getArgument(0);
        Integer errno = openErrno.get(path);
        if (errno != null) {
            throw new NativeException("open(" + path + ")", errno);
        }
        Integer fd = openFds.get(path);
        if (fd == null) {
            throw new NativeException("open(" + path + ")", NativeException.ENOENT);
        }
        return fd;
    }

    private Object ioctlLong(InvocationOnMock call) {
        long request = call.getArgument(1);
        long arg = call.getArgument(2);
        if (request == VfioIoctls.VFIO_GET_API_VERSION) {
            return apiVersion;
        }
        if (request == VfioIoctls.VFIO_CHECK_EXTENSION) {
            return arg == VfioStructs.VFIO_TYPE1v2_IOMMU ? (type1Supported ? 1 : 0)
                    : arg == VfioStructs.VFIO_NOIOMMU_IOMMU ? 1 : 0;
        }
        return 0;
    }

    private Object ioctlPointer(InvocationOnMock call) {
        long request = call.getArgument(1);
        MemorySegment arg = call.getArgument(2);
        if (request == VfioIoctls.VFIO_GROUP_GET_STATUS) {
            VfioStructFakes.answerGroupStatus(arg, groupViable);
        } else if (request == VfioIoctls.VFIO_GROUP_SET_CONTAINER) {
            if (VfioStructFakes.containerFdArgument(arg) != CONTAINER_FD) {
                throw new NativeException("ioctl(VFIO_GROUP_SET_CONTAINER)", NativeException.EINVAL);
            }
        } else if (request == VfioIoctls.VFIO_GROUP_GET_DEVICE_FD) {
            return deviceFds.computeIfAbsent(VfioStructFakes.deviceNameArgument(arg), n -> nextFd++);
        } else if (request == VfioIoctls.VFIO_DEVICE_GET_INFO) {
            VfioStructFakes.answerDeviceInfo(arg, true, deviceCanReset, 9, 5);
        } else if (request == VfioIoctls.VFIO_DEVICE_GET_REGION_INFO) {
            int index = VfioStructFakes.regionIndexArgument(arg);
            if (index == VfioStructs.PCI_BAR0_REGION_INDEX) {
                VfioStructFakes.answerRegionInfo(arg, bar0Mmappable, BAR0_SIZE, 0);
            } else {
                VfioStructFakes.answerRegionInfo(arg, false, 256, CONFIG_OFFSET);
            }
        } else if (request == VfioIoctls.VFIO_DEVICE_GET_IRQ_INFO) {
            int index = VfioStructFakes.irqIndexArgument(arg);
            VfioStructFakes.answerIrqInfo(arg, index == VfioStructs.PCI_MSIX_IRQ_INDEX ? msixCount
                    : index == VfioStructs.PCI_ERR_IRQ_INDEX ? errIrqCount
                    : index == VfioStructs.PCI_REQ_IRQ_INDEX ? reqIrqCount : 0);
        } else if (request == VfioIoctls.VFIO_DEVICE_SET_IRQS) {
            IrqSet set = VfioStructFakes.irqSetArgument(arg);
            if (set.index() == VfioStructs.PCI_REQ_IRQ_INDEX && reqSetIrqsErrno != 0) {
                throw new NativeException("ioctl(VFIO_DEVICE_SET_IRQS)", reqSetIrqsErrno);
            }
            (set.index() == VfioStructs.PCI_MSIX_IRQ_INDEX ? irqSets : otherIrqSets).add(set);
        } else if (request == VfioIoctls.VFIO_IOMMU_GET_INFO) {
            VfioStructFakes.answerIommuInfo(arg, PAGE_SIZES, iovaRanges);
        } else if (request == VfioIoctls.VFIO_IOMMU_MAP_DMA) {
            if (mapDmaErrno != 0) {
                throw new NativeException("ioctl(VFIO_IOMMU_MAP_DMA)", mapDmaErrno);
            }
            dmaMaps.add(VfioStructFakes.dmaMapArgument(arg));
        } else if (request == VfioIoctls.VFIO_IOMMU_UNMAP_DMA) {
            dmaUnmaps.add(VfioStructFakes.dmaUnmapArgument(arg));
        }
        return 0;
    }

    private Object mmap(InvocationOnMock call) {
        MemorySegment addr = call.getArgument(0);
        long length = call.getArgument(1);
        int flags = call.getArgument(3);
        int fd = call.getArgument(4);
        if ((flags & VfioStructs.MAP_FIXED) != 0) {
            fixedMappings.add(addr.address());
            return addr.reinterpret(length); // replaced in place, as the kernel does
        }
        if (fd >= 0) {
            if (bar0MmapErrno != 0) {
                throw new NativeException("mmap", bar0MmapErrno);
            }
            return bar0;
        }
        if ((flags & VfioStructs.MAP_HUGETLB) != 0 && hugePageErrno != 0) {
            throw new NativeException("mmap", hugePageErrno);
        }
        MemorySegment memory = Arena.ofAuto().allocate(length, 4096);
        hostMappings.put(memory.address(), memory);
        return memory;
    }

    private Object transfer(InvocationOnMock call, boolean write) {
        MemorySegment buf = call.getArgument(1);
        long offset = call.getArgument(2);
        MemorySegment target = offset >= CONFIG_OFFSET ? config.asSlice(offset - CONFIG_OFFSET, buf.byteSize())
                : bar0.asSlice(offset, buf.byteSize());
        if (write) {
            target.copyFrom(buf);
        } else {
            buf.copyFrom(target);
        }
        return buf.byteSize();
    }
}
