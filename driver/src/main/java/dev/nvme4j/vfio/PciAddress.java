package dev.nvme4j.vfio;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A PCI function address in the kernel's {@code domain:bus:device.function} form, e.g.
 * {@code 0000:01:00.0}: the name sysfs and {@code VFIO_GROUP_GET_DEVICE_FD} use.
 *
 * <p>Immutable; thread-safe.
 *
 * @param value the normalized (lower-case, with domain) address
 */
public record PciAddress(String value) {

    private static final Pattern FULL = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]");

    public PciAddress {
        if (value == null || !FULL.matcher(value).matches()) {
            throw new IllegalArgumentException("not a normalized PCI address: " + value);
        }
    }

    /**
     * Parses {@code dddd:bb:dd.f} (hex; case-insensitive). The domain-less {@code bb:dd.f} that
     * lspci prints is accepted and means domain 0000.
     *
     * @throws IllegalArgumentException with the expected format when {@code text} is not an address
     */
    public static PciAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("PCI address is null; expected e.g. 0000:01:00.0");
        }
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.matches("[0-9a-f]{2}:[01][0-9a-f]\\.[0-7]")) {
            s = "0000:" + s;
        }
        if (!FULL.matcher(s).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a PCI address: expected"
                    + " domain:bus:device.function in hex, e.g. 0000:01:00.0 (device 00-1f, function 0-7;"
                    + " list NVMe functions with: tools/nvme4j-setup list)");
        }
        return new PciAddress(s);
    }

    @Override
    public String toString() {
        return value;
    }
}
