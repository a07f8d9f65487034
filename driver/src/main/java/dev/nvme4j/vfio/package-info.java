/**
 * The VFIO backend: a real PCI NVMe function as a {@link dev.nvme4j.device.PciFunction}.
 *
 * <p>Entry point: {@link dev.nvme4j.vfio.VfioPciFunction#open(String, VfioOptions)}. The
 * pieces, bottom up:
 * <ul>
 *   <li>{@link dev.nvme4j.vfio.Sysfs}: the function's driver and IOMMU group, the group's
 *   other members (for the error messages that say what to bind).</li>
 *   <li>{@link dev.nvme4j.vfio.VfioRegistry}: the process's one container and its groups,
 *   reference counted, so several functions (also of one group) can be open at once. Type1v2
 *   IOMMU; no-IOMMU mode only with {@link dev.nvme4j.vfio.VfioOptions#unsafeNoIommu()}.</li>
 *   <li>{@code VfioContainer}: the IOVA space (valid ranges from the kernel) and
 *   {@code VFIO_IOMMU_MAP_DMA}/{@code UNMAP_DMA}, with the memlock checks.</li>
 *   <li>{@code VfioDmaAllocator}: per function, 2 MiB hugepage chunks (4 KiB pages as a
 *   fallback) mapped once and carved into 4 KiB-aligned regions.</li>
 *   <li>{@link dev.nvme4j.vfio.VfioPciFunction}: config space (Memory Space, Bus Master, INTx
 *   off), MSI-X vectors as eventfds, {@code VFIO_DEVICE_RESET}, release and close; BAR0
 *   ({@code Bar0}: {@link dev.nvme4j.device.Mmio} over the mmapped region, or pread/pwrite,
 *   replaced in place on release); the device request and error interrupts
 *   ({@code DeviceInterruptWiring}).</li>
 * </ul>
 * Every system call goes through {@link dev.nvme4j.sys.LibC}, and every VFIO structure through
 * {@link dev.nvme4j.sys.VfioStructs}, so all of it is tested over a mocked LibC.
 */
package dev.nvme4j.vfio;
