package dev.nvme4j.device;

/**
 * A function's BAR0 register space as the driver sees it. Implemented over mmapped MMIO for
 * real hardware ({@code dev.nvme4j.device.Mmio}) and by the in-process mock controller, whose
 * registers react to writes the way hardware does.
 *
 * <p>Reads and writes are single, untorn accesses in program order with respect to each other.
 * {@link #writeDoorbell} additionally has release semantics: every memory store the calling
 * thread made before it (submission queue entries, PRP lists) is visible to the device before
 * the device can observe the doorbell value. Thread-safe for distinct registers; the driver
 * never writes one doorbell from two threads.
 */
public interface RegisterSpace {
    int read32(long offset);

    long read64(long offset);

    void write32(long offset, int value);

    void write64(long offset, long value);

    /** Release store of a doorbell register (SQ tail or CQ head). */
    void writeDoorbell(long offset, int value);
}
