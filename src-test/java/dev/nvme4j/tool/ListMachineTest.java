package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.ControllerSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nvme4j list} without --device: every NVMe function of a (fake) sysfs, like {@code nvme list}. */
class ListMachineTest {
    @TempDir
    Path root;

    private void function(String addr, String pciClass, String driver) throws Exception {
        Path fn = Files.createDirectories(root.resolve("bus/pci/devices").resolve(addr));
        Files.writeString(fn.resolve("class"), pciClass + "\n");
        if (driver != null) {
            Path drv = Files.createDirectories(root.resolve("bus/pci/drivers").resolve(driver));
            Files.createSymbolicLink(fn.resolve("driver"), drv);
        }
    }

    @Test
    void listsVfioFunctionsNamespacesAndTellsHowToBindTheOthers() throws Exception {
        function("0000:01:00.0", "0x010802", "vfio-pci");
        function("0000:02:00.0", "0x010802", "nvme");
        function("0000:03:00.0", "0x010802", null);
        function("0000:04:00.0", "0x020000", "e1000e");
        List<String> opened = new ArrayList<>();
        ControllerSource source = (d, o) -> {
            opened.add(d.device);
            return new FakeController(4096, 4096);
        };
        ToolRun r = ToolRun.run(source, "list", "--sysfs-root=" + root);
        assertEquals(0, r.exit(), r.toString());
        assertEquals(List.of("0000:01:00.0"), opened, "only the vfio-bound function is opened");
        assertTrue(r.out().contains("fake/ns1"), r.out());
        assertTrue(r.out().contains("0000:02:00.0  driver nvme: 0000:02:00.0 is bound to nvme, not vfio-pci; bind it"),
                r.out());
        assertTrue(r.out().contains("0000:03:00.0  driver none: 0000:03:00.0 is not bound to any driver"), r.out());
        assertTrue(!r.out().contains("0000:04:00.0"), "not an NVMe function: " + r.out());

        r = ToolRun.run(source, "list", "--sysfs-root=" + root, "-o", "json");
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(1, n.get("Devices").size());
        assertEquals(2, n.get("Other").size());
        assertEquals("nvme", n.get("Other").get(0).get("Driver").asText());
    }

    @Test
    void noNvmeFunctionSaysSo() {
        ToolRun r = ToolRun.run((d, o) -> {
            throw new AssertionError("nothing to open");
        }, "list", "--sysfs-root=" + root);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("No NVMe PCI function on this machine"), r.out());
    }
}
