package dev.nvme4j.device;

import dev.nvme4j.dma.DmaAllocator;
import java.lang.foreign.MemorySegment;

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

    /**
     * The function's own interrupts: the kernel's device request (hot-unplug, unbind, remove)
     * and the PCIe error interrupt, wired when the function is opened, where offered.
     * {@link DeviceEvents#NONE} when it offers neither. Valid until {@link #close()}.
     */
    DeviceEvents deviceEvents();

    /**
     * Stops every register access at once: from now on reads of {@link #registers()} return all
     * ones and writes are dropped, without reaching the device. For a device that is going away;
     * cheap, any thread, idempotent.
     */
    void detach();

    /**
     * Whether the function is still there, from its PCI configuration space (which, unlike
     * BAR0, needs no memory decoding and says unambiguously that the function is gone when it
     * reads all ones or cannot be read). A BAR0 read of all ones on a present function may be a
     * register's value or a transient; on an absent one it is a removal. False after
     * {@link #release()}. Control path only (a system call on VFIO); any thread.
     */
    boolean isPresent();

    /**
     * Gives the device back after the kernel requested it ({@link DeviceEvents#REMOVAL_REQUEST}):
     * {@link #detach()}es, removes the DMA memory from the IOMMU (the host can still read it; it
     * is freed by {@link #close()}), and closes the device's file descriptors (device, and group
     * and container when no other function uses them), so that the kernel can finish removing the
     * device. New DMA allocations fail from now on. The interrupt eventfds stay open, since
     * threads may still be waiting on them, until {@link #close()}. Idempotent. The same device
     * can be opened again (as a new function) once it is back.
     */
    void release();

    /**
     * The transport of a function reached over a fabric (NVMe/TCP), which fills the CQ rings
     * itself; null for PCIe functions (the default), whose devices write completions by DMA.
     */
    default FabricsLink fabricsLink() {
        return null;
    }

    /**
     * Memory BAR {@code bar} (1..5) mapped into the host, for a Controller Memory Buffer the CPU
     * writes into (stores to it reach the device in program order on x86-64: the mapping is
     * uncached). Mapped once; the same segment on every call; valid until {@link #close()} (after
     * a {@link #release()} its stores land in anonymous memory). Null when the function cannot
     * map it: no such BAR, not mmappable, or no BARs at all (a fabric). The default.
     */
    default MemorySegment mapBar(int bar) {
        return null;
    }

    /**
     * Reserves {@code bytes} of the device's DMA address space (the IOVA space, {@code alignment}
     * a power of two) that no DMA memory will ever be given: for an address the controller
     * itself answers to, such as CMBMSC.CBA. {@code -1} when the function cannot (the default;
     * VFIO's no-IOMMU mode, a fabric).
     */
    default long reserveDeviceAddresses(long bytes, long alignment) {
        return -1;
    }

    /** Gives back a range {@link #reserveDeviceAddresses} returned. */
    default void releaseDeviceAddresses(long address, long bytes) {
    }

    /** Releases everything; idempotent. */
    @Override
    void close();
}
