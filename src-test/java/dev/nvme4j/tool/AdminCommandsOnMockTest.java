package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.DeviceOpener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** get-feature, set-feature, get-log, list-ns, read, write, compare, write-zeroes, dsm, flush on the mock. */
class AdminCommandsOnMockTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    /** The same mock namespace for several runs: backed by a file in the temp dir. */
    private ToolRun onFile(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--mock-backing=file";
        all[args.length + 1] = "--mock-file=" + dir.resolve("ns.img");
        all[args.length + 2] = "--mock-capacity=1m";
        all[args.length + 3] = "--mock-lba-size=512";
        return run(all);
    }

    @Test
    void getFeatureLikeNvmeCli() throws Exception {
        ToolRun r = run("get-feature", "-f", "6");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("get-feature:0x06 (Volatile Write Cache), Current value:0x00000001\n", r.out());
        r = run("get-feature", "--feature-id=0x07", "-H");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("get-feature:0x07 (Number of Queues), Current value:"), r.out());
        assertTrue(r.out().contains("\tNumber of IO Submission Queues Allocated (NSQA): "), r.out());
        r = run("get-feature", "-f", "6", "--sel=3");
        assertTrue(r.out().contains("Supported capabilities value:") && r.out().contains("Feature is changeable"),
                r.out());
        r = run("get-feature", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode all = json.readTree(r.out()).get("features");
        assertTrue(all.size() >= 5, "every feature the mock has: " + r.out());
        JsonNode vwc = null;
        for (JsonNode f : all) {
            vwc = f.get("feature_id").asInt() == 6 ? f : vwc;
        }
        assertEquals("Volatile Write Cache", vwc.get("name").asText(), r.out());
        assertEquals(1, vwc.get("value").asInt(), r.out());
        // Host Behavior Support transfers 512 bytes: listed only when the tool gives it a buffer.
        boolean hostBehavior = false;
        for (JsonNode f : all) {
            hostBehavior |= f.get("feature_id").asInt() == 0x16;
        }
        assertTrue(hostBehavior, "Host Behavior Support listed: " + r.out());
    }

    @Test
    void getFeatureBadInput() {
        ToolRun r = run("get-feature", "-f", "0x100");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--feature-id': 0x100 is not a feature identifier"), r.err());
        r = run("get-feature", "-f", "0x55");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("feature 0x55 (Unknown): NVMe status: Invalid Field in Command"), r.err());
        r = run("get-feature", "-f", "six");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'six' is not a number"), r.err());
    }

    @Test
    void setFeatureLikeNvmeCli() {
        ToolRun r = run("set-feature", "-f", "6", "-v", "0");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("set-feature:0x06 (Volatile Write Cache), value:00000000, cdw12:00000000, save:0\n", r.out());
        r = run("set-feature", "--feature-id=6", "--value=1", "--save");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Feature Identifier Not Saveable"), r.err());
        r = run("set-feature", "-f", "6");
        assertEquals(0, r.exit(), "--value defaults to 0, as in nvme-cli: " + r);
        assertEquals("set-feature:0x06 (Volatile Write Cache), value:00000000, cdw12:00000000, save:0\n", r.out());
    }

    @Test
    void getLogDumpsThePage() {
        ToolRun r = run("get-log", "--log-id=2", "--log-len=16");
        assertEquals(0, r.exit(), r.toString());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("Device:mock\\S* log-id:2 namespace-id:0xffffffff"), lines[0]);
        assertEquals("       0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f", lines[1]);
        assertTrue(lines[2].startsWith("0000: 00 "), r.out());
        assertEquals(3, lines.length);
        r = run("get-log", "--log-id=2", "--log-len=6");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--log-len': 6 (a positive multiple of 4"), r.err());
        r = run("get-log", "--log-id=0x99", "--log-len=16");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid Log Page"), r.err());
    }

    @Test
    void listNs() throws Exception {
        ToolRun r = run("list-ns", "--mock-namespaces=3");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("[   0]:0x1\n[   1]:0x2\n[   2]:0x3\n", r.out());
        r = run("list-ns", "--mock-namespaces=2", "-o", "json");
        JsonNode ids = json.readTree(r.out()).get("nsid_list");
        assertEquals(2, ids.size());
        assertEquals(2, ids.get(1).get("nsid").asInt());
        r = run("list-ns", "--mock-namespaces=3", "--csi=0", "-n", "2");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("[   0]:0x2\n[   1]:0x3\n", r.out(), "the NVM namespaces from NSID 2 (Identify CNS 07h)");
        r = run("list-ns", "--mock-namespaces=2", "-y", "0", "--all");
        assertEquals("[   0]:0x1\n[   1]:0x2\n", r.out(), "CNS 1Ah");
        r = run("list-ns", "--csi=2");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("list-ns: NVMe status: Invalid Field in Command"), "the mock has only the NVM"
                + " Command Set: " + r.err());
    }

    @Test
    void writeThenReadBackWithDataFiles() throws Exception {
        byte[] data = new byte[4 * 512];
        new Random(7).nextBytes(data);
        Path in = dir.resolve("in.bin");
        Files.write(in, data);
        ToolRun r = onFile("write", "--start-block=8", "--block-count=3", "--data-size=2048", "--data=" + in);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("write: Success\n", r.err());
        Path out = dir.resolve("out.bin");
        r = onFile("read", "-s", "8", "-c", "3", "-d", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(data, Files.readAllBytes(out));
        r = onFile("write-zeroes", "-s", "9", "-c", "0");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("NVME Write Zeroes Success\n", r.out());
        r = onFile("dsm", "--slbs=10", "--blocks=1", "--ad");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("NVMe DSM: success\n", r.out());
        assertEquals(0, onFile("read", "-s", "8", "-c", "3", "-d", out.toString()).exit());
        byte[] back = Files.readAllBytes(out);
        for (int i = 512; i < 1536; i++) {
            assertEquals(0, back[i], "zeroed or deallocated block reads zeros at byte " + i);
        }
        assertEquals(data[1536], back[1536]);
        r = onFile("dsm", "--slbs=11", "--blocks=1", "--cdw11=1", "--ctx-attrs=0x5");
        assertEquals(0, r.exit(), "--cdw11 1: Integral Dataset for Read only, nothing deallocated: " + r);
        assertEquals(0, onFile("read", "-s", "11", "-d", out.toString()).exit());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1536, 2048), Files.readAllBytes(out));
        r = onFile("dsm", "-s", "11", "-b", "1", "-c", "4");
        assertEquals(0, r.exit(), "--cdw11 4: Attribute Deallocate: " + r);
        assertEquals(0, onFile("read", "-s", "11", "-d", out.toString()).exit());
        assertArrayEquals(new byte[512], Files.readAllBytes(out), "deallocated by --cdw11");
        r = onFile("dsm", "-s", "11", "-b", "1", "-a", "1,2");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--ctx-attrs has 2 entries for 1 ranges"), r.err());
        r = onFile("flush");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("NVMe Flush: success\n", r.out());
    }

    @Test
    void writeRefusesAShortFileAndChangesNothing() throws Exception {
        Path in = dir.resolve("short.bin");
        byte[] some = new byte[1000];
        java.util.Arrays.fill(some, (byte) 0x5a);
        Files.write(in, some);
        ToolRun r = onFile("write", "-s", "0", "-c", "1", "-d", in.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("has 1000 bytes, fewer than the 1024 to write; nothing was sent"), r.err());
        Path out = dir.resolve("out.bin");
        assertEquals(0, onFile("read", "-s", "0", "-c", "1", "-d", out.toString()).exit());
        assertArrayEquals(new byte[1024], Files.readAllBytes(out), "nothing written");
        r = onFile("write", "-s", "0", "-c", "1", "-z", "512", "-d", in.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--data-size 512 is less than the 2 block(s) of 512 bytes"), r.err());
        r = onFile("read", "-s", "2047", "-c", "1", "-d", out.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("outside namespace 1 (2048 blocks"), r.err());
    }

    @Test
    void compareIsNotSupportedByTheMock() throws Exception {
        Path in = dir.resolve("in.bin");
        Files.write(in, new byte[4096]);
        ToolRun r = run("compare", "-d", in.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("compare: Compare is not supported by this controller: Identify Controller "
                + "ONCS = 0xc, bit 0 is 0"), r.err());
    }

    @Test
    void formatNeedsForceAndAValidFormat() {
        ToolRun r = run("format", "--lbaf=2");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("add --force to confirm (nothing was changed)"), r.err());
        r = run("format", "--lbaf=7", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--lbaf': 7; the namespace has LBA formats 0-4"), r.err());
        r = run("format", "--lbaf=1", "--block-size=512", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid specification of both LBAF and Block Size"), r.err());
        r = run("format", "--block-size=512", "--force", "--mock-lba-size=4096");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Success formatting namespace:1\n", r.out());
        r = run("format", "-n", "1", "-l", "4", "--ses=1", "--force");
        assertEquals(0, r.exit(), r.toString());
    }

    @Test
    void passthru() throws Exception {
        ToolRun r = run("admin-passthru", "--opcode=0x06", "--cdw10=1", "--data-len=4096");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("       0  1"), r.out());
        assertEquals("Admin Command Identify is Success and result: 0x00000000\n", r.err(), "as nvme-cli 2.3");
        assertTrue(r.out().contains("0000: 56 4e"), "Identify Controller starts with the mock VID 0x4e56, little-endian");
        r = run("admin-passthru", "--opcode=0xff");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid Command Opcode"), r.err());
        r = run("io-passthru", "--opcode=0", "-n", "1");
        assertEquals(0, r.exit(), "a Flush: " + r);
        Path in = dir.resolve("p.bin");
        Files.write(in, new byte[100]);
        r = run("io-passthru", "--opcode=1", "-n", "1", "--data-len=4096", "--input-file=" + in);
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("has 100 bytes, fewer than --data-len 4096; nothing was sent"), r.err());
        r = run("admin-passthru", "-o", "0x06", "-4", "1", "-l", "4096", "-b");
        assertEquals(4096, r.binary().length, "-b: the data read, raw");
        r = run("admin-passthru", "-o", "0x06", "-4", "1", "-l", "4096", "--dry-run");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("opcode       : 06\nflags        : 00\nrsvd1        : 0000\nnsid         : 00000000\n"),
                r.out());
        assertTrue(r.out().contains("cdw10        : 00000001\n") && r.err().isEmpty(), "nothing sent: " + r);
        r = run("admin-passthru", "-o", "0xc0", "-l", "512");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("data direction not given: opcode 0xc0 has bits 1:0 00b; add --read or --write"),
                r.err());
        r = run("io-passthru", "-o", "0", "-n", "1", "-T");
        assertTrue(r.out().matches("IO Command Flush latency: \\d+ us\n"), r.out());
        assertEquals("IO Command Flush is Success and result: 0x00000000\n", r.err());
    }
}
