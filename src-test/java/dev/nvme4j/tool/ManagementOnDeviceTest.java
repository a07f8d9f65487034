package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Namespace attachment on a QEMU controller in an {@code nvme-subsys} ({@code NVME4J_PCI_SUBSYS},
 * added by tools/vm-test: nsid 1 attached, nsid 2 allocated and detached), the firmware log, and
 * bad input that must change nothing, on QEMU 7.2 through VFIO (group "vfio").
 */
@Tag("vfio")
class ManagementOnDeviceTest {
    @TempDir
    Path dir;

    private static String subsystem() {
        ToolRun.vmPci();
        String pci = System.getenv("NVME4J_PCI_SUBSYS");
        org.junit.jupiter.api.Assumptions.assumeTrue(pci != null && !pci.isBlank(),
                "NVME4J_PCI_SUBSYS not set: needs the controller in an nvme-subsys (tools/vm-test adds one)");
        return pci.trim();
    }

    @Test
    void attachDetachOnASubsystemAndWhatQemuRefuses() throws Exception {
        String pci = subsystem();
        assertEquals("[   0]:0x1\n", ToolRun.onDevice(pci, "list-ns").out());
        assertEquals("[   0]:0x1\n[   1]:0x2\n", ToolRun.onDevice(pci, "list-ns", "--all").out(), "nsid 2 is detached");
        assertEquals("num of ctrls present: 1\n[   0]:0\n", ToolRun.onDevice(pci, "list-ctrl").out(),
                "as nvme-cli 2.3 prints QEMU's subsystem");
        assertEquals("num of ctrls present: 0\n", ToolRun.onDevice(pci, "list-ctrl", "-n", "2").out());
        ToolRun r = ToolRun.onDevice(pci, "attach-ns", "-n", "2");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("attach-ns: Success, nsid:2\n", r.out(), "nvme-cli's line");
        assertEquals("[   0]:0x1\n[   1]:0x2\n", ToolRun.onDevice(pci, "list-ns").out());
        byte[] data = new byte[4096];
        new Random(16).nextBytes(data);
        Path in = dir.resolve("in.bin");
        Files.write(in, data);
        r = ToolRun.onDevice(pci, "write", "-n", "2", "-s", "0", "-c", "7", "-d", in.toString());
        assertEquals(0, r.exit(), r.toString());
        r = ToolRun.onDevice(pci, "detach-ns", "-n", "2", "-c", "0");
        assertEquals("detach-ns: Success, nsid:2\n", r.out(), r.toString());
        assertEquals("[   0]:0x1\n", ToolRun.onDevice(pci, "list-ns").out());
        r = ToolRun.onDevice(pci, "read", "-n", "2", "-s", "0", "-c", "7");
        assertEquals(2, r.exit(), "a detached namespace is not active: " + r);
        // Through the typed API: attach, read back (the data survived the detach), open pair refusal, detach.
        try (Controller c = Nvme.open(pci)) {
            Management m = c.management();
            assertEquals(List.of(0), m.controllers(0));
            m.attachNamespace(2, List.of(m.controllerId()));
            assertEquals(2, c.namespaces().size(), "namespace table rescanned after the attachment");
            try (IoQueuePair qp = c.createQueuePair(); var buf = c.allocateBuffer(4096)) {
                qp.readSync(c.namespace(2), 0, 8, buf);
                assertArrayEquals(data, buf.segment().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                IllegalStateException busy = assertThrows(IllegalStateException.class,
                        () -> m.deleteNamespace(2, Confirm.DESTRUCTIVE));
                assertTrue(busy.getMessage().contains("qid [" + qp.queueId() + "]"), busy.getMessage());
            }
            assertEquals(NvmeStatus.NAMESPACE_ALREADY_ATTACHED, assertThrows(NvmeException.class,
                    () -> m.attachNamespace(2, List.of(0))).nvmeStatus());
            m.detachNamespace(2, List.of(0));
            assertEquals(1, c.namespaces().size());
            assertEquals(NvmeStatus.NAMESPACE_NOT_ATTACHED, assertThrows(NvmeException.class,
                    () -> m.detachNamespace(2, List.of(0))).nvmeStatus());
        }
        // QEMU 7.2 sets OACS bit 3 but implements only the attachment: create and delete are Invalid Command Opcode
        // (as nvme-cli 2.3 reports them), and nothing changes.
        r = ToolRun.onDevice(pci, "create-ns", "--nsze=2048");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("create-ns: NVMe status: Invalid Command Opcode"), r.err());
        r = ToolRun.onDevice(pci, "delete-ns", "-n", "2");
        assertEquals(2, r.exit(), "no --force: " + r);
        r = ToolRun.onDevice(pci, "delete-ns", "-n", "2", "--force");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("delete-ns: NVMe status: Invalid Command Opcode"), r.err());
        assertEquals("[   0]:0x1\n[   1]:0x2\n", ToolRun.onDevice(pci, "list-ns", "--all").out());
    }

    @Test
    void firmwareLogAsNvmeCliAndWhatQemuLacks() throws Exception {
        String pci = ToolRun.vmPci();
        ToolRun r = ToolRun.onDevice(pci, "fw-log");
        assertEquals(0, r.exit(), r.toString());
        // nvme-cli 2.3 through the kernel on the same QEMU printed "afi  : 0x1" and this frs1 line.
        assertEquals("Firmware Log for device:" + pci + "\nafi  : 0x1\nfrs1 : 0x2020202020302e31 (1.0.....)\n", r.out());
        JsonNode j = new ObjectMapper().readTree(ToolRun.onDevice(pci, "fw-log", "-o", "json").out()).get(pci);
        assertEquals(1, j.get("Active Firmware Slot (afi)").asInt());
        assertEquals("2314885530819505713 (1.0.....)", j.get("Firmware Rev Slot 1").asText());
        try (Controller c = Nvme.open(pci)) {
            Management.FirmwareSlots slots = c.management().firmwareSlots();
            assertEquals(1, slots.activeSlot());
            assertEquals("1.0", slots.revisions().get(0));
        }
        Files.write(dir.resolve("fw.bin"), new byte[4096]);
        r = ToolRun.onDevice(pci, "fw-download", "--fw=" + dir.resolve("fw.bin"));
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("Firmware Image Download is not supported by this controller: Identify Controller"
                + " OACS = 0x10a, bit 2 is 0"), r.err());
        r = ToolRun.onDevice(pci, "self-test-log");
        assertTrue(r.err().contains("Device Self-test is not supported by this controller"), r.err());
        r = ToolRun.onDevice(pci, "id-ns-granularity");
        assertTrue(r.err().contains("Namespace Granularity is not supported by this controller: Identify Controller"
                + " CTRATT = 0x8000, bit 7 is 0"), r.err());
        r = ToolRun.onDevice(pci, "sanitize-log");
        assertTrue(r.err().contains("Sanitize is not supported by this controller: Identify Controller SANICAP = 0x0"),
                r.err());
    }

    @Test
    void badInputChangesNothing() throws Exception {
        String pci = ToolRun.vmPci();
        ToolRun r = ToolRun.onDevice(pci, "set-feature", "-f", "0x55", "-v", "1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("feature 0x55 (Unknown), value 0x1: NVMe status: Invalid Field in Command"), r.err());
        r = ToolRun.onDevice(pci, "get-feature", "-f", "0x100");
        assertEquals(2, r.exit(), r.toString());
        String before = ToolRun.onDevice(pci, "id-ns", "-n", "1", "-o", "json").out();
        r = ToolRun.onDevice(pci, "format", "-n", "1", "--lbaf=9", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--lbaf': 9; the namespace has LBA formats 0-"), r.err());
        r = ToolRun.onDevice(pci, "format", "-n", "1", "--lbaf=1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("add --force to confirm (nothing was changed)"), r.err());
        assertEquals(before, ToolRun.onDevice(pci, "id-ns", "-n", "1", "-o", "json").out(), "format unchanged");
        byte[] kept = new byte[4096];
        new Random(7).nextBytes(kept);
        Files.write(dir.resolve("kept.bin"), kept);
        Files.write(dir.resolve("short.bin"), new byte[4095]);
        assertEquals(0, ToolRun.onDevice(pci, "write", "-n", "1", "-s", "120000", "-c", "7", "-d",
                dir.resolve("kept.bin").toString()).exit());
        r = ToolRun.onDevice(pci, "write", "-n", "1", "-s", "120000", "-c", "7", "-z", "4096", "-d",
                dir.resolve("short.bin").toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("has 4095 bytes, fewer than the 4096 to write; nothing was sent"), r.err());
        r = ToolRun.onDevice(pci, "read", "-n", "1", "-s", "120000", "-c", "7");
        assertEquals(0, r.exit(), r.toString());
        assertArrayEquals(kept, r.binary(), "the blocks kept their data (read to standard output)");
    }
}
