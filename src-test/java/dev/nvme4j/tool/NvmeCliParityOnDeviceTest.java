package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code nvme4j id-ctrl/id-ns/smart-log/error-log -o json} through VFIO on QEMU's controller
 * against nvme-cli 2.3's JSON of the same QEMU configuration through the kernel driver (the
 * fixture in {@code resources/nvme-cli/qemu-7.2}, captured with {@code tools/vm-run --kernel-nvme
 * --ns-4k}): every nvme-cli field present with its JSON type, and every Identify value equal. The
 * SMART counters and temperature move between boots, so for the logs only names and types count.
 * Runs in the VM (group "vfio"); skipped elsewhere.
 */
@Tag("vfio")
class NvmeCliParityOnDeviceTest {
    private final ObjectMapper json = new ObjectMapper();
    private String pci;

    @BeforeEach
    void needsTheVm() {
        pci = ToolRun.vmPci();
    }

    private JsonNode tool(String... args) throws Exception {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "-o";
        all[args.length + 1] = "json";
        ToolRun r = ToolRun.onDevice(pci, all);
        assertEquals(0, r.exit(), r.toString());
        return json.readTree(r.out());
    }

    private JsonNode nvmeCli(String name) throws Exception {
        return json.readTree(NvmeCliParityTest.text(name));
    }

    @Test
    void identifyEqualsNvmeCliOnTheSameController() throws Exception {
        NvmeCliParityTest.assertSameJson(nvmeCli("id-ctrl.json"), tool("id-ctrl"), "id-ctrl");
        NvmeCliParityTest.assertSameJson(nvmeCli("id-ns1.json"), tool("id-ns", "--namespace-id=1"), "id-ns 1");
        NvmeCliParityTest.assertSameJson(nvmeCli("id-ns2.json"), tool("id-ns", "--namespace-id=2"), "id-ns 2");
    }

    @Test
    void logPagesHaveNvmeClisFields() throws Exception {
        NvmeCliParityTest.assertSameJson(nvmeCli("smart-log.json"), tool("smart-log"), "smart-log", false);
        NvmeCliParityTest.assertSameJson(nvmeCli("smart-log.H.json"), tool("smart-log", "-H"), "smart-log -H", false);
        NvmeCliParityTest.assertSameJson(nvmeCli("error-log.json"), tool("error-log"), "error-log", false);
    }
}
