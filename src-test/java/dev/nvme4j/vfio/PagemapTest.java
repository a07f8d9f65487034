package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Virtual-to-physical translation from a pagemap file laid out as the kernel does. */
class PagemapTest {

    @TempDir
    Path tmp;

    private Path pagemap(long page, long entry) throws IOException {
        Path file = tmp.resolve("pagemap");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, entry), page * 8);
        }
        return file;
    }

    @Test
    void translatesAPresentPageKeepingTheOffset() throws IOException {
        Pagemap map = new Pagemap(pagemap(5, 1L << 63 | 0x1234));
        assertEquals(0x1234_123L, map.physicalAddress(5 * 4096 + 0x123));
    }

    @Test
    void aPageThatIsNotPresentHasNoPhysicalAddress() throws IOException {
        Pagemap map = new Pagemap(pagemap(5, 0x1234));
        assertThrows(VfioException.class, () -> map.physicalAddress(5 * 4096));
    }

    @Test
    void aHiddenFrameNumberAsksForCapSysAdmin() throws IOException {
        Pagemap map = new Pagemap(pagemap(5, 1L << 63));
        VfioException e = assertThrows(VfioException.class, () -> map.physicalAddress(5 * 4096));
        assertTrue(e.getMessage().contains("CAP_SYS_ADMIN"), e.getMessage());
    }
}
