package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nvme-cli style commands on QEMU's controller through VFIO (group "vfio", in the VM whose
 * namespaces are scratch images; nsid 2 is the 4 KiB namespace of {@code --ns-4k}).
 */
@Tag("vfio")
class AdminCommandsOnDeviceTest {
    private String pci;

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheVm() {
        pci = ToolRun.vmPci();
    }

    private ToolRun run(String... args) {
        return ToolRun.onDevice(pci, args);
    }

    @Test
    void volatileWriteCacheRoundTrip() {
        ToolRun r = run("set-feature", "-f", "6", "-v", "0");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("get-feature:0x06 (Volatile Write Cache), Current value:00000000\n",
                run("get-feature", "-f", "6").out());
        assertEquals(0, run("set-feature", "-f", "6", "-v", "1").exit());
        assertEquals("get-feature:0x06 (Volatile Write Cache), Current value:0x00000001\n",
                run("get-feature", "-f", "6").out());
    }

    @Test
    void formatTo512ThenVerify4KiBIoAndBack() throws Exception {
        ToolRun r = run("format", "-n", "2", "--lbaf=0", "--force");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("Success formatting namespace:2\n", r.out());
        assertEquals(0, new ObjectMapper().readTree(run("id-ns", "-n", "2", "-o", "json").out()).get("flbas").asInt());
        assertTrue(run("id-ns", "-n", "2").out().contains("lbaf  0 : ms:0   lbads:9  rp:0 (in use)"));
        byte[] data = new byte[4096];
        new Random(3).nextBytes(data);
        Path in = dir.resolve("in.bin");
        Path out = dir.resolve("out.bin");
        Files.write(in, data);
        r = run("write", "-n", "2", "-s", "8", "-c", "7", "-d", in.toString());
        assertEquals(0, r.exit(), r.toString());
        r = run("read", "-n", "2", "-s", "8", "-c", "7", "-d", out.toString());
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(data, Files.readAllBytes(out));
        r = run("compare", "-n", "2", "-s", "8", "-c", "7", "-d", in.toString());
        assertEquals(0, r.exit(), "QEMU supports Compare (ONCS bit 0): " + r);
        r = run("compare", "-n", "2", "-s", "9", "-c", "7", "-d", in.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Compare Failure"), r.err());
        assertEquals(0, run("flush", "-n", "2").exit());
        assertEquals(0, run("format", "-n", "2", "--block-size=4096", "--force").exit());
        assertTrue(run("id-ns", "-n", "2").out().contains("lbads:12 rp:0 (in use)"));
    }

    @Test
    void logAndNamespaceList() {
        ToolRun r = run("get-log", "--log-id=2", "--log-len=16");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().startsWith("Device:" + pci + " log-id:2 namespace-id:0xffffffff\n"), r.out());
        r = run("list-ns");
        assertTrue(r.out().startsWith("[   0]:0x1\n[   1]:0x2\n"), r.out());
    }
}
