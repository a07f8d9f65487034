package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.DeviceOpener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fw-log, fw-download, fw-commit, create-ns, delete-ns, attach-ns, detach-ns, list-ctrl, list-ns --all,
 * device-self-test, self-test-log, sanitize, sanitize-log, resv-report, id-ns-granularity, -b and read to
 * standard output, on the mock (each run is a fresh mock).
 */
class ManagementCommandsOnMockTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    @Test
    void fwLogLikeNvmeCli() throws Exception {
        ToolRun r = run("fw-log");
        assertEquals(0, r.exit(), r.toString());
        // The mock's revision "1.0" padded with spaces, as QEMU 7.2's slot 1: the frs1 line is the one nvme-cli 2.3
        // printed for QEMU (spaces shown as dots).
        assertEquals("Firmware Log for device:mock:NVME4J-MOCK-0001\nafi  : 0x1\nfrs1 : 0x2020202020302e31 (1.0.....)\n",
                r.out());
        r = run("fw-log", "-o", "json");
        JsonNode dev = json.readTree(r.out()).get("mock:NVME4J-MOCK-0001");
        assertEquals(1, dev.get("Active Firmware Slot (afi)").asInt(), r.out());
        assertEquals("2314885530819505713 (1.0.....)", dev.get("Firmware Rev Slot 1").asText(), "as nvme-cli's JSON");
        r = run("fw-log", "-b");
        assertEquals(512, r.binary().length);
        assertEquals("1.0     ", new String(r.binary(), 8, 8, StandardCharsets.US_ASCII));
        assertEquals("", r.out());
    }

    @Test
    void fwDownloadAndCommit() throws Exception {
        Path img = dir.resolve("fw.bin");
        byte[] image = new byte[8192];
        System.arraycopy("NV4J-2.0".getBytes(StandardCharsets.US_ASCII), 0, image, 0, 8);
        Files.write(img, image);
        ToolRun r = run("fw-download", "--fw=" + img, "--xfer=4096");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Firmware download success\n", r.out());
        r = run("fw-commit", "-s", "2", "-a", "1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("add --force to confirm (nothing was changed)"), r.err());
        r = run("fw-commit", "-s", "2", "-a", "1", "--force");
        // A fresh mock has no downloaded image: the controller's own answer, as nvme-cli prints it.
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("fw-commit: NVMe status: Invalid Firmware Image"), r.err());
        r = run("fw-commit", "-s", "1", "-a", "2", "--force");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Success committing firmware action:2 slot:1\n", r.out());
        r = run("fw-commit", "-s", "9", "-a", "1", "--force");
        assertEquals(2, r.exit(), r.toString());
        r = run("fw-commit", "-s", "4", "-a", "1", "--force");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("firmware slot 4 is out of range: the controller has slots 1-3"), r.err());
        Files.write(img, new byte[6]);
        r = run("fw-download", "--fw=" + img);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("a firmware image is a non-empty multiple of 4 bytes; nothing was sent"), r.err());
    }

    @Test
    void namespaceCommands() {
        ToolRun r = run("create-ns", "--nsze=2048", "--ncap=2048", "--flbas=0");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("create-ns: Success, created nsid:2\n", r.out());
        r = run("create-ns", "--nsze=2048", "--ncap=1024");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("create-ns: NVMe status: Thin Provisioning Not Supported"), r.err());
        r = run("create-ns", "--nsze=" + (1L << 40));
        assertTrue(r.err().contains("Namespace Insufficient Capacity"), r.err());
        r = run("attach-ns", "-n", "1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("attach-ns: NVMe status: Namespace Already Attached"), r.err());
        r = run("detach-ns", "-n", "1", "-c", "1");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("detach-ns: Success, nsid:1\n", r.out());
        r = run("detach-ns", "-n", "1", "-c", "5");
        assertTrue(r.err().contains("Controller List Invalid"), r.err());
        r = run("delete-ns", "-n", "1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("add --force to confirm (nothing was changed)"), r.err());
        r = run("delete-ns", "-n", "1", "--force");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("delete-ns: Success, deleted nsid:1\n", r.out());
        r = run("list-ctrl");
        assertEquals("num of ctrls present: 1\n[   0]:0x1\n", r.out());
        r = run("list-ns", "--all");
        assertEquals("[   0]:0x1\n", r.out());
        r = run("id-ns-granularity");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("NUMD        : Number of Descriptors           : 0\n"), r.out());
        assertTrue(r.out().contains("NSG       : Namespace Size Granularity     : 0x100000\n"), r.out());
        assertTrue(r.out().contains("NCG       : Namespace Capacity Granularity : 0x100000\n"), r.out());
    }

    @Test
    void selfTestSanitizeAndReservations() {
        ToolRun r = run("device-self-test", "-s", "1");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Short Device self-test started\n", r.out());
        r = run("device-self-test", "-s", "3");
        assertEquals(2, r.exit(), r.toString());
        r = run("self-test-log");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Device Self Test Log for NVME device:mock:NVME4J-MOCK-0001\n"
                + "Current operation  : 0\nCurrent Completion : 0%\n"), r.out());
        r = run("sanitize", "-a", "2");
        assertEquals(2, r.exit(), r.toString());
        r = run("sanitize", "-a", "4", "--force");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Sanitize (CRYPTO_ERASE) is not supported by this controller: Identify Controller"
                + " SANICAP = 0x2, bit 0 is 0"), r.err());
        r = run("sanitize", "-a", "2", "--force");
        assertEquals(0, r.exit(), r.toString());
        r = run("sanitize-log");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Sanitize Progress                      (SPROG) :  65535\n"
                + "Sanitize Status                        (SSTAT) :  0\n"), r.out());
        r = run("resv-report", "-n", "1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Reservations is not supported by this controller: Identify Controller ONCS"),
                r.err());
    }

    @Test
    void readToStandardOutputAndRawBinary() throws Exception {
        Path data = dir.resolve("in.bin");
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) 0xA5);
        Files.write(data, block);
        Path backing = dir.resolve("ns.img");
        String[] mock = {"--mock-backing=file", "--mock-file=" + backing, "--mock-capacity=1m", "--mock-lba-size=512"};
        ToolRun r = run(concat(new String[] {"write", "-s", "3", "-z", "512", "-d", data.toString()}, mock));
        assertEquals(0, r.exit(), r.toString());
        r = run(concat(new String[] {"read", "-s", "3", "-z", "512"}, mock));
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(block, r.binary(), "the block on standard output");
        assertEquals("read: Success\n", r.err());
        r = run(concat(new String[] {"write", "-s", "3", "-z", "512"}, mock));
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("standard input has 0 bytes, fewer than the 512 to write; nothing was sent"),
                r.err());
        r = run("id-ctrl", "-b");
        assertEquals(4096, r.binary().length);
        assertEquals("NVME4J-MOCK-0001", new String(r.binary(), 4, 16, StandardCharsets.US_ASCII));
        r = run("smart-log", "-b");
        assertEquals(512, r.binary().length);
        r = run("get-log", "--log-id=3", "--log-len=512", "-b");
        assertEquals(512, r.binary().length);
        r = run("get-feature", "-f", "0x16", "-b");
        assertEquals(512, r.binary().length, r.toString());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
