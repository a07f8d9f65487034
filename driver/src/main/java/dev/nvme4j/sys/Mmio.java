package dev.nvme4j.sys;

import dev.nvme4j.device.RegisterSpace;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Device register access over a memory segment: the mmapped BAR0 of a real controller, or
 * plain native memory standing in for it in tests.
 *
 * <h2>Memory ordering</h2>
 * This is the one place where the driver's memory-ordering rules are stated.
 * <ul>
 *   <li><b>Submission.</b> The driver writes a submission queue entry (and its PRP list) with
 *   plain stores to DMA memory, then writes the SQ tail doorbell. The device may fetch the
 *   entry as soon as it sees the doorbell, so every earlier store must be visible before the
 *   doorbell store: {@link #writeDoorbell} is a <em>release</em> store. The same holds for the
 *   CQ head doorbell, which hands completion slots back to the device.</li>
 *   <li><b>Completion.</b> The driver polls the phase bit of the next completion queue entry.
 *   Once it sees the new phase it reads the other fields; those reads must not be satisfied
 *   before the phase read, so the phase is read with <em>acquire</em> semantics (queue code
 *   on plain DMA segments uses {@link #acquireFence()} after the phase load, or an acquire
 *   load).</li>
 *   <li><b>Why release/acquire is enough on x86-64.</b> Under TSO, stores are not reordered
 *   with other stores and loads not with other loads, and stores to uncached MMIO are not
 *   reordered with earlier stores to write-back memory. What remains is compiler (JIT)
 *   reordering, which release/acquire accesses forbid. No full fence ({@code mfence}) is
 *   needed on the doorbell path.</li>
 *   <li><b>Fakes.</b> When the "device" is another Java thread (the mock controller) reading a
 *   native segment, the same release store paired with its acquire (or volatile) load is exactly
 *   the Java memory model's happens-before edge, so the fake sees the entries too.</li>
 * </ul>
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

    /** Same as {@link #writeDoorbell}; the name used by queue code. */
    public void doorbell(long offset, int value) {
        writeDoorbell(offset, value);
    }

    /**
     * Orders all earlier loads and stores before all later stores. For queue code that
     * publishes through plain memory rather than through {@link #writeDoorbell}.
     */
    public static void releaseFence() {
        VarHandle.releaseFence();
    }

    /**
     * Orders all earlier loads before all later loads and stores: use right after reading a
     * completion entry's phase bit with a plain load, before reading the entry's other fields.
     */
    public static void acquireFence() {
        VarHandle.acquireFence();
    }
}
