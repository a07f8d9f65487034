package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The guest side of {@code tools/vm-run --hotplug}: asks the host, through a request file in
 * {@code NVME4J_VM_CTL} on the shared /tmp, to hot-unplug or re-plug the controller at
 * {@code NVME4J_PCI_HOTPLUG} (QEMU {@code device_del}/{@code device_add} on its PCIe root port),
 * and the sysfs steps around it: binding a returned function to vfio-pci, unbinding, removing and
 * rescanning. Outside such a VM every test using it is skipped.
 */
final class VmHotplug {
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Path SYS_PCI = Path.of("/sys/bus/pci");

    private VmHotplug() {
    }

    /** The hot-pluggable controller's address; skips the test outside {@code vm-run --hotplug}. */
    static String address() {
        VmDevices.first();
        String address = System.getenv("NVME4J_PCI_HOTPLUG");
        assumeTrue(address != null && !address.isBlank() && System.getenv("NVME4J_VM_CTL") != null,
                "NVME4J_PCI_HOTPLUG / NVME4J_VM_CTL not set: needs a hot-pluggable controller (tools/vm-run --hotplug)");
        return address.trim();
    }

    /**
     * Asks the host for {@code unplug} (returns once QEMU reports the device deleted, i.e. the
     * guest let it go) or {@code replug}; fails the test on the host's error or after 60 s.
     *
     * @return the host's milliseconds from the request to the result
     */
    static long request(String action) {
        Path ctl = Path.of(System.getenv("NVME4J_VM_CTL"));
        String base = String.format("%019d-%d-%s", System.nanoTime(), SEQUENCE.incrementAndGet(), action);
        try {
            Path tmp = ctl.resolve(base + ".tmp");
            Files.writeString(tmp, action + "\n");
            Files.move(tmp, ctl.resolve(base + ".req"), StandardCopyOption.ATOMIC_MOVE);
            Path done = ctl.resolve(base + ".done");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(done)) {
                assertTrue(System.nanoTime() < deadline, "no answer from the host's hot-plug helper within 60 s to "
                        + action + " (tools/vm-run --hotplug starts it; see its log in the console output)");
                Thread.sleep(20);
            }
            String answer = Files.readString(done).strip();
            assertTrue(answer.startsWith("ok "), "host: " + action + ": " + answer);
            return Long.parseLong(answer.substring(3).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + action, e);
        }
    }

    static boolean present(String address) {
        return Files.exists(device(address));
    }

    /** {@return the driver the function is bound to, or "" when none} */
    static String driver(String address) {
        try {
            return Files.readSymbolicLink(device(address).resolve("driver")).getFileName().toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits (bounded) for the function to appear and binds it to vfio-pci (driver_override, drivers_probe). */
    static void bindToVfio(String address) {
        waitFor(() -> present(address), address + " to appear");
        if (driver(address).equals("vfio-pci")) {
            return;
        }
        write(device(address).resolve("driver_override"), "vfio-pci");
        write(SYS_PCI.resolve("drivers_probe"), address);
        waitFor(() -> driver(address).equals("vfio-pci"), address + " to bind to vfio-pci");
        // The group node appears with the binding.
        waitFor(() -> {
            try {
                String group = Files.readSymbolicLink(device(address).resolve("iommu_group")).getFileName().toString();
                return Files.exists(Path.of("/dev/vfio", group));
            } catch (IOException e) {
                return false;
            }
        }, "the VFIO group node of " + address);
    }

    /** Makes sure the controller is plugged in and bound to vfio-pci (after a test that left it otherwise). */
    static void ensurePluggedAndBound(String address) {
        if (!present(address)) {
            write(SYS_PCI.resolve("rescan"), "1");
            sleep(300);
        }
        if (!present(address)) {
            request("replug");
        }
        bindToVfio(address);
        assertEquals("vfio-pci", driver(address));
    }

    /** Unbinds the function from vfio-pci through sysfs; blocks until the driver let it go. */
    static void unbindFromVfio(String address) {
        write(SYS_PCI.resolve("drivers/vfio-pci/unbind"), address);
    }

    /** Removes the function through sysfs ({@code .../remove}); blocks until the driver let it go. */
    static void removeThroughSysfs(String address) {
        write(device(address).resolve("remove"), "1");
    }

    /** Rescans the PCI bus; a removed function that is still in the machine comes back unbound. */
    static void rescan() {
        write(SYS_PCI.resolve("rescan"), "1");
    }

    private static Path device(String address) {
        return SYS_PCI.resolve("devices").resolve(address);
    }

    private static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing '" + value + "' to " + file, e);
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out after 20 s waiting for " + what);
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
