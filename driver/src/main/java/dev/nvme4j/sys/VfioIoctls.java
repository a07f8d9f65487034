package dev.nvme4j.sys;

import java.util.Map;

/**
 * VFIO ioctl request numbers, computed in Java the way the {@code _IO()} macro of
 * {@code <asm-generic/ioctl.h>} computes them in C.
 *
 * <p>jextract does not translate function-like macros, so these cannot come from the
 * generated bindings. They are checked against a C compiler by the test suite.
 *
 * <p>All VFIO requests use {@code _IO} (no direction, no size): the argument size is carried
 * in each structure's {@code argsz} field instead. From {@code <linux/vfio.h>}:
 * <pre>
 * #define VFIO_TYPE (';')
 * #define VFIO_BASE 100
 * </pre>
 *
 * <p>Constants only; thread-safe.
 */
public final class VfioIoctls {

    /** {@code #define VFIO_TYPE (';')} */
    public static final int VFIO_TYPE = ';';
    /** {@code #define VFIO_BASE 100} */
    public static final int VFIO_BASE = 100;

    /** {@code #define VFIO_GET_API_VERSION _IO(VFIO_TYPE, VFIO_BASE + 0)} (= 0x3B64) */
    public static final long VFIO_GET_API_VERSION = io(VFIO_TYPE, VFIO_BASE + 0);
    /** {@code #define VFIO_CHECK_EXTENSION _IO(VFIO_TYPE, VFIO_BASE + 1)} */
    public static final long VFIO_CHECK_EXTENSION = io(VFIO_TYPE, VFIO_BASE + 1);
    /** {@code #define VFIO_SET_IOMMU _IO(VFIO_TYPE, VFIO_BASE + 2)} */
    public static final long VFIO_SET_IOMMU = io(VFIO_TYPE, VFIO_BASE + 2);
    /** {@code #define VFIO_GROUP_GET_STATUS _IO(VFIO_TYPE, VFIO_BASE + 3)} */
    public static final long VFIO_GROUP_GET_STATUS = io(VFIO_TYPE, VFIO_BASE + 3);
    /** {@code #define VFIO_GROUP_SET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 4)} */
    public static final long VFIO_GROUP_SET_CONTAINER = io(VFIO_TYPE, VFIO_BASE + 4);
    /** {@code #define VFIO_GROUP_UNSET_CONTAINER _IO(VFIO_TYPE, VFIO_BASE + 5)} */
    public static final long VFIO_GROUP_UNSET_CONTAINER = io(VFIO_TYPE, VFIO_BASE + 5);
    /** {@code #define VFIO_GROUP_GET_DEVICE_FD _IO(VFIO_TYPE, VFIO_BASE + 6)} */
    public static final long VFIO_GROUP_GET_DEVICE_FD = io(VFIO_TYPE, VFIO_BASE + 6);
    /** {@code #define VFIO_DEVICE_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 7)} */
    public static final long VFIO_DEVICE_GET_INFO = io(VFIO_TYPE, VFIO_BASE + 7);
    /** {@code #define VFIO_DEVICE_GET_REGION_INFO _IO(VFIO_TYPE, VFIO_BASE + 8)} */
    public static final long VFIO_DEVICE_GET_REGION_INFO = io(VFIO_TYPE, VFIO_BASE + 8);
    /** {@code #define VFIO_DEVICE_GET_IRQ_INFO _IO(VFIO_TYPE, VFIO_BASE + 9)} */
    public static final long VFIO_DEVICE_GET_IRQ_INFO = io(VFIO_TYPE, VFIO_BASE + 9);
    /** {@code #define VFIO_DEVICE_SET_IRQS _IO(VFIO_TYPE, VFIO_BASE + 10)} */
    public static final long VFIO_DEVICE_SET_IRQS = io(VFIO_TYPE, VFIO_BASE + 10);
    /** {@code #define VFIO_DEVICE_RESET _IO(VFIO_TYPE, VFIO_BASE + 11)} */
    public static final long VFIO_DEVICE_RESET = io(VFIO_TYPE, VFIO_BASE + 11);
    /** {@code #define VFIO_IOMMU_GET_INFO _IO(VFIO_TYPE, VFIO_BASE + 12)} (container fd; shares its number with a device ioctl) */
    public static final long VFIO_IOMMU_GET_INFO = io(VFIO_TYPE, VFIO_BASE + 12);
    /** {@code #define VFIO_IOMMU_MAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 13)} */
    public static final long VFIO_IOMMU_MAP_DMA = io(VFIO_TYPE, VFIO_BASE + 13);
    /** {@code #define VFIO_IOMMU_UNMAP_DMA _IO(VFIO_TYPE, VFIO_BASE + 14)} */
    public static final long VFIO_IOMMU_UNMAP_DMA = io(VFIO_TYPE, VFIO_BASE + 14);

    // Number -> name, for error messages. The IOMMU requests reuse the numbers of device
    // requests (they target a different fd), so the table lists both names for those.
    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(VFIO_GET_API_VERSION, "VFIO_GET_API_VERSION"),
            Map.entry(VFIO_CHECK_EXTENSION, "VFIO_CHECK_EXTENSION"),
            Map.entry(VFIO_SET_IOMMU, "VFIO_SET_IOMMU"),
            Map.entry(VFIO_GROUP_GET_STATUS, "VFIO_GROUP_GET_STATUS"),
            Map.entry(VFIO_GROUP_SET_CONTAINER, "VFIO_GROUP_SET_CONTAINER"),
            Map.entry(VFIO_GROUP_UNSET_CONTAINER, "VFIO_GROUP_UNSET_CONTAINER"),
            Map.entry(VFIO_GROUP_GET_DEVICE_FD, "VFIO_GROUP_GET_DEVICE_FD"),
            Map.entry(VFIO_DEVICE_GET_INFO, "VFIO_DEVICE_GET_INFO"),
            Map.entry(VFIO_DEVICE_GET_REGION_INFO, "VFIO_DEVICE_GET_REGION_INFO"),
            Map.entry(VFIO_DEVICE_GET_IRQ_INFO, "VFIO_DEVICE_GET_IRQ_INFO"),
            Map.entry(VFIO_DEVICE_SET_IRQS, "VFIO_DEVICE_SET_IRQS"),
            Map.entry(VFIO_DEVICE_RESET, "VFIO_DEVICE_RESET"),
            Map.entry(VFIO_IOMMU_GET_INFO, "VFIO_IOMMU_GET_INFO/VFIO_DEVICE_GET_PCI_HOT_RESET_INFO"),
            Map.entry(VFIO_IOMMU_MAP_DMA, "VFIO_IOMMU_MAP_DMA/VFIO_DEVICE_PCI_HOT_RESET"),
            Map.entry(VFIO_IOMMU_UNMAP_DMA, "VFIO_IOMMU_UNMAP_DMA/VFIO_DEVICE_QUERY_GFX_PLANE"));

    // From <asm-generic/ioctl.h>: the request is dir:2 | size:14 | type:8 | nr:8, high to low.
    private static final int IOC_NRSHIFT = 0;
    private static final int IOC_TYPESHIFT = 8;
    private static final int IOC_SIZESHIFT = 16;
    private static final int IOC_DIRSHIFT = 30;
    private static final int IOC_NONE = 0;

    private VfioIoctls() {
    }

    /**
     * {@code #define _IOC(dir,type,nr,size) (((dir) << _IOC_DIRSHIFT) | ((type) << _IOC_TYPESHIFT)
     * | ((nr) << _IOC_NRSHIFT) | ((size) << _IOC_SIZESHIFT))}
     *
     * @return the request number, as the unsigned long the kernel expects
     */
    public static long ioc(int dir, int type, int nr, int size) {
        long request = ((long) dir << IOC_DIRSHIFT) | ((long) type << IOC_TYPESHIFT)
                | ((long) nr << IOC_NRSHIFT) | ((long) size << IOC_SIZESHIFT);
        return request & 0xFFFF_FFFFL;
    }

    /** {@code #define _IO(type,nr) _IOC(_IOC_NONE,(type),(nr),0)} */
    public static long io(int type, int nr) {
        return ioc(IOC_NONE, type, nr, 0);
    }

    /**
     * {@return the symbolic name of a VFIO request for messages, or its hex value if unknown}
     */
    public static String nameOf(long request) {
        String name = NAMES.get(request);
        return name != null ? name : "0x" + Long.toHexString(request);
    }
}
