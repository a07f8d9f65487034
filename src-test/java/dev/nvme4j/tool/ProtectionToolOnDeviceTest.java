package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.tool.device.DeviceOpener;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The tool on QEMU's namespaces formatted with metadata and protection information (the
 * controller {@code tools/vm-test} names in {@code NVME4J_PCI_PI}): verify runs with PI the driver
 * generates and QEMU checks, and with PI QEMU inserts; id-ns shows the formats. Regions beyond
 * what ProtectionOverVfioTest uses.
 */
@Tag("vfio")
class ProtectionToolOnDeviceTest {
    private String pci;

    @BeforeEach
    void needsTheVm() {
        pci = System.getenv("NVME4J_PCI_PI");
        assumeTrue(pci != null && !pci.isBlank() && "1".equals(System.getenv("NVME4J_VM")),
                "needs NVME4J_PCI_PI inside the nvme4j VM (tools/vm-test)");
    }

    private ToolRun run(String... args) {
        String[] all = new String[args.length + 1];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--device=" + pci.trim();
        return ToolRun.run(new DeviceOpener(), all);
    }

    @Test
    void verifyWithHostPiOnSeparateMetadata() {
        ToolRun r = run("fio", "--ns=2", "--rw=randwrite", "--bs=8k", "--iodepth=8", "--offset=1m", "--size=512k",
                "--verify=crc32c");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify       : crc32c, blocks=1024, bad=0"), r.out());
    }

    @Test
    void verifyWithControllerInsertedPi() {
        ToolRun r = run("fio", "--ns=3", "--rw=randwrite", "--bs=16k", "--iodepth=4", "--offset=3m", "--size=512k",
                "--verify=crc32c", "--pi=controller", "--pi-check=guard,app,ref");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify       : crc32c, blocks=128, bad=0"), r.out());
    }

    @Test
    void idNsShowsMetadataSizeAndProtectionSettings() {
        ToolRun r = run("id-ns", "--ns=1");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("(?s).*dps\\s*:\\s*0x9\\b.*"), r.out());
        assertTrue(r.out().matches("(?s).*ms:8\\s+lbads:9\\s+rp:0 \\(in use\\).*"), r.out());
    }
}
