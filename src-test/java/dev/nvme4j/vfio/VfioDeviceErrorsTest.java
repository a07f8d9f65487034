package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The error paths of opening, against the real kernel (inside the test VM, as root): the
 * messages must come out right for the errors the kernel really produces.
 */
@Tag("vfio")
class VfioDeviceErrorsTest {

    private String address;
    private Path device;

    @BeforeEach
    void needDevice() {
        address = System.getenv("NVME4J_PCI");
        assumeTrue(address != null && !address.isBlank(), "NVME4J_PCI not set: no device to test");
        device = Path.of("/sys/bus/pci/devices", address);
    }

    @Test
    void groupHeldByAnotherProcessIsReportedAsBusy() throws Exception {
        String group = Files.readSymbolicLink(device.resolve("iommu_group")).getFileName().toString();
        Process holder = new ProcessBuilder("bash", "-c", "exec 3<>/dev/vfio/" + group + "; echo held; sleep 60")
                .redirectErrorStream(true).start();
        try {
            assertEquals("held", new String(holder.getInputStream().readNBytes(4)));
            VfioException e = assertThrows(VfioException.class, () -> VfioPciFunction.open(address));
            System.out.println("group held elsewhere: " + e.getMessage());
            assertTrue(e.getMessage().contains("in use by another process or container"), e.getMessage());
            assertTrue(!VfioRegistry.system().hasContainer(), "nothing left open");
        } finally {
            holder.destroy();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        VfioPciFunction.open(address).close();
    }

    @Test
    void unboundFunctionShowsTheBindCommandAndOpensAfterBinding() throws IOException {
        write(device.resolve("driver/unbind"), address);
        try {
            VfioException e = assertThrows(VfioException.class, () -> VfioPciFunction.open(address));
            System.out.println("unbound: " + e.getMessage());
            assertTrue(e.getMessage().contains("tools/nvme4j-setup bind " + address), e.getMessage());
        } finally {
            write(device.resolve("driver_override"), "vfio-pci");
            write(Path.of("/sys/bus/pci/drivers_probe"), address);
        }
        try (VfioPciFunction f = VfioPciFunction.open(address)) {
            assertTrue(f.registers().read32(0x08) >>> 16 >= 1);
        }
    }

    private static void write(Path file, String value) throws IOException {
        Files.writeString(file, value + "\n");
    }
}
