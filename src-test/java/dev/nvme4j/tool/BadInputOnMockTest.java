package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the management and data commands gets a clear error and changes nothing: each
 * destructive command without --force, an LBA format out of range, an unknown feature, a data
 * file shorter than the size asked for, a namespace that does not exist. "Nothing changed" is
 * checked on the controller afterwards: the data, the namespaces, the LBA format, the firmware.
 */
class BadInputOnMockTest {
    @TempDir
    Path dir;

    private MockController m;
    private final byte[] block = new byte[512];

    @BeforeEach
    void setUp() {
        m = Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8).build());
        Arrays.fill(block, (byte) 0xA5);
        assertEquals(0, run(block, "write", "-s", "7").exit());
    }

    @AfterEach
    void tearDown() {
        m.close();
    }

    private ToolRun run(String... args) {
        return run(new byte[0], args);
    }

    private ToolRun run(byte[] stdin, String... args) {
        return ToolRun.run((d, o) -> Nvme.open(m, o), stdin, args);
    }

    /** The namespace's data, its format, the namespaces and the firmware are as they were. */
    private void assertNothingChanged(String after) {
        ToolRun r = run("read", "-s", "7");
        assertArrayEquals(block, r.binary(), "the data after " + after);
        r = run("list-ns", "--all");
        assertEquals("[   0]:0x1\n", r.out(), "the namespaces after " + after);
        r = run("id-ns", "-n", "1");
        assertTrue(r.out().contains("in use") && r.out().matches("(?s).*lbaf +0 : ms:0 +lbads:9 .*\\(in use\\).*"),
                "LBA format 0 after " + after + ":\n" + r.out());
        r = run("fw-log");
        assertTrue(r.out().contains("afi  : 0x1"), "slot 1 active, nothing pending after " + after + ": " + r.out());
    }

    private static void assertRefused(ToolRun r, int exit, String message) {
        assertEquals(exit, r.exit(), r.toString());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
    }

    @Test
    void destructiveCommandsNeedForce() throws Exception {
        Path image = dir.resolve("fw.bin");
        byte[] fw = new byte[4096];
        System.arraycopy("NEW-REV1".getBytes(StandardCharsets.US_ASCII), 0, fw, 0, 8);
        Files.write(image, fw);
        assertEquals(0, run("fw-download", "-f", image.toString()).exit());
        assertRefused(run("format", "-l", "2"), 2, "format erases every block of namespace 1; add --force to confirm"
                + " (nothing was changed)");
        assertRefused(run("sanitize", "-a", "2"), 2, "add --force to confirm (nothing was changed)");
        assertRefused(run("delete-ns", "-n", "1"), 2, "delete-ns deletes namespace 1 and its data; add --force");
        assertRefused(run("fw-commit", "-s", "2", "-a", "3"), 2, "add --force to confirm (nothing was changed)");
        assertNothingChanged("the commands without --force");
        assertTrue(run("sanitize-log").out().contains("Sanitize Status                        (SSTAT) :  0\n"),
                "SSTAT 0: never sanitized");
    }

    @Test
    void lbaFormatOutOfRange() {
        assertRefused(run("format", "-l", "9", "--force"), 2, "Invalid value for option '--lbaf': 9; the namespace has"
                + " LBA formats 0-4 (see id-ns)");
        assertRefused(run("format", "-l", "64", "--force"), 2, "Invalid value for option '--lbaf': 64 (0-63)");
        assertRefused(run("format", "-b", "2048", "--force"), 2, "no LBA format of the namespace has 2048-byte blocks");
        assertRefused(run("create-ns", "-s", "64", "-f", "9"), 1, "create-ns: NVMe status: Invalid Format");
        assertNothingChanged("the out-of-range formats");
    }

    @Test
    void unknownFeature() {
        assertRefused(run("get-feature", "-f", "0x77"), 1, "get-feature: feature 0x77 (Unknown): NVMe status:"
                + " Invalid Field in Command");
        assertRefused(run("set-feature", "-f", "0x77", "-v", "1"), 1, "set-feature: feature 0x77 (Unknown), value"
                + " 0x1: NVMe status: Invalid Field in Command");
        assertRefused(run("set-feature", "-f", "0x100", "-v", "1"), 2, "--feature-id");
        assertRefused(run("get-feature", "-f", "0"), 2, "0x0 is not a feature identifier (0x01-0xff)");
        assertRefused(run("get-feature", "-f", "6", "-U", "1"), 1, "NVMe status: Invalid Field in Command");
        assertRefused(run("set-feature", "-f", "6", "-v", "0", "--uuid-index=1"), 1, "Invalid Field in Command");
        assertTrue(run("get-feature", "-f", "6").out().contains("Current value:0x00000001"),
                "the mock has no UUID List: the vendor feature of UUID 1 was not set");
        assertRefused(run("get-feature", "-f", "6", "-U", "200"), 2, "Invalid value for option '--uuid-index': 200");
        assertNothingChanged("the unknown features");
    }

    @Test
    void dataShorterThanAskedFor() throws Exception {
        Path shortFile = dir.resolve("short.bin");
        Files.write(shortFile, new byte[700]);
        assertRefused(run("write", "-s", "7", "-c", "1", "-d", shortFile.toString()), 2, "--data " + shortFile
                + " has 700 bytes, fewer than the 1024 to write; nothing was sent");
        assertRefused(run("write", "-s", "7", "-z", "1024", "-d", shortFile.toString()), 2, "fewer than the 1024");
        assertRefused(run("write", "-s", "7", "-z", "256", "-d", shortFile.toString()), 2, "--data-size 256 is less"
                + " than the 1 block(s) of 512 bytes");
        assertRefused(run("io-passthru", "-o", "1", "-n", "1", "--cdw10=7", "-l", "1024", "-i", shortFile.toString()),
                2, "has 700 bytes, fewer than --data-len 1024; nothing was sent");
        assertRefused(run("set-feature", "-f", "0x16", "-d", shortFile.toString(), "-l", "1024"), 2, "fewer than");
        assertRefused(run("write", "-s", "7", "-d", dir.resolve("missing.bin").toString()), 2, "no such file");
        assertNothingChanged("the short files");
    }

    @Test
    void namespaceThatDoesNotExist() {
        String active = "namespace 9 is not active on mock:";
        for (String[] cmd : new String[][] {{"read"}, {"flush"}, {"write-zeroes"}, {"dsm", "-s", "0", "-b", "1", "--ad"},
            {"compare"}, {"id-ns"}, {"format", "-l", "0", "--force"}}) {
            String[] args = Arrays.copyOf(cmd, cmd.length + 2);
            args[cmd.length] = "-n";
            args[cmd.length + 1] = "9";
            assertRefused(run(args), 2, active);
        }
        assertRefused(run(block, "write", "-n", "9"), 2, active);
        assertRefused(run("delete-ns", "-n", "9", "--force"), 1, "delete-ns: namespace 9 is not allocated; allocated"
                + " namespaces: 1 (nothing was sent to the device)");
        assertRefused(run("attach-ns", "-n", "9"), 1, "attach-ns: namespace 9 is not allocated; allocated namespaces: 1");
        assertRefused(run("detach-ns", "-n", "9"), 1, "detach-ns: namespace 9 is not allocated");
        assertRefused(run("device-self-test", "-n", "9", "-s", "1"), 1, "device-self-test: namespace 9 is not active;"
                + " active namespaces: 1, 0 for the controller only or 0xffffffff for all (nothing was sent");
        assertTrue(run("self-test-log").out().contains("Current operation  : 0"), "no self-test started");
        assertNothingChanged("the missing namespaces");
    }
}
