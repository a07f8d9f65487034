package dev.nvme4j.vfio;

/**
 * How a PCI function is opened through VFIO. Immutable; thread-safe.
 *
 * @param unsafeNoIommu allow VFIO's no-IOMMU mode, in which the device can DMA to all of
 *                      memory. Off by default; mirrors {@code ControllerOptions.unsafeNoIommu}.
 * @param hugePages     back DMA memory with 2 MiB hugepages when the host has them reserved
 *                      (default); when off, or when none are free, 4 KiB pages are used
 */
public record VfioOptions(boolean unsafeNoIommu, boolean hugePages) {

    /** {@return IOMMU required, hugepages preferred} */
    public static VfioOptions defaults() {
        return new VfioOptions(false, true);
    }

    public VfioOptions withUnsafeNoIommu(boolean allow) {
        return new VfioOptions(allow, hugePages);
    }

    public VfioOptions withHugePages(boolean use) {
        return new VfioOptions(unsafeNoIommu, use);
    }
}
