package dev.nvme4j.vfio;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * What VFIO setup needs from sysfs: a function's driver and IOMMU group, and the other members
 * of a group. The root is injectable so tests can lay out a fake tree in a temp directory.
 *
 * <p>Stateless apart from the root; thread-safe.
 */
public final class Sysfs {

    /** The name the kernel gives to groups created by VFIO's no-IOMMU mode. */
    static final String NOIOMMU_GROUP_NAME = "vfio-noiommu";

    private final Path root;

    /** @param root the sysfs mount point, {@code /sys} on a real system */
    public Sysfs(Path root) {
        this.root = root;
    }

    /** {@return sysfs at /sys} */
    public static Sysfs system() {
        return new Sysfs(Path.of("/sys"));
    }

    public Path root() {
        return root;
    }

    /** {@return the function's directory, {@code /sys/bus/pci/devices/<addr>}} */
    public Path device(PciAddress address) {
        return root.resolve("bus/pci/devices").resolve(address.value());
    }

    public boolean exists(PciAddress address) {
        return Files.isDirectory(device(address));
    }

    /** {@return the name of the bound driver (the {@code driver} link's target), empty if none} */
    public Optional<String> driver(PciAddress address) {
        return linkTargetName(device(address).resolve("driver"));
    }

    /** {@return the IOMMU group number (the {@code iommu_group} link's target), empty if the function has none} */
    public OptionalInt iommuGroup(PciAddress address) {
        Optional<String> name = linkTargetName(device(address).resolve("iommu_group"));
        if (name.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(name.get()));
        } catch (NumberFormatException e) {
            throw new VfioException("unexpected IOMMU group name '" + name.get() + "' for " + address);
        }
    }

    /** {@return whether the group was created by VFIO's no-IOMMU mode (its name is "vfio-noiommu")} */
    public boolean isNoIommuGroup(int group) {
        Path name = groupDir(group).resolve("name");
        try {
            return Files.isRegularFile(name) && Files.readString(name).trim().equals(NOIOMMU_GROUP_NAME);
        } catch (IOException e) {
            return false;
        }
    }

    /** {@return the PCI addresses of every device in the group, sorted} */
    public List<String> groupDevices(int group) {
        Path devices = groupDir(group).resolve("devices");
        if (!Files.isDirectory(devices)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(devices)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + devices, e);
        }
    }

    private Path groupDir(int group) {
        return root.resolve("kernel/iommu_groups").resolve(Integer.toString(group));
    }

    private static Optional<String> linkTargetName(Path link) {
        try {
            if (!Files.isSymbolicLink(link)) {
                return Optional.empty();
            }
            Path target = Files.readSymbolicLink(link).getFileName();
            return target == null ? Optional.empty() : Optional.of(target.toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
