package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;

/** {@code nvme4j list}: the device's namespaces in {@code nvme list}'s table (or its JSON). */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the namespaces of the device, like 'nvme list'.")
public final class ListCommand extends InspectCommand {
    @Override
    void inspect(Controller c, PrintWriter out) {
        ControllerInfo info = c.info();
        if (json()) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            ArrayNode devices = root.putArray("Devices");
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
            Fields.printJson(out, root);
            return;
        }
        int nodeWidth = 21;
        for (Namespace ns : c.namespaces()) {
            nodeWidth = Math.max(nodeWidth, node(c, ns).length());
        }
        String fmt = "%-" + nodeWidth + "s %-20s %-40s %-10s %-26s %-16s %-8s%n";
        out.printf(fmt, "Node", "SN", "Model", "Namespace", "Usage", "Format", "FW Rev");
        out.printf(fmt, "-".repeat(nodeWidth), "-".repeat(20), "-".repeat(40), "-".repeat(10), "-".repeat(26),
                "-".repeat(16), "-".repeat(8));
        for (Namespace ns : c.namespaces()) {
            String usage = String.format(Locale.ROOT, "%s / %s", si(ns.utilizationBlocks() * ns.lbaSize()),
                    si(ns.sizeBytes()));
            String format = String.format(Locale.ROOT, "%-6s + %d B", lba(ns.lbaSize()), ns.metadataSize());
            out.printf(fmt, node(c, ns), info.serialNumber(), info.modelNumber(), "0x" + Integer.toHexString(ns.nsid()),
                    usage, format, info.firmwareRevision());
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
