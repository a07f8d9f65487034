package dev.nvme4j.device;

import dev.nvme4j.dma.DmaAllocator;

/**
 * The seam under the driver: one NVMe PCI function with its registers, DMA-able memory and
 * MSI-X vectors. Two implementations exist: {@code dev.nvme4j.vfio} for a real function behind
 * the IOMMU, and {@code dev.nvme4j.mock} for the in-process mock controller. The driver has no
 * other way to reach a device, so the same driver code runs against both.
 *
 * <p>Thread-safety: {@link #registers()} and {@link #dma()} are thread-safe; enabling or
 * disabling interrupts and closing are done by the controller under its own lock.
 */
public interface PciFunction extends AutoCloseable {
    /** PCI address ({@code 0000:01:00.0}) or a mock name, for messages. */
    String address();

    /** BAR0. */
    RegisterSpace registers();

    /** Allocator of memory the device can reach by IOVA. */
    DmaAllocator dma();

    /** Number of MSI-X vectors the function offers (0 when it has no MSI-X). */
    int msixVectorCount();

    /**
     * Enables MSI-X vectors {@code 0..count-1}, each wired to an event the host can wait on.
     * Replaces any previous set.
     */
    InterruptVector[] enableMsix(int count);

    /** Disables MSI-X and releases the vectors' events. Idempotent. */
    void disableMsix();

    /**
     * Function-level reset when the function supports it.
     *
     * @return false when it does not
     */
    boolean functionReset();

    /** Releases everything; idempotent. */
    @Override
    void close();
}
