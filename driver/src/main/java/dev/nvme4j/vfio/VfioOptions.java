package dev.nvme4j.vfio;

/**
 * How a PCI function is opened through VFIO. Immutable; thread-safe.
 *
 * @param unsafeNoIommu allow VFIO's no-IOMMU mode, in which the device can DMA to all of
 *                      memory. Off by default; mirrors {@code ControllerOptions.unsafeNoIommu}.
 * @param hugePages     back DMA memory with 2 MiB hugepages when the host has them reserved
 *                      (default); when off, or when none are free, 4 KiB pages are used
 * @param mmapBar       mmap BAR0 when VFIO allows it (default); false reaches every register
 *                      through pread/pwrite on the device fd, which is slow (for debugging)
 */
public record VfioOptions(boolean unsafeNoIommu, boolean hugePages, boolean mmapBar) {

    /** {@return IOMMU required, hugepages preferred, BAR0 mmapped} */
    public static VfioOptions defaults() {
        return new VfioOptions(false, true, true);
    }

    public VfioOptions withUnsafeNoIommu(boolean allow) {
        return new VfioOptions(allow, hugePages, mmapBar);
    }

    public VfioOptions withHugePages(boolean use) {
        return new VfioOptions(unsafeNoIommu, use, mmapBar);
    }

    public VfioOptions withMmapBar(boolean mmap) {
        return new VfioOptions(unsafeNoIommu, hugePages, mmap);
    }
}
