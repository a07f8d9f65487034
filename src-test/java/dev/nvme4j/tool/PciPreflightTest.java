package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.tool.device.PciPreflight;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-line diagnosis of a PCI function that cannot be opened, against a fake sysfs. */
class PciPreflightTest {
    @TempDir
    Path root;

    private PciPreflight preflight() {
        return new PciPreflight(root.resolve("sys"), root.resolve("dev"));
    }

    private Path function(String addr, String driver, String group) throws Exception {
        Path fn = Files.createDirectories(root.resolve("sys/bus/pci/devices").resolve(addr));
        if (driver != null) {
            Path drv = Files.createDirectories(root.resolve("sys/bus/pci/drivers").resolve(driver));
            Files.createSymbolicLink(fn.resolve("driver"), drv);
        }
        if (group != null) {
            Path g = Files.createDirectories(root.resolve("sys/kernel/iommu_groups").resolve(group));
            Files.createSymbolicLink(fn.resolve("iommu_group"), g);
        }
        return fn;
    }

    @Test
    void absentFunction() {
        Optional<String> d = preflight().diagnose("0000:01:00.0");
        assertTrue(d.orElseThrow().startsWith("there is no PCI function 0000:01:00.0"), d.toString());
    }

    @Test
    void boundToTheKernelDriverSaysHowToBind() throws Exception {
        function("0000:01:00.0", "nvme", "7");
        String d = preflight().diagnose("0000:01:00.0").orElseThrow();
        assertTrue(d.startsWith("0000:01:00.0 is bound to nvme, not vfio-pci; bind it"), d);
        assertTrue(d.contains("driver_override") && d.contains("/driver/unbind") && d.contains("drivers_probe"), d);
    }

    @Test
    void missingGroupNodeAndAllGood() throws Exception {
        function("0000:02:00.0", "vfio-pci", "12");
        assertEquals(Optional.of(root.resolve("dev/vfio/12") + " does not exist: load vfio-pci (sudo modprobe "
                + "vfio-pci)"), preflight().diagnose("0000:02:00.0"));
        Files.createDirectories(root.resolve("dev/vfio"));
        Files.createFile(root.resolve("dev/vfio/12"));
        assertEquals(Optional.empty(), preflight().diagnose("0000:02:00.0"));
    }
}
