package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.DeviceOpener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The tool against a real NVMe function bound to vfio-pci: runs in the throwaway VM
 * ({@code tools/vm-run}, group "vfio"), whose namespaces are scratch images; skipped elsewhere,
 * and never writes outside the VM.
 */
@Tag("vfio")
class ToolOnDeviceTest {
    private final ObjectMapper json = new ObjectMapper();
    private String pci;

    @BeforeEach
    void needsTheVm() {
        pci = System.getenv("NVME4J_PCI");
        assumeTrue(pci != null && "1".equals(System.getenv("NVME4J_VM")),
                "needs NVME4J_PCI inside the nvme4j VM (tools/vm-run)");
    }

    private ToolRun run(String... args) {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--device=" + pci;
        return ToolRun.run(new DeviceOpener(), all);
    }

    @Test
    void identifyAndLogs() throws Exception {
        ToolRun r = run("id-ctrl", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode ctrl = json.readTree(r.out());
        assertTrue(ctrl.get("vid").asInt() != 0);
        assertTrue(ctrl.get("nn").asInt() >= 1);
        r = run("smart-log", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(json.readTree(r.out()).get("temperature").asInt() > 0, "a real controller reports a temperature");
        assertEquals(0, run("error-log").exit());
        assertTrue(run("list").out().contains(pci + "/ns1"));
    }

    @Test
    void benchmarkAndVerify() throws Exception {
        ToolRun r = run("fio", "--rw=randread", "--iodepth=8", "--runtime=1", "--time_based", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(json.readTree(r.out()).get("jobs").get(0).get("read").get("total_ios").asLong() > 0);
        r = run("fio", "--rw=randwrite", "--bs=16k", "--iodepth=4", "--size=4m", "--verify=crc32c", "--mode=irq");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains(", bad=0"), r.out());
    }
}
