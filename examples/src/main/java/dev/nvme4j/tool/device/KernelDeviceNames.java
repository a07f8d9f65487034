package dev.nvme4j.tool.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Users paste the kernel's names ({@code /dev/nvme0n1}, {@code /dev/ng0n1}, {@code nvme0}) where
 * nvme4j wants a controller: this says which controller such a name is on this machine (from
 * {@code /sys/class/nvme/NAME/transport} and {@code address}, as the kernel reports them) and what
 * to give instead, in one clause to append to the refusal. Stateless.
 */
public final class KernelDeviceNames {
    /** nvme0, nvme0n1, nvme0n1p2, ng0n1, with or without /dev/. */
    private static final Pattern NODE = Pattern.compile("(?:/dev/)?(?:nvme|ng)(\\d+)(?:n(\\d+)(?:p\\d+)?)?");

    /** The machine's sysfs. */
    private static final Path SYSFS = Path.of("/sys");

    private KernelDeviceNames() {
    }

    /** {@link #hint(Path, String, String)} against this machine's {@code /sys}. */
    public static Optional<String> hint(String value, String nsOption) {
        return hint(SYSFS, value, nsOption);
    }

    /**
     * What to give instead of {@code value} when it is a kernel NVMe name, or empty when it is not
     * one. {@code nsOption} is how the command names the namespace (e.g. {@code --ns}), or null
     * when it takes none.
     */
    public static Optional<String> hint(Path sysfs, String value, String nsOption) {
        Matcher m = NODE.matcher(value);
        if (!m.matches()) {
            return Optional.empty();
        }
        String ctrl = "nvme" + m.group(1);
        String what = m.group(2) != null ? value + " is namespace " + m.group(2) + " of the kernel's controller " + ctrl
                : value.equals(ctrl) ? ctrl + " is the kernel's name of a controller"
                : value + " is the kernel's controller " + ctrl;
        String ns = m.group(2) == null || nsOption == null ? "" : " " + nsOption + "=" + m.group(2);
        Path dir = sysfs.resolve("class/nvme").resolve(ctrl);
        Optional<String> transport = read(dir.resolve("transport"));
        Optional<String> address = read(dir.resolve("address"));
        if (transport.isEmpty() || address.isEmpty()) {
            return Optional.of(what + ", which this machine does not have (" + dir + " is missing); "
                    + "'nvme4j list' shows the machine's NVMe functions and how to hand one to vfio-pci");
        }
        String addr = address.get();
        return Optional.of(switch (transport.get()) {
            case "pcie" -> what + ", PCI function " + addr + ": hand the function to vfio-pci (tools/nvme4j-setup"
                    + " bind " + addr + "; the kernel's " + ctrl + " and its block devices go away until it is"
                    + " given back) and give --device=" + addr + ns;
            case "tcp" -> tcpHint(what, addr, read(dir.resolve("subsysnqn")), ns);
            default -> what + ", a kernel connection over " + transport.get() + " (" + addr + "), which nvme4j"
                    + " does not drive: it drives PCIe controllers through vfio-pci and NVMe/TCP targets";
        });
    }

    /** {@code address} as the kernel writes it for TCP: traddr=A,trsvcid=P[,src_addr=S]. */
    private static String tcpHint(String what, String address, Optional<String> nqn, String ns) {
        String host = field(address, "traddr");
        String port = field(address, "trsvcid");
        if (host == null || port == null || nqn.isEmpty()) {
            return what + ", a kernel NVMe/TCP connection (" + address + "): give --device=tcp://HOST:PORT/SUBNQN"
                    + " with the target's address and subsystem NQN" + ns;
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return what + ", a kernel NVMe/TCP connection: give --device=tcp://" + h + ":" + port + "/" + nqn.get() + ns
                + " (nvme4j connects to the target itself; the kernel's connection may stay)";
    }

    private static String field(String address, String key) {
        for (String part : address.split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).strip().equals(key)) {
                return part.substring(eq + 1).strip();
            }
        }
        return null;
    }

    private static Optional<String> read(Path p) {
        try {
            String s = Files.readString(p).strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
