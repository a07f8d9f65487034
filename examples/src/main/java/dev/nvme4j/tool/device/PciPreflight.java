package dev.nvme4j.tool.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Looks at sysfs for the usual reasons a PCI function cannot be opened through VFIO (absent,
 * bound to another driver, VFIO group node missing) and says how to fix each, in one line.
 * Used to complete the driver's message when that does not already say what to do. Stateless.
 */
public final class PciPreflight {
    /** The repository's setup script, when the tool runs from a checkout's root (as ./nvme4j does). */
    static final Path SETUP_SCRIPT = Path.of("tools/nvme4j-setup");

    private final Path sysfs;
    private final Path dev;

    /** Checks against the real {@code /sys} and {@code /dev}. */
    public PciPreflight() {
        this(Path.of("/sys"), Path.of("/dev"));
    }

    /** Checks against other roots (tests). */
    public PciPreflight(Path sysfs, Path dev) {
        this.sysfs = sysfs;
        this.dev = dev;
    }

    /** The problem with {@code address} and its fix, or empty when nothing is visibly wrong. */
    public Optional<String> diagnose(String address) {
        Path fn = sysfs.resolve("bus/pci/devices").resolve(address);
        if (!Files.exists(fn)) {
            return Optional.of("there is no PCI function " + address + " on this machine (NVMe functions: "
                    + "lspci -D -d ::0108)");
        }
        String driver = linkName(fn.resolve("driver")).orElse(null);
        if (!"vfio-pci".equals(driver)) {
            String bind = Files.isExecutable(SETUP_SCRIPT)
                    ? "sudo " + SETUP_SCRIPT + " bind " + address
                    : "sudo modprobe vfio-pci; echo vfio-pci | sudo tee " + fn + "/driver_override; "
                    + (driver != null ? "echo " + address + " | sudo tee " + fn + "/driver/unbind; " : "")
                    + "echo " + address + " | sudo tee " + sysfs.resolve("bus/pci/drivers_probe");
            return Optional.of(address + " is " + (driver == null ? "not bound to any driver" : "bound to " + driver)
                    + ", not vfio-pci; bind it (its data becomes unreachable for the kernel): " + bind);
        }
        Optional<String> group = linkName(fn.resolve("iommu_group"));
        if (group.isPresent()) {
            Path node = dev.resolve("vfio").resolve(group.get());
            if (!Files.exists(node)) {
                return Optional.of(node + " does not exist: load vfio-pci (sudo modprobe vfio-pci)");
            }
            if (!Files.isReadable(node) || !Files.isWritable(node)) {
                return Optional.of("no permission on " + node + ": sudo chown $USER " + node);
            }
        }
        return Optional.empty();
    }

    /** The NVMe functions of the machine (PCI class 0108h), by address; empty without sysfs. */
    public java.util.List<String> nvmeFunctions() {
        Path devices = sysfs.resolve("bus/pci/devices");
        if (!Files.isDirectory(devices)) {
            return java.util.List.of();
        }
        try (var list = Files.list(devices)) {
            return list.filter(d -> {
                try {
                    return Files.readString(d.resolve("class")).trim().toLowerCase(java.util.Locale.ROOT)
                            .startsWith("0x0108");
                } catch (IOException e) {
                    return false;
                }
            }).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    /** The driver {@code address} is bound to, or empty. */
    public Optional<String> driver(String address) {
        return linkName(sysfs.resolve("bus/pci/devices").resolve(address).resolve("driver"));
    }

    private static Optional<String> linkName(Path link) {
        try {
            return Files.isSymbolicLink(link)
                    ? Optional.of(Files.readSymbolicLink(link).getFileName().toString()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
