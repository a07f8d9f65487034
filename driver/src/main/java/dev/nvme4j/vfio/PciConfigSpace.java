package dev.nvme4j.vfio;

import dev.nvme4j.sys.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * PCI configuration space of a function, through the VFIO config region (pread/pwrite on the
 * device fd). vfio-pci virtualizes parts of it (BARs, MSI-X control), so only plain fields
 * such as the Command register are touched here.
 *
 * <p>Thread-safe (each access allocates its own buffer; control path only).
 */
final class PciConfigSpace {

    /** PCI Local Bus Spec 3.0, 6.2.2: Command register at 0x04. */
    static final int COMMAND = 0x04;
    /** Command bit 1: respond to memory-space accesses (BAR0 MMIO). */
    static final int COMMAND_MEMORY = 1 << 1;
    /** Command bit 2: bus master, i.e. the function may issue DMA. */
    static final int COMMAND_BUS_MASTER = 1 << 2;
    /** Command bit 10: INTx emulation disabled (MSI-X is used instead). */
    static final int COMMAND_INTX_DISABLE = 1 << 10;

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final LibC libc;
    private final int deviceFd;
    private final long regionOffset;

    PciConfigSpace(LibC libc, int deviceFd, long regionOffset) {
        this.libc = libc;
        this.deviceFd = deviceFd;
        this.regionOffset = regionOffset;
    }

    int read16(int offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2);
            checked(libc.pread(deviceFd, buf, regionOffset + offset), 2, "read", offset);
            return Short.toUnsignedInt(buf.get(SHORT, 0));
        }
    }

    int read32(int offset) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4);
            checked(libc.pread(deviceFd, buf, regionOffset + offset), 4, "read", offset);
            return buf.get(INT, 0);
        }
    }

    void write16(int offset, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(2);
            buf.set(SHORT, 0, (short) value);
            checked(libc.pwrite(deviceFd, buf, regionOffset + offset), 2, "write", offset);
        }
    }

    /** Sets Memory Space and Bus Master, and disables INTx. {@return the Command register before} */
    int enableMemoryAndBusMaster() {
        int before = read16(COMMAND);
        int after = (before | COMMAND_MEMORY | COMMAND_BUS_MASTER | COMMAND_INTX_DISABLE) & 0xFFFF;
        if (after != before) {
            write16(COMMAND, after);
        }
        return before;
    }

    /**
     * Whether the function still answers configuration reads. The class code and revision
     * (0x08) are read: vfio-pci virtualizes the vendor and device IDs (they read as cached),
     * not this dword, and an NVMe function's is never all ones (class 01 08 02). A function that
     * is gone reads all ones, or the read fails.
     */
    boolean isPresent() {
        try {
            return read32(0x08) != 0xFFFF_FFFF;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Clears Bus Master, so the function can no longer DMA (used on close). */
    void disableBusMaster() {
        int before = read16(COMMAND);
        if ((before & COMMAND_BUS_MASTER) != 0) {
            write16(COMMAND, before & ~COMMAND_BUS_MASTER);
        }
    }

    private static void checked(long n, int expected, String op, int offset) {
        if (n != expected) {
            throw new VfioException("config space " + op + " at 0x" + Integer.toHexString(offset) + " moved "
                    + n + " of " + expected + " bytes");
        }
    }
}
