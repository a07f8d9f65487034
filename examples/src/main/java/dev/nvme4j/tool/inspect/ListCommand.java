package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.tool.device.DeviceOptions;
import dev.nvme4j.tool.device.PciPreflight;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j list}: the device's namespaces in {@code nvme list}'s table (or its JSON). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List every NVMe function of the machine and the namespaces of those bound to vfio-pci, like "
                + "'nvme list' (with --device or --mock-* options: that device only).")
public final class ListCommand extends InspectCommand {
    @Option(names = "--sysfs-root", hidden = true, defaultValue = "/sys", description = "sysfs (tests).")
    Path sysfs = Path.of("/sys");

    @Override
    public Integer call() {
        boolean oneDevice = spec.commandLine().getParseResult().matchedOptions().stream()
                .anyMatch(o -> o.longestName().startsWith("--device") || o.longestName().startsWith("--mock")
                        || o.longestName().startsWith("--fault"));
        if (oneDevice) {
            return super.call();
        }
        PrintWriter out = spec.commandLine().getOut();
        PciPreflight pci = new PciPreflight(sysfs, Path.of("/dev"));
        List<String> functions = pci.nvmeFunctions();
        List<Controller> open = new ArrayList<>();
        List<String[]> others = new ArrayList<>();
        try {
            for (String address : functions) {
                String driver = pci.driver(address).orElse(null);
                if (!"vfio-pci".equals(driver)) {
                    others.add(new String[] {address, driver == null ? "none" : driver,
                        pci.diagnose(address).orElse("")});
                    continue;
                }
                DeviceOptions d = new DeviceOptions();
                d.device = address;
                d.unsafeNoIommu = device.unsafeNoIommu;
                try {
                    open.add(main.source().open(d, ControllerOptions.builder().maxIoQueuePairs(1).build()));
                } catch (RuntimeException e) {
                    others.add(new String[] {address, "vfio-pci", "cannot be opened: " + e.getMessage()});
                }
            }
            if (json()) {
                ObjectNode root = Fields.MAPPER.createObjectNode();
                ArrayNode devices = root.putArray("Devices");
                open.forEach(c -> jsonDevices(c, devices));
                ArrayNode unbound = root.putArray("Other");
                for (String[] o : others) {
                    ObjectNode n = unbound.addObject();
                    n.put("Address", o[0]);
                    n.put("Driver", o[1]);
                    n.put("Note", o[2]);
                }
                Fields.printJson(out, root);
            } else {
                table(open, out);
                if (!others.isEmpty()) {
                    out.println();
                    out.println("NVMe functions not usable by nvme4j:");
                    for (String[] o : others) {
                        out.println(o[0] + "  driver " + o[1] + ": " + o[2]);
                    }
                }
                if (functions.isEmpty()) {
                    out.println("No NVMe PCI function on this machine (lspci -D -d ::0108); "
                            + "--device=mock lists the embedded mock's namespaces.");
                }
            }
        } finally {
            open.forEach(Controller::close);
        }
        out.flush();
        return 0;
    }

    @Override
    void inspect(Controller c, PrintWriter out) {
        if (json()) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            jsonDevices(c, root.putArray("Devices"));
            Fields.printJson(out, root);
            return;
        }
        table(List.of(c), out);
    }

    private static void jsonDevices(Controller c, ArrayNode devices) {
        ControllerInfo info = c.info();
        for (Namespace ns : c.namespaces()) {
            ObjectNode d = devices.addObject();
            d.put("NameSpace", ns.nsid());
            d.put("DevicePath", node(c, ns));
            d.put("Firmware", info.firmwareRevision());
            d.put("ModelNumber", info.modelNumber());
            d.put("SerialNumber", info.serialNumber());
            d.put("UsedBytes", ns.utilizationBlocks() * ns.lbaSize());
            d.put("MaximumLBA", ns.sizeBlocks());
            d.put("PhysicalSize", ns.sizeBytes());
            d.put("SectorSize", ns.lbaSize());
        }
    }

    private static void table(List<Controller> controllers, PrintWriter out) {
        int nodeWidth = 21;
        for (Controller c : controllers) {
            for (Namespace ns : c.namespaces()) {
                nodeWidth = Math.max(nodeWidth, node(c, ns).length());
            }
        }
        String fmt = "%-" + nodeWidth + "s %-20s %-40s %-10s %-26s %-16s %-8s%n";
        out.printf(fmt, "Node", "SN", "Model", "Namespace", "Usage", "Format", "FW Rev");
        out.printf(fmt, "-".repeat(nodeWidth), "-".repeat(20), "-".repeat(40), "-".repeat(10), "-".repeat(26),
                "-".repeat(16), "-".repeat(8));
        for (Controller c : controllers) {
            ControllerInfo info = c.info();
            for (Namespace ns : c.namespaces()) {
                String usage = String.format(Locale.ROOT, "%s / %s", si(ns.utilizationBlocks() * ns.lbaSize()),
                        si(ns.sizeBytes()));
                String format = String.format(Locale.ROOT, "%-6s + %d B", lba(ns.lbaSize()), ns.metadataSize());
                out.printf(fmt, node(c, ns), info.serialNumber(), info.modelNumber(),
                        "0x" + Integer.toHexString(ns.nsid()), usage, format, info.firmwareRevision());
            }
        }
    }

    private static String node(Controller c, Namespace ns) {
        return c.address() + "/ns" + ns.nsid();
    }

    private static String lba(int size) {
        return size >= 1024 && size % 1024 == 0 ? (size / 1024) + " KiB" : size + "   B";
    }

    /** Decimal size as nvme list prints it: {@code 268.44  MB}. */
    static String si(long bytes) {
        String[] u = {"B", "kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int i = 0;
        while (v >= 1000 && i < u.length - 1) {
            v /= 1000;
            i++;
        }
        return String.format(Locale.ROOT, "%6.2f %3s", v, u[i]);
    }
}
