package dev.nvme4j.tool.device;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.tool.cli.ToolException;
import java.util.regex.Pattern;

/**
 * Opens what {@code --device} names: the embedded mock controller ({@link MockDevices}), a
 * real NVMe function through {@link Nvme#open(String, ControllerOptions)} or an NVMe/TCP
 * controller ({@code tcp://}). Failures become
 * one-line {@link ToolException}s carrying the driver's reason and fix. Stateless.
 */
public final class DeviceOpener implements ControllerSource {
    private static final Pattern PCI = Pattern.compile("(?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");

    @Override
    public Controller open(DeviceOptions device, ControllerOptions options) {
        ControllerOptions effective = device.apply(options);
        if (device.isMock()) {
            return MockDevices.open(device, effective);
        }
        if (device.isTcp()) {
            try {
                return Nvme.open(device.device, effective, device.fabrics());
            } catch (NvmeException | IllegalStateException | IllegalArgumentException e) {
                String reason = oneLine(e.getMessage());
                throw new ToolException(reason.contains(device.device) ? reason : "cannot open " + device.device + ": "
                        + reason, ToolException.FAILURE, e);
            }
        }
        String address = normalizePci(device.device);
        try {
            return Nvme.open(address, effective);
        } catch (NvmeException | IllegalStateException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new ToolException(openFailure(address, e.getMessage(), new PciPreflight()), ToolException.FAILURE, e);
        }
    }

    /**
     * The one-line message for a device that could not be opened: the driver's reason, and when
     * that does not say what to do, what sysfs shows is wrong and how to fix it.
     */
    static String openFailure(String address, String driverMessage, PciPreflight preflight) {
        String reason = oneLine(driverMessage);
        String msg = reason.contains(address) ? reason : "cannot open " + address + ": " + reason;
        if (!reason.contains("vfio-pci") && !reason.contains("modprobe") && !reason.contains("chown")
                && !reason.contains("nvme4j-setup")) {
            msg += preflight.diagnose(address).map(hint -> "; " + hint).orElse("");
        }
        return msg;
    }

    /** A driver message on one line, also when it spans several (e.g. a command on its own line). */
    private static String oneLine(String message) {
        return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** True when {@code value} has the form of a PCI address ({@code 0000:01:00.0} or {@code 01:00.0}). */
    public static boolean looksLikePci(String value) {
        return PCI.matcher(value).matches();
    }

    /**
     * Checks a PCI address and adds the default domain: {@code 01:00.0} becomes {@code 0000:01:00.0}.
     *
     * @throws ToolException naming the option and the accepted forms
     */
    public static String normalizePci(String value) {
        if (!PCI.matcher(value).matches()) {
            throw ToolException.usage("Invalid value for option '--device': expected 'mock', a PCI address "
                    + "such as 0000:01:00.0 or tcp://HOST:PORT/SUBNQN but was '" + value + "'"
                    + KernelDeviceNames.hint(value, null).map(h -> "; " + h).orElse(""));
        }
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        return lower.length() == 7 ? "0000:" + lower : lower;
    }
}
