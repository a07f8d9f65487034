package dev.nvme4j.vfio;

import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioIoctls;
import dev.nvme4j.sys.VfioStructs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's VFIO state: one container and the groups attached to it, keyed by group
 * number and reference counted, so that several functions (also several functions of one
 * group) can be open at once. VFIO allows a group to be opened only once, which is why the
 * group objects must be shared rather than opened per function.
 *
 * <p>The setup sequence follows the kernel's {@code Documentation/driver-api/vfio.rst}:
 * open the container, check the API version and the type1v2 extension, open the group, check
 * it is viable, attach it to the container, set the IOMMU type (once, after the first group),
 * then get the device fd.
 *
 * <p>Thread-safe: opening and releasing are synchronized.
 */
public final class VfioRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(VfioRegistry.class);
    private static final String VFIO_PCI = "vfio-pci";
    /** Bit 14 of the capability sets: CAP_IPC_LOCK, which exempts a process from RLIMIT_MEMLOCK. */
    private static final int CAP_IPC_LOCK = 14;

    private static final class Holder {
        static final VfioRegistry SYSTEM = new VfioRegistry(LibC.system(), Sysfs.system(), "/dev/vfio",
                () -> hasCapIpcLock(Path.of("/proc/self/status")), Pagemap.self()::physicalAddress);
    }

    private final LibC libc;
    private final Sysfs sysfs;
    private final String vfioDir;
    private final BooleanSupplier ipcLockCapable;
    private final LongUnaryOperator physicalAddress;
    private final Map<Integer, VfioGroup> groups = new HashMap<>();
    private final Set<PciAddress> openFunctions = new HashSet<>();
    private VfioContainer container;

    /**
     * @param vfioDir        where the VFIO nodes are, {@code /dev/vfio}
     * @param ipcLockCapable whether the process has CAP_IPC_LOCK (not bound by the memlock limit)
     */
    public VfioRegistry(LibC libc, Sysfs sysfs, String vfioDir, BooleanSupplier ipcLockCapable) {
        this(libc, sysfs, vfioDir, ipcLockCapable, Pagemap.self()::physicalAddress);
    }

    /** @param physicalAddress virtual to physical translation, for no-IOMMU mode only */
    VfioRegistry(LibC libc, Sysfs sysfs, String vfioDir, BooleanSupplier ipcLockCapable,
            LongUnaryOperator physicalAddress) {
        this.libc = libc;
        this.sysfs = sysfs;
        this.vfioDir = vfioDir;
        this.ipcLockCapable = ipcLockCapable;
        this.physicalAddress = physicalAddress;
    }

    /** {@return the registry of this process, over the real kernel} */
    public static VfioRegistry system() {
        return Holder.SYSTEM;
    }

    /**
     * Opens the function at {@code address}, which must be bound to vfio-pci.
     *
     * @throws IllegalArgumentException when {@code address} is not a PCI address
     * @throws VfioException with the reason and the fix when the function cannot be opened
     */
    public synchronized VfioPciFunction open(String address, VfioOptions options) {
        PciAddress pci = PciAddress.parse(address);
        if (openFunctions.contains(pci)) {
            throw new VfioException(pci + " is already open in this process; close it first");
        }
        checkBoundToVfioPci(pci);
        int groupNumber = iommuGroupOf(pci, options);
        VfioGroup group = acquireGroup(pci, groupNumber, options);
        int deviceFd;
        try {
            deviceFd = VfioStructs.deviceFd(libc, group.fd(), pci.value());
        } catch (NativeException e) {
            releaseGroup(group);
            throw new VfioException("cannot get the VFIO device fd of " + pci + " from group " + groupNumber
                    + ": " + e.getMessage(), e);
        }
        openFunctions.add(pci);
        try {
            return VfioPciFunction.setUp(this, libc, pci, group, container, deviceFd, options);
        } catch (RuntimeException e) {
            openFunctions.remove(pci);
            closeQuietly(deviceFd, "device " + pci);
            releaseGroup(group);
            throw e;
        }
    }

    /** Gives back what {@link #open} took for a function; called once by its close(). */
    synchronized void release(PciAddress address, VfioGroup group) {
        openFunctions.remove(address);
        releaseGroup(group);
    }

    /** {@return the number of groups currently attached (for tests and diagnostics)} */
    public synchronized int attachedGroupCount() {
        return groups.size();
    }

    /** {@return whether a container is open} */
    public synchronized boolean hasContainer() {
        return container != null;
    }

    private void checkBoundToVfioPci(PciAddress pci) {
        if (!sysfs.exists(pci)) {
            throw new VfioException("no PCI function " + pci + " (" + sysfs.device(pci) + " does not exist);"
                    + " list the NVMe functions with: tools/nvme4j-setup list");
        }
        Optional<String> driver = sysfs.driver(pci);
        if (driver.isPresent() && driver.get().equals(VFIO_PCI)) {
            return;
        }
        String dev = "/sys/bus/pci/devices/" + pci;
        StringBuilder msg = new StringBuilder()
                .append(pci).append(driver.map(d -> " is bound to " + d + ", not to vfio-pci")
                        .orElse(" is not bound to any driver; it must be bound to vfio-pci"))
                .append(driver.filter(d -> d.equals("nvme")).map(d -> " (its namespaces are in use by the kernel's"
                        + " NVMe driver: unmount them first)").orElse(""))
                .append(". Bind it (as root) with:\n  tools/nvme4j-setup bind ").append(pci)
                .append("\nor by hand:\n  modprobe vfio-pci\n  echo vfio-pci > ").append(dev).append("/driver_override\n");
        if (driver.isPresent()) {
            msg.append("  echo ").append(pci).append(" > ").append(dev).append("/driver/unbind\n");
        }
        msg.append("  echo ").append(pci).append(" > /sys/bus/pci/drivers_probe");
        throw new VfioException(msg.toString());
    }

    private int iommuGroupOf(PciAddress pci, VfioOptions options) {
        OptionalInt group = sysfs.iommuGroup(pci);
        if (group.isEmpty()) {
            throw new VfioException(pci + " has no IOMMU group: the IOMMU is off or absent. Enable it"
                    + " (VT-d / AMD-Vi in the firmware, intel_iommu=on or amd_iommu=on on the kernel command line)"
                    + " and reboot. For test machines without an IOMMU only: load vfio with"
                    + " enable_unsafe_noiommu_mode=1 and set ControllerOptions.unsafeNoIommu(true)");
        }
        int n = group.getAsInt();
        if (sysfs.isNoIommuGroup(n) && !options.unsafeNoIommu()) {
            throw new VfioException(pci + " is in a VFIO no-IOMMU group (" + vfioDir + "/noiommu-" + n + "):"
                    + " without an IOMMU the device can read and write all memory of the machine. nvme4j refuses"
                    + " that unless ControllerOptions.unsafeNoIommu(true) is set; prefer enabling the IOMMU"
                    + " (intel_iommu=on or amd_iommu=on)");
        }
        return n;
    }

    private VfioGroup acquireGroup(PciAddress pci, int number, VfioOptions options) {
        VfioGroup group = groups.get(number);
        if (group != null) {
            group.retain();
            return group;
        }
        boolean noIommu = sysfs.isNoIommuGroup(number);
        int type = noIommu ? VfioStructs.VFIO_NOIOMMU_IOMMU : VfioStructs.VFIO_TYPE1v2_IOMMU;
        boolean newContainer = container == null;
        if (newContainer) {
            container = openContainer(type);
        } else if (container.iommuType() != type) {
            throw new VfioException("cannot use " + pci + " (group " + number + (noIommu ? ", no-IOMMU" : "")
                    + ") together with the functions already open: one process uses either the IOMMU or no-IOMMU mode");
        }
        String path = vfioDir + "/" + (noIommu ? "noiommu-" : "") + number;
        int fd = openGroupNode(pci, number, path);
        try {
            checkViable(pci, number, fd);
            VfioStructs.setContainer(libc, fd, container.fd());
            if (container.iommuType() == 0) {
                container.setIommu(type);
            }
        } catch (RuntimeException e) {
            closeQuietly(fd, path);
            if (groups.isEmpty()) {
                container.close();
                container = null;
            }
            throw e instanceof NativeException ne
                    ? new VfioException("setting up IOMMU group " + number + " of " + pci + ": " + ne.getMessage(), ne)
                    : e;
        }
        group = new VfioGroup(number, fd, noIommu);
        group.retain();
        groups.put(number, group);
        LOG.debug("attached {} to the VFIO container", group);
        return group;
    }

    private VfioContainer openContainer(int type) {
        String path = vfioDir + "/vfio";
        int fd;
        try {
            fd = libc.open(path, VfioStructs.O_RDWR | VfioStructs.O_CLOEXEC);
        } catch (NativeException e) {
            throw new VfioException(e.errno() == NativeException.ENOENT
                    ? path + " does not exist: load the VFIO modules (modprobe vfio-pci)"
                    : "cannot open " + path + ": " + e.getMessage(), e);
        }
        try {
            int version = libc.ioctl(fd, VfioIoctls.VFIO_GET_API_VERSION, 0L);
            if (version != VfioStructs.VFIO_API_VERSION) {
                throw new VfioException("unknown VFIO API version " + version + " (expected "
                        + VfioStructs.VFIO_API_VERSION + ")");
            }
            if (libc.ioctl(fd, VfioIoctls.VFIO_CHECK_EXTENSION, (long) type) <= 0) {
                throw new VfioException(type == VfioStructs.VFIO_TYPE1v2_IOMMU
                        ? "the kernel's VFIO does not support the type1v2 IOMMU (vfio_iommu_type1 module missing?)"
                        : "the kernel's VFIO does not offer no-IOMMU mode (load vfio with enable_unsafe_noiommu_mode=1)");
            }
        } catch (RuntimeException e) {
            closeQuietly(fd, path);
            throw e instanceof NativeException ne ? new VfioException("checking " + path + ": " + ne.getMessage(), ne) : e;
        }
        return new VfioContainer(libc, fd, ipcLockCapable, physicalAddress);
    }

    private int openGroupNode(PciAddress pci, int number, String path) {
        try {
            return libc.open(path, VfioStructs.O_RDWR | VfioStructs.O_CLOEXEC);
        } catch (NativeException e) {
            String why;
            if (e.errno() == NativeException.EPERM || e.errno() == NativeException.EACCES) {
                why = "permission denied: run as root, or give the user the group node (chown $USER " + path
                        + ") and a memlock limit large enough for the DMA memory";
            } else if (e.errno() == NativeException.ENOENT) {
                why = "IOMMU group " + number + " has no VFIO node: is the vfio-pci module loaded and " + pci
                        + " bound to it? (tools/nvme4j-setup bind " + pci + ")";
            } else if (e.errno() == NativeException.EBUSY) {
                why = "IOMMU group " + number + " is in use by another process or container (a group can be open"
                        + " in one process at a time; check for a VM or another nvme4j/SPDK process: fuser " + path + ")";
            } else {
                why = e.getMessage();
            }
            groupsEmptyCleanup();
            throw new VfioException("cannot open " + path + " for " + pci + ": " + why, e);
        }
    }

    private void checkViable(PciAddress pci, int number, int fd) {
        int flags = VfioStructs.groupStatus(libc, fd);
        if ((flags & VfioStructs.GROUP_FLAGS_VIABLE) != 0) {
            return;
        }
        List<String> others = sysfs.groupDevices(number).stream().filter(a -> !a.equals(pci.value())).toList();
        String listed = others.stream()
                .map(a -> a + " (" + driverOf(a) + ")")
                .collect(Collectors.joining(", "));
        throw new VfioException("IOMMU group " + number + " of " + pci + " is not viable: every device in a group"
                + " must be bound to vfio-pci or to no driver before the group can be used. Other devices in group "
                + number + ": " + (listed.isEmpty() ? "(none listed in sysfs)" : listed)
                + ". Bind each with: tools/nvme4j-setup bind <address>, or unbind it:"
                + " echo <address> > /sys/bus/pci/devices/<address>/driver/unbind");
    }

    private String driverOf(String address) {
        try {
            return sysfs.driver(PciAddress.parse(address)).map(d -> "driver " + d).orElse("no driver");
        } catch (IllegalArgumentException e) {
            return "unknown driver";
        }
    }

    private void releaseGroup(VfioGroup group) {
        if (!group.release()) {
            return;
        }
        groups.remove(group.number());
        try {
            VfioStructs.unsetContainer(libc, group.fd());
        } catch (NativeException e) {
            if (e.errno() == NativeException.EINVAL) {
                // The group's last device went away (hot-unplug, remove): the kernel detached it already.
                LOG.debug("IOMMU group {} was detached from the container by the kernel: {}", group.number(),
                        e.getMessage());
            } else {
                LOG.warn("detaching IOMMU group {} from the container: {}", group.number(), e.getMessage());
            }
        }
        closeQuietly(group.fd(), "IOMMU group " + group.number());
        groupsEmptyCleanup();
    }

    private void groupsEmptyCleanup() {
        if (groups.isEmpty() && container != null) {
            container.close();
            container = null;
        }
    }

    private void closeQuietly(int fd, String what) {
        try {
            libc.close(fd);
        } catch (NativeException e) {
            LOG.warn("closing {}: {}", what, e.getMessage());
        }
    }

    /** Reads CapEff from {@code /proc/self/status}; false when it cannot be read. */
    static boolean hasCapIpcLock(Path procStatus) {
        try {
            for (String line : Files.readAllLines(procStatus)) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                    return (caps & (1L << CAP_IPC_LOCK)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read capabilities from {}: {}", procStatus, e.toString());
        }
        return false;
    }
}
