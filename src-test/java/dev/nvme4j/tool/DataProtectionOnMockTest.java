package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Crc16T10Dif;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nvme-cli's metadata and end-to-end protection options of read, write, compare and write-zeroes
 * on the mock's metadata namespaces: --metadata/-M with --metadata-size/-y, --prinfo/-p,
 * --ref-tag/-r, --app-tag/-a, --app-tag-mask/-m, --storage-tag, --show-command/-v, --dry-run/-w;
 * the values reach the controller (its checks pass or fail on them), bad ones are refused first.
 */
class DataProtectionOnMockTest {
    @TempDir
    Path dir;

    private static MockController mock(NamespaceConfig ns) {
        return Nvme.createMock(MockConfig.builder().namespace(ns).build());
    }

    private static ToolRun on(MockController m, String... args) {
        return ToolRun.run(() -> Nvme.open(m), args);
    }

    private static ToolRun on(MockController m, byte[] stdin, String... args) {
        return ToolRun.run((d, o) -> Nvme.open(m), stdin, args);
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void controllerInsertedProtectionIsReadBackWithItsTagsAndChecked() throws Exception {
        try (MockController m = mock(NamespaceConfig.ram(64, 512).withMetadata(8, false).withProtection(1, true))) {
            byte[] data = filled(1024, 0x3C);
            // PRACT with 8 bytes of PI: the controller inserts it, no metadata moves.
            ToolRun r = on(m, data, "write", "-s", "6", "-c", "1", "-p", "8", "-r", "6", "-a", "0x1234");
            assertEquals(0, r.exit(), r.toString());
            Path meta = dir.resolve("meta.bin");
            Path back = dir.resolve("data.bin");
            r = on(m, "read", "-s", "6", "-c", "1", "-y", "16", "-M", meta.toString(), "-d", back.toString(),
                    "--prinfo=7", "--ref-tag=6", "--app-tag=0x1234", "--app-tag-mask=0xffff");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("read: Success\n", r.err());
            assertArrayEquals(data, Files.readAllBytes(back));
            ByteBuffer pi = ByteBuffer.wrap(Files.readAllBytes(meta));
            assertEquals(16, pi.capacity());
            for (int block = 0; block < 2; block++) {
                assertEquals(Crc16T10Dif.of(Arrays.copyOf(data, 512)), pi.getShort(8 * block) & 0xFFFF, "guard");
                assertEquals(0x1234, pi.getShort(8 * block + 2) & 0xFFFF, "the application tag of --app-tag");
                assertEquals(6 + block, pi.getInt(8 * block + 4), "the reference tag from --ref-tag");
            }
            r = on(m, "read", "-s", "6", "-y", "8", "-M", meta.toString(), "-d", back.toString(), "-p", "2",
                    "-a", "0x1111", "-m", "0xffff");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("read: NVMe status: "), r.err());
            assertTrue(r.err().contains("Application Tag Check"), r.err());
            r = on(m, "read", "-s", "6", "-y", "8", "-M", meta.toString(), "-d", back.toString(), "-p", "2",
                    "-a", "0x1111", "-m", "0xff00");
            assertEquals(1, r.exit(), "0x11 != 0x12 under the mask: " + r);
            r = on(m, "read", "-s", "6", "-y", "8", "-M", meta.toString(), "-d", back.toString(), "-p", "2",
                    "-a", "0x1134", "-m", "0x00ff");
            assertEquals(0, r.exit(), "only the masked bits are checked: " + r);
            r = on(m, "read", "-s", "7", "-y", "8", "-M", meta.toString(), "-d", back.toString(), "-p", "1",
                    "-r", "9");
            assertEquals(1, r.exit(), "type 1: EILBRT must be the first LBA: " + r);
            // compare takes the same metadata: the PI read back compares equal.
            r = on(m, "compare", "-s", "6", "-c", "1", "-y", "16", "-M", meta.toString(), "-d", back.toString(),
                    "-p", "7", "-r", "6", "-a", "0x1234", "-m", "0xffff");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("Compare is not supported by this controller"), "the mock's ONCS: " + r);
        }
    }

    @Test
    void separateMetadataIsWrittenFromAndReadToItsFile() throws Exception {
        try (MockController m = mock(NamespaceConfig.ram(64, 512).withMetadata(16, false))) {
            Path meta = dir.resolve("in.meta");
            byte[] md = new byte[32];
            for (int i = 0; i < md.length; i++) {
                md[i] = (byte) (i * 7 + 1);
            }
            Files.write(meta, md);
            ToolRun r = on(m, filled(1024, 0x11), "write", "-s", "3", "-c", "1", "--metadata-size=32",
                    "--metadata=" + meta);
            assertEquals(0, r.exit(), r.toString());
            Path out = dir.resolve("out.meta");
            r = on(m, "read", "-s", "3", "-c", "1", "-y", "32", "-M", out.toString());
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(filled(1024, 0x11), r.binary(), "the data to standard output");
            assertArrayEquals(md, Files.readAllBytes(out));
            r = on(m, "read", "-s", "3", "-c", "1", "-y", "32");
            assertArrayEquals(concat(filled(1024, 0x11), md), r.binary(), "without -M the metadata follows the data");

            r = on(m, "read", "-s", "3", "-c", "1");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("namespace 1 has 16 bytes of metadata per block in a separate buffer (LBA"
                    + " format 0: 512 + 16 bytes metadata (separate buffer)): give --metadata-size 32"), r.err());
            r = on(m, "read", "-s", "3", "-c", "1", "-y", "31");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--metadata-size 31 is less than the 2 block(s) of 16 bytes of metadata"
                    + " = 32 bytes"), r.err());
            Files.write(meta, new byte[20]);
            r = on(m, filled(1024, 0x22), "write", "-s", "3", "-c", "1", "-y", "32", "-M", meta.toString());
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--metadata " + meta + " has 20 bytes, fewer than the 32 to write; nothing"
                    + " was sent"), r.err());
            r = on(m, "read", "-s", "3", "-c", "1", "-y", "32");
            assertArrayEquals(concat(filled(1024, 0x11), md), r.binary(), "the refused write changed nothing");
        }
        try (MockController m = mock(NamespaceConfig.ram(64, 512))) {
            ToolRun r = on(m, "read", "-y", "8");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--metadata-size: namespace 1 moves no separate metadata (LBA format 0: 512"
                    + " bytes, no metadata); drop --metadata-size"), r.err());
        }
    }

    @Test
    void extendedLbasCarryTheMetadataInTheData() {
        try (MockController m = mock(NamespaceConfig.ram(64, 512).withMetadata(8, true))) {
            byte[] wire = new byte[2 * 520];
            for (int i = 0; i < wire.length; i++) {
                wire[i] = (byte) (i % 251);
            }
            ToolRun r = on(m, wire, "write", "-s", "1", "-c", "1");
            assertEquals(0, r.exit(), r.toString());
            r = on(m, "read", "-s", "1", "-c", "1");
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(wire, r.binary(), "520 bytes per block: data and metadata");
            r = on(m, "read", "-s", "1", "-c", "1", "-y", "16");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("moves no separate metadata (LBA format 0: 512 + 8 bytes metadata (extended"
                    + " LBA); it travels in the data)"), r.err());
        }
    }

    @Test
    void showCommandAndDryRunPrintTheCommandAsNvmeCli() {
        try (MockController m = mock(NamespaceConfig.ram(64, 512).withMetadata(8, false).withProtection(1, true))) {
            ToolRun r = on(m, filled(512, 0x77), "write", "-s", "5", "-p", "0xf", "-l", "-f", "-C", "-r", "5",
                    "-a", "0xab", "-m", "0xff", "-T", "2", "-S", "3", "-D", "0x41", "--dry-run");
            assertEquals(0, r.exit(), r.toString());
            String addr = "[0-9a-f]+";
            assertTrue(r.out().matches("opcode       : 01\nnsid         : 01\nflags        : 00\n"
                    + "control      : fd20\nnblocks      : 0000\nmetadata     : 0\naddr         : " + addr + "\n"
                    + "slba         : 5\ndsmgmt       : 00030041\nreftag       : 5\napptag       : 00ab\n"
                    + "appmask      : 00ff\nstoragetagcheck : 0001\nstoragetag      : 0\npif             : 00\n"
                    + "sts             : 00\n"), r.out());
            assertEquals("", r.err(), "a dry run sends nothing, so no success line");
            r = on(m, "read", "-s", "5", "-y", "8");
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(new byte[512], Arrays.copyOf(r.binary(), 512), "the dry run wrote nothing");

            r = on(m, filled(512, 0x77), "write", "-s", "5", "-p", "8", "-r", "5", "-v");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("opcode       : 01\nnsid         : 01\nflags        : 00\n"
                    + "control      : 2000\n"), r.out());
            assertEquals("write: Success\n", r.err());
            r = on(m, "read", "-s", "5", "-y", "8", "-v", "-p", "7", "-r", "5");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().matches("(?s)opcode       : 02\n.*metadata     : [1-9a-f][0-9a-f]*\n.*"), r.out());
            assertArrayEquals(filled(512, 0x77), Arrays.copyOf(r.binary(), 512), "shown and sent");
        }
    }

    @Test
    void writeZeroesWithProtectionOptions() {
        try (MockController m = mock(NamespaceConfig.ram(64, 512).withMetadata(8, false).withProtection(1, true))) {
            ToolRun r = on(m, "write-zeroes", "-s", "8", "-c", "3", "-p", "8", "-r", "8", "-a", "0x55");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("NVME Write Zeroes Success\n", r.out());
            r = on(m, "read", "-s", "8", "-c", "3", "-y", "32", "-p", "7", "-r", "8", "-a", "0x55", "-m", "0xffff");
            assertEquals(0, r.exit(), "PRACT: the controller wrote valid PI with --app-tag: " + r);
            ByteBuffer pi = ByteBuffer.wrap(r.binary(), 4 * 512, 32);
            assertEquals(11, pi.getInt(4 * 512 + 3 * 8 + 4), "reference tags from --ref-tag, one per block");
            r = on(m, "write-zeroes", "-s", "8", "-S", "1");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Storage tag larger than storage tag size: --storage-tag 0x1, but the storage"
                    + " tag size is 0 bits"), r.err());
            r = on(m, "write-zeroes", "-s", "8", "-p", "16");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Invalid value for option '--prinfo': 16 (0-15"), r.err());
            r = on(m, "read", "-s", "8", "-y", "8", "-r", "0x100000000");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Reference tag larger than allowed by PIF: --ref-tag 0x100000000"), r.err());
            r = on(m, "read", "-s", "8", "-y", "8", "-g", "2");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Storage tag larger than storage tag size"), r.err());
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
