package dev.nvme4j.device;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Device register access over a memory segment: the mmapped BAR0 of a real controller, or
 * plain native memory standing in for it in tests.
 *
 * <p>Memory ordering: {@link #writeDoorbell} is a <em>release</em> store, so the SQ entries
 * (or, for the CQ head, the host's reads of the entries it hands back) written before it are
 * visible to the device before the doorbell; why that is enough, and the matching rules of the
 * queues and the mock, are in docs/ARCHITECTURE.md ("Memory ordering").
 *
 * Ordinary register reads and writes ({@link #read32} etc.) are <em>volatile</em> accesses:
 * they are never merged, split, cached in a register or reordered with each other, which is
 * what device registers require (a read of CSTS must really reach the device each time).
 * They are on the control path, so the cost of the extra fence of a volatile store is
 * irrelevant there.
 *
 * <p>All accesses are little-endian (NVMe registers are) and must be naturally aligned; the
 * segment must be native memory (heap segments cannot guarantee the alignment).
 *
 * <p>Thread-safe: each access is atomic. Coordinating who writes which register is up to the
 * caller (the driver never writes one doorbell from two threads).
 */
public final class Mmio implements RegisterSpace {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    // Coordinates (MemorySegment, long offset).
    private static final VarHandle INT_HANDLE = INT.varHandle();
    private static final VarHandle LONG_HANDLE = LONG.varHandle();

    private final MemorySegment registers;

    /**
     * @param registers the register window, e.g. the BAR0 mapping; must be a native segment
     * @throws IllegalArgumentException if {@code registers} is a heap segment
     */
    public Mmio(MemorySegment registers) {
        Objects.requireNonNull(registers, "registers");
        if (!registers.isNative()) {
            throw new IllegalArgumentException("MMIO needs a native segment, got " + registers);
        }
        this.registers = registers;
    }

    /** {@return the underlying segment} */
    public MemorySegment segment() {
        return registers;
    }

    @Override
    public int read32(long offset) {
        return (int) INT_HANDLE.getVolatile(registers, offset);
    }

    @Override
    public long read64(long offset) {
        return (long) LONG_HANDLE.getVolatile(registers, offset);
    }

    @Override
    public void write32(long offset, int value) {
        INT_HANDLE.setVolatile(registers, offset, value);
    }

    @Override
    public void write64(long offset, long value) {
        LONG_HANDLE.setVolatile(registers, offset, value);
    }

    /**
     * Writes a doorbell (SQ tail or CQ head) as a release store: all stores this thread made
     * before, to any memory, are visible before the device can observe the new value.
     */
    @Override
    public void writeDoorbell(long offset, int value) {
        INT_HANDLE.setRelease(registers, offset, value);
    }
}
