package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** get-log with nvme-cli 2.3's --aen, --lsi, --csi, --ot, --uuid-index (and --lsp, --rae, --lpo, -b). */
class GetLogOptionsOnMockTest {
    private static ToolRun on(MockController m, String... args) {
        return ToolRun.run(() -> Nvme.open(m), args);
    }

    @Test
    void aenNamesThePageAndReads4096Bytes() {
        try (MockController m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(64, 512))
                .firmwareRevision("AEN-TEST").build())) {
            ToolRun r = on(m, "get-log", "--aen=0x00030102");
            assertEquals(0, r.exit(), r.toString());
            String[] lines = r.out().split("\n");
            assertTrue(lines[0].matches("Device:mock\\S* log-id:3 namespace-id:0xffffffff"), lines[0]);
            assertEquals(2 + 4096 / 16, lines.length, "nvme-cli reads 4096 bytes for --aen");
            r = on(m, "get-log", "-a", "0x00030102", "-b");
            byte[] page = r.binary();
            assertEquals(4096, page.length);
            assertEquals("AEN-TEST", new String(page, 8, 8, java.nio.charset.StandardCharsets.US_ASCII),
                    "the Firmware Slot Information log: slot 1's revision");
            r = on(m, "get-log", "-i", "3", "-l", "4096", "-b", "--lsp=1", "--rae", "--uuid-index=0");
            assertArrayEquals(page, r.binary(), "the same page by --log-id");
        }
    }

    @Test
    void lsiCsiAndOffsetTypeReachTheController() {
        try (MockController m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(64, 512)).build())) {
            ToolRun plain = on(m, "get-log", "-i", "3", "-l", "64", "-b");
            ToolRun r = on(m, "get-log", "-i", "3", "-l", "64", "-b", "--lsi=0xffff");
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(plain.binary(), r.binary(), "LSI is CDW11 31:16, apart from NUMDU: same 64 bytes");
            r = on(m, "get-log", "-i", "3", "-l", "64", "--csi=2");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("get-log: NVMe status: Invalid Field in Command"),
                    "the mock offers only the NVM Command Set (CSI 0): " + r.err());
            r = on(m, "get-log", "-i", "3", "-l", "64", "--ot", "--lpo=1");
            assertEquals(1, r.exit(), "--lpo is an index with --ot, no multiple of 4 needed; the mock has no"
                    + " index offsets: " + r);
            assertTrue(r.err().contains("Invalid Field in Command"), r.err());
            r = on(m, "get-log", "-i", "3", "-l", "64", "-o", "8", "-b");
            assertArrayEquals(Arrays.copyOfRange(plain.binary(), 8, 64), Arrays.copyOf(r.binary(), 56),
                    "--lpo 8: from byte 8");
        }
    }

    @Test
    void sanitizeLogTakesRae() {
        try (MockController m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(64, 512)).build())) {
            ToolRun plain = on(m, "sanitize-log");
            ToolRun r = on(m, "sanitize-log", "--rae");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().startsWith("Sanitize Progress                      (SPROG) :  65535\n"), r.out());
            assertEquals(plain.out(), r.out(), "the same log, its event retained");
        }
    }

    @Test
    void badValuesAreRefusedBeforeAnythingIsSent() {
        ToolRun r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "get-log", "-l", "16");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("give the page: --log-id and --log-len, or --aen"), r.err());
        r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "get-log", "-i", "2", "-l", "16", "-U", "200");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--lsi is 16 bits, --uuid-index 0-127 and --csi a byte; got 0x0, 200, 0x0"),
                r.err());
        r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "get-log", "-i", "2", "-l", "16", "-S", "0x10000");
        assertEquals(2, r.exit(), r.toString());
    }
}
