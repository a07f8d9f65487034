package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * admin-passthru and io-passthru with nvme-cli 2.3's --metadata/-M, --metadata-len/-m,
 * --timeout/-t, --rsvd/-R and its --show-command layout (addr, metadata, timeout_ms).
 */
class PassthruOptionsOnMockTest {
    @TempDir
    Path dir;

    /** Runs the tool on {@code m} with the controller options the command asks for. */
    private static ToolRun on(MockController m, String... args) {
        return ToolRun.run((d, o) -> Nvme.open(m, o), args);
    }

    @Test
    void ioPassthruMovesSeparateMetadata() throws Exception {
        try (MockController m = Nvme.createMock(MockConfig.builder()
                .namespace(NamespaceConfig.ram(64, 512).withMetadata(16, false)).build())) {
            byte[] data = new byte[512];
            Arrays.fill(data, (byte) 0x5D);
            byte[] md = new byte[16];
            for (int i = 0; i < md.length; i++) {
                md[i] = (byte) (0xA0 + i);
            }
            Path in = dir.resolve("data.bin");
            Path meta = dir.resolve("meta.bin");
            Files.write(in, data);
            Files.write(meta, md);
            ToolRun r = on(m, "io-passthru", "-o", "0x01", "-n", "1", "--cdw10=4", "-l", "512", "-m", "16",
                    "-i", in.toString(), "-M", meta.toString());
            assertEquals(0, r.exit(), r.toString());
            assertEquals("IO Command Write is Success and result: 0x00000000\n", r.err());
            Path out = dir.resolve("out.meta");
            r = on(m, "io-passthru", "-o", "0x02", "-n", "1", "--cdw10=4", "-l", "512", "--metadata-len=16",
                    "--metadata=" + out, "-b");
            assertEquals(0, r.exit(), r.toString());
            assertArrayEquals(data, r.binary());
            assertArrayEquals(md, Files.readAllBytes(out), "the metadata at MPTR went to --metadata");

            Files.write(meta, new byte[4]);
            r = on(m, "io-passthru", "-o", "0x01", "-n", "1", "--cdw10=4", "-l", "512", "-m", "16",
                    "-i", in.toString(), "-M", meta.toString());
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--metadata " + meta + " has 4 bytes, fewer than --metadata-len 16; nothing"
                    + " was sent"), r.err());
            r = on(m, "admin-passthru", "-o", "0x06", "-l", "4096", "-m", "8", "--cdw10=1");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Invalid value for option '--metadata-len': 8; the driver sends admin commands"
                    + " without a metadata pointer (MPTR)"), r.err());
        }
    }

    @Test
    void showCommandHasNvmeCliLinesAndDryRunSendsNothing() {
        try (MockController m = Nvme.createMock(MockConfig.builder()
                .namespace(NamespaceConfig.ram(64, 512)).build())) {
            ToolRun r = on(m, "admin-passthru", "-o", "0x06", "-l", "4096", "--cdw10=1", "-R", "0x12",
                    "-t", "5000", "-n", "0", "--dry-run");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().matches("opcode       : 06\nflags        : 00\nrsvd1        : 0012\n"
                    + "nsid         : 00000000\ncdw2         : 00000000\ncdw3         : 00000000\n"
                    + "data_len     : 00001000\nmetadata_len : 00000000\naddr         : [1-9a-f][0-9a-f]*\n"
                    + "metadata     : 0\ncdw10        : 00000001\ncdw11        : 00000000\n"
                    + "cdw12        : 00000000\ncdw13        : 00000000\ncdw14        : 00000000\n"
                    + "cdw15        : 00000000\ntimeout_ms   : 00001388\n"), r.out());
            assertEquals("", r.err(), "nothing sent");
            r = on(m, "admin-passthru", "-o", "0x06", "-l", "4096", "--cdw10=1", "-t", "5000", "-s");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.out().contains("timeout_ms   : 00001388\n"), r.out());
            assertTrue(r.out().contains("\n0000: "), "shown, then sent: " + r.out());
            assertEquals("Admin Command Identify is Success and result: 0x00000000\n", r.err());
        }
    }

    @Test
    void timeoutIsTheCommandsDeadline() {
        try (MockController m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(64, 512))
                .mode(dev.nvme4j.mock.config.ExecutionMode.THREADED).build())) {
            m.faults().hangCommands(FaultMatch.any().queue(0).opcode(0xC1), false);
            long start = System.nanoTime();
            ToolRun r = on(m, "admin-passthru", "-o", "0xc1", "-t", "200");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("admin-passthru: NVMe status: "), r.err());
            assertTrue(r.err().contains("Abort"), "aborted when the 200 ms passed: " + r.err());
            assertTrue(millis < 8_000, "well before the driver's 10 s admin timeout: " + millis + " ms");
            m.faults().delayCompletions(FaultMatch.any().queue(1).opcode(0x00), java.time.Duration.ofMillis(1500));
            r = on(m, "io-passthru", "-o", "0x00", "-n", "1", "-t", "100");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("io-passthru: NVMe status: Command Abort Requested"),
                    "the driver aborted it when its 100 ms passed, long before the delayed completion: " + r.err());
            m.faults().clear();
            r = on(m, "io-passthru", "-o", "0x00", "-n", "1", "-t", "5000");
            assertEquals(0, r.exit(), r.toString());
        }
    }
}
