package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.tool.device.DeviceOpener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nvme-cli's options the management and data commands take next to the basic ones: create-ns
 * --block-size, fw-download --offset/--progress/--ignore-ovr, fw-commit boot partition actions,
 * set-feature --data/--data-len, write and compare from standard input.
 */
class ManagementOptionsOnMockTest {
    @TempDir
    Path dir;

    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    private static MockController mock() {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8).build());
    }

    private static ToolRun on(MockController m, String... args) {
        return ToolRun.run(() -> Nvme.open(m), args);
    }

    @Test
    void createNsByBlockSize() {
        try (MockController m = mock()) {
            ToolRun r = on(m, "create-ns", "--nsze=256", "--ncap=256", "--block-size=4096");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("create-ns: Success, created nsid:2\n", r.out());
            try (Controller c = Nvme.open(m)) {
                byte[] id = c.management().identifyAllocatedNamespace(2);
                assertEquals(2, IdentifyLayout.flbasIndex(id[IdentifyLayout.NS_FLBAS] & 0xFF),
                        "LBA format 2 of the common formats: 4096 bytes, no metadata");
            }
            r = on(m, "create-ns", "--nsze=256", "-b", "3000");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--block-size 3000 is not a power of two"), r.err());
            r = on(m, "create-ns", "--nsze=256", "-b", "2048");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("no LBA format with 2048-byte blocks and no metadata (the controller's"
                    + " formats: 512, 512+8, 4096, 4096+8, 4096+64); give --flbas"), r.err());
            r = on(m, "create-ns", "--nsze=256", "-b", "512", "--flbas=0");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("give --flbas or --block-size, not both"), r.err());
            r = on(m, "list-ns", "--all");
            assertEquals("[   0]:0x1\n[   1]:0x2\n", r.out(), "the refused ones created nothing");
        }
    }

    @Test
    void fwDownloadInPiecesWithOffsetAndProgress() throws Exception {
        byte[] image = new byte[8192];
        Arrays.fill(image, (byte) 0x5A);
        System.arraycopy("NV4J-3.1".getBytes(StandardCharsets.US_ASCII), 0, image, 0, 8);
        Path first = dir.resolve("fw1.bin");
        Path second = dir.resolve("fw2.bin");
        Files.write(first, Arrays.copyOfRange(image, 0, 4096));
        Files.write(second, Arrays.copyOfRange(image, 4096, 8192));
        try (MockController m = mock()) {
            ToolRun r = on(m, "fw-download", "--fw=" + first, "--xfer=2048", "--progress");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("Firmware download: transferring 0x00000000/0x00001000 bytes: 000%\r"
                    + "Firmware download: transferring 0x00000800/0x00001000 bytes: 050%\r"
                    + "\nFirmware download success\n", r.out());
            r = on(m, "fw-download", "-f", second.toString(), "-o", "0x400"); // dwords: byte 4096
            assertEquals(0, r.exit(), r.toString());
            assertEquals("Firmware download success\n", r.out());
            r = on(m, "fw-download", "-f", second.toString(), "--offset=0x200");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("Overlapping Range"), r.err());
            assertTrue(r.err().contains("--ignore-ovr"), r.err());
            r = on(m, "fw-download", "-f", second.toString(), "--offset=0x200", "--ignore-ovr");
            assertEquals(0, r.exit(), r.toString());
            r = on(m, "fw-commit", "-s", "2", "-a", "1", "--force");
            assertEquals(0, r.exit(), r.toString());
            r = on(m, "fw-log");
            assertTrue(r.out().contains("(NV4J-3.1)"), "both pieces made one image: " + r.out());
            r = on(m, "fw-download", "-f", second.toString(), "--offset=0x100000000");
            assertEquals(2, r.exit(), r.toString());
        }
    }

    @Test
    void fwCommitBootPartitionActions() {
        ToolRun r = run("fw-commit", "-a", "6", "-b", "1", "--force");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("fw-commit: boot partitions are not supported by this controller: CAP.BPS"
                + " (bit 45) is 0"), r.err());
        r = run("fw-commit", "-a", "4", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--action': 4 (0-3, 6 or 7)"), r.err());
        r = run("fw-commit", "-a", "7", "--bpid=2", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--bpid': 2 (0 or 1)"), r.err());
    }

    @Test
    void setFeatureWithData() throws Exception {
        Path data = dir.resolve("hbs.bin");
        byte[] hbs = new byte[512];
        hbs[0] = 1; // ACRE
        Files.write(data, hbs);
        ToolRun r = run("set-feature", "-f", "0x16", "--data=" + data);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("set-feature:0x16 (Host Behavior), value:00000000, cdw12:00000000,"
                + " save:0\n       0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f\n0000: 01 00"), r.out());
        Files.write(data, new byte[100]);
        r = run("set-feature", "-f", "0x16", "-d", data.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--data " + data + " has 100 bytes, fewer than the 512 of feature 0x16"
                + " (--data-len); nothing was sent"), r.err());
        r = run("set-feature", "-f", "6", "-v", "0", "--data-len=8", "--data=" + data);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("set-feature:0x06 (Volatile Write Cache)"), r.out());
    }

    @Test
    void writeAndCompareFromStandardInput() throws Exception {
        Path backing = dir.resolve("ns.img");
        String[] mock = {"--mock-backing=file", "--mock-file=" + backing, "--mock-capacity=1m", "--mock-lba-size=512"};
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) 0xC3);
        ToolRun r = ToolRun.run(new DeviceOpener(), block, concat(new String[] {"write", "-s", "2", "-z", "512"}, mock));
        assertEquals(0, r.exit(), r.toString());
        assertEquals("write: Success\n", r.err());
        r = run(concat(new String[] {"read", "-s", "2", "-z", "512"}, mock));
        assertArrayEquals(block, r.binary(), "the block written from standard input");
        r = ToolRun.run(new DeviceOpener(), new byte[100], concat(new String[] {"write", "-s", "2", "-z", "512"},
                mock));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("standard input has 100 bytes, fewer than the 512 to write; nothing was sent"),
                r.err());
        r = run(concat(new String[] {"read", "-s", "2", "-z", "512"}, mock));
        assertArrayEquals(block, r.binary(), "nothing changed");
        r = ToolRun.run(new DeviceOpener(), block, concat(new String[] {"write", "-s", "2", "-z", "512", "-D", "0x7",
            "-T", "2", "-S", "1", "-t"}, mock));
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches(" latency: write: \\d+ us\n"), "nvme-cli's latency line: " + r.out());
        r = run(concat(new String[] {"read", "-s", "2", "-z", "512", "--dir-type=16"}, mock));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--dsm is a byte, --dir-type 0-15 and --dir-spec 16 bits"), r.err());
        r = ToolRun.run(new DeviceOpener(), block, concat(new String[] {"compare", "-s", "2", "-z", "512"}, mock));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Compare is not supported by this controller"), r.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
