package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;
import dev.nvme4j.sys.gen.vfio_device_info;
import dev.nvme4j.sys.gen.vfio_group_status;
import dev.nvme4j.sys.gen.vfio_iommu_type1_dma_map;
import dev.nvme4j.sys.gen.vfio_iommu_type1_dma_unmap;
import dev.nvme4j.sys.gen.vfio_iommu_type1_info;
import dev.nvme4j.sys.gen.vfio_irq_info;
import dev.nvme4j.sys.gen.vfio_irq_set;
import dev.nvme4j.sys.gen.vfio_region_info;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The kernel's side of the VFIO structures, for tests that stand in for the kernel with a
 * mocked {@link LibC}: reads what the driver put into an ioctl argument and writes the answer
 * the way {@code drivers/vfio} would. Lives in this package because only it may use the
 * generated layouts.
 */
public final class VfioStructFakes {

    private VfioStructFakes() {
    }

    /** What a {@code VFIO_DEVICE_SET_IRQS} carried. */
    public record IrqSet(int flags, int index, int start, int count, int[] fds) {
        public boolean eventFdTrigger() {
            return flags == (NativeLib.VFIO_IRQ_SET_DATA_EVENTFD() | NativeLib.VFIO_IRQ_SET_ACTION_TRIGGER());
        }

        public boolean noneTrigger() {
            return flags == (NativeLib.VFIO_IRQ_SET_DATA_NONE() | NativeLib.VFIO_IRQ_SET_ACTION_TRIGGER());
        }
    }

    /** What a {@code VFIO_IOMMU_MAP_DMA} or {@code UNMAP_DMA} carried. */
    public record DmaMap(int flags, long vaddr, long iova, long size) {
        public boolean readWrite() {
            return flags == (NativeLib.VFIO_DMA_MAP_FLAG_READ() | NativeLib.VFIO_DMA_MAP_FLAG_WRITE());
        }
    }

    public static void answerGroupStatus(MemorySegment arg, boolean viable) {
        vfio_group_status.flags(arg.reinterpret(vfio_group_status.sizeof()),
                viable ? NativeLib.VFIO_GROUP_FLAGS_VIABLE() : 0);
    }

    public static int containerFdArgument(MemorySegment arg) {
        return arg.reinterpret(4).get(ValueLayout.JAVA_INT, 0);
    }

    public static String deviceNameArgument(MemorySegment arg) {
        return arg.reinterpret(64).getString(0);
    }

    public static void answerDeviceInfo(MemorySegment arg, boolean pci, boolean reset, int regions, int irqs) {
        MemorySegment s = arg.reinterpret(vfio_device_info.sizeof());
        vfio_device_info.flags(s, (pci ? NativeLib.VFIO_DEVICE_FLAGS_PCI() : 0)
                | (reset ? NativeLib.VFIO_DEVICE_FLAGS_RESET() : 0));
        vfio_device_info.num_regions(s, regions);
        vfio_device_info.num_irqs(s, irqs);
    }

    public static int regionIndexArgument(MemorySegment arg) {
        return vfio_region_info.index(arg.reinterpret(vfio_region_info.sizeof()));
    }

    public static void answerRegionInfo(MemorySegment arg, boolean mmap, long size, long offset) {
        MemorySegment s = arg.reinterpret(vfio_region_info.sizeof());
        vfio_region_info.flags(s, NativeLib.VFIO_REGION_INFO_FLAG_READ() | NativeLib.VFIO_REGION_INFO_FLAG_WRITE()
                | (mmap ? NativeLib.VFIO_REGION_INFO_FLAG_MMAP() : 0));
        vfio_region_info.size(s, size);
        vfio_region_info.offset(s, offset);
    }

    public static int irqIndexArgument(MemorySegment arg) {
        return vfio_irq_info.index(arg.reinterpret(vfio_irq_info.sizeof()));
    }

    public static void answerIrqInfo(MemorySegment arg, int count) {
        MemorySegment s = arg.reinterpret(vfio_irq_info.sizeof());
        vfio_irq_info.flags(s, NativeLib.VFIO_IRQ_INFO_EVENTFD());
        vfio_irq_info.count(s, count);
    }

    public static IrqSet irqSetArgument(MemorySegment arg) {
        MemorySegment head = arg.reinterpret(vfio_irq_set.sizeof());
        int argsz = vfio_irq_set.argsz(head);
        MemorySegment s = arg.reinterpret(argsz);
        int count = vfio_irq_set.count(s);
        int[] fds = new int[(int) ((argsz - vfio_irq_set.sizeof()) / 4)];
        MemorySegment.copy(s, ValueLayout.JAVA_INT, vfio_irq_set.sizeof(), fds, 0, fds.length);
        return new IrqSet(vfio_irq_set.flags(s), vfio_irq_set.index(s), vfio_irq_set.start(s), count, fds);
    }

    public static DmaMap dmaMapArgument(MemorySegment arg) {
        MemorySegment s = arg.reinterpret(vfio_iommu_type1_dma_map.sizeof());
        return new DmaMap(vfio_iommu_type1_dma_map.flags(s), vfio_iommu_type1_dma_map.vaddr(s),
                vfio_iommu_type1_dma_map.iova(s), vfio_iommu_type1_dma_map.size(s));
    }

    public static DmaMap dmaUnmapArgument(MemorySegment arg) {
        MemorySegment s = arg.reinterpret(vfio_iommu_type1_dma_unmap.sizeof());
        return new DmaMap(vfio_iommu_type1_dma_unmap.flags(s), 0, vfio_iommu_type1_dma_unmap.iova(s),
                vfio_iommu_type1_dma_unmap.size(s));
    }

    /**
     * Answers {@code VFIO_IOMMU_GET_INFO} like Linux 6.1: when the buffer is too small for the
     * capability chain, only {@code argsz} is raised; otherwise the chain holds a 12-byte
     * DMA-available capability first, which leaves the IOVA-range capability 4-byte aligned.
     *
     * @param ranges pairs of inclusive {start, end}
     */
    public static void answerIommuInfo(MemorySegment arg, long pageSizes, List<long[]> ranges) {
        int argsz = vfio_iommu_type1_info.argsz(arg.reinterpret(vfio_iommu_type1_info.sizeof()));
        int base = (int) vfio_iommu_type1_info.sizeof();
        int availCap = 12;
        int rangeCap = 16 + 16 * ranges.size();
        int needed = base + availCap + rangeCap;
        MemorySegment s = arg.reinterpret(Math.max(argsz, base));
        int flags = NativeLib.VFIO_IOMMU_INFO_PGSIZES() | NativeLib.VFIO_IOMMU_INFO_CAPS();
        vfio_iommu_type1_info.flags(s, flags);
        vfio_iommu_type1_info.iova_pgsizes(s, pageSizes);
        if (argsz < needed) {
            vfio_iommu_type1_info.argsz(s, needed);
            vfio_iommu_type1_info.cap_offset(s, 0);
            return;
        }
        vfio_iommu_type1_info.cap_offset(s, base);
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED;
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED;
        ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED;
        // struct vfio_iommu_type1_info_dma_avail { header{id=3, version=1, next}; u32 avail; }
        int avail = base;
        int range = base + availCap;
        s.set(u16, avail, (short) 3);
        s.set(u16, avail + 2, (short) 1);
        s.set(u32, avail + 4, range);
        s.set(u32, avail + 8, 65535);
        // struct vfio_iommu_type1_info_cap_iova_range { header; u32 nr_iovas; u32 reserved; ranges[] }
        s.set(u16, range, (short) NativeLib.VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE());
        s.set(u16, range + 2, (short) 1);
        s.set(u32, range + 4, 0);
        s.set(u32, range + 8, ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            s.set(u64, range + 16 + 16L * i, ranges.get(i)[0]);
            s.set(u64, range + 24 + 16L * i, ranges.get(i)[1]);
        }
    }
}
