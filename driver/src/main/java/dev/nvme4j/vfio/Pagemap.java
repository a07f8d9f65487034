package dev.nvme4j.vfio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Virtual-to-physical translation through {@code /proc/self/pagemap}, needed only in VFIO's
 * no-IOMMU mode, where the device uses physical addresses. Each 64-bit entry describes one
 * 4 KiB page: bit 63 "present", bits 0-54 the page frame number (reported as 0 without
 * CAP_SYS_ADMIN). See the kernel's {@code Documentation/admin-guide/mm/pagemap.rst}.
 *
 * <p>Stateless; thread-safe.
 */
final class Pagemap {

    private static final long PRESENT = 1L << 63;
    private static final long PFN_MASK = (1L << 55) - 1;
    private static final long PAGE = 4096;

    private final Path file;

    Pagemap(Path file) {
        this.file = file;
    }

    static Pagemap self() {
        return new Pagemap(Path.of("/proc/self/pagemap"));
    }

    /**
     * @return the physical address of {@code virtualAddress}
     * @throws VfioException when the page is not present or the frame number is hidden
     */
    long physicalAddress(long virtualAddress) {
        ByteBuffer entry = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(entry, virtualAddress / PAGE * 8);
        } catch (IOException e) {
            throw new VfioException("cannot read " + file + ": " + e.getMessage(), e);
        }
        long value = entry.flip().remaining() == 8 ? entry.getLong() : 0;
        long pfn = value & PFN_MASK;
        if ((value & PRESENT) == 0 || pfn == 0) {
            throw new VfioException("no physical address for 0x" + Long.toHexString(virtualAddress) + " in " + file
                    + ": the page is not present, or the process lacks CAP_SYS_ADMIN (run as root)");
        }
        return pfn * PAGE + virtualAddress % PAGE;
    }
}
