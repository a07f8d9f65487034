package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.tool.cli.ToolException;
import picocli.CommandLine.Option;

/** nvme4j's options for protection information (not fio's): {@code --pi} and {@code --pi-check}. */
public final class ProtectionOptions {
    @Option(names = "--pi", paramLabel = "auto|host|controller|off", defaultValue = "auto",
            description = "Protection information on a namespace formatted with it: host (the driver generates it "
                    + "on writes and checks it on reads), controller (PRACT: the controller inserts and checks it) "
                    + "or off (metadata moves as it is, nothing is checked); auto (default): host with PI, off "
                    + "without.")
    public String pi = "auto";

    @Option(names = "--pi-check", paramLabel = "guard,app,ref|none", defaultValue = "guard,ref",
            description = "PI fields to check (PRCHK): guard, app (application tag) and ref (reference tag; "
                    + "types 1 and 2) (default ${DEFAULT-VALUE}).")
    public String piCheck = "guard,ref";

    /**
     * The protection of the job's reads and writes on {@code ns}; null when none.
     *
     * @throws ToolException naming the option when it does not fit the namespace
     */
    public Protection protection(Namespace ns) {
        int checks = 0;
        for (String c : piCheck.split(",")) {
            switch (c.trim()) {
                case "guard" -> checks |= Protection.GUARD;
                case "app" -> checks |= Protection.APP_TAG;
                case "ref" -> checks |= Protection.REF_TAG;
                case "none", "" -> { }
                default -> throw ToolException.usage("Invalid value for option '--pi-check': '" + c
                        + "' (expected guard, app, ref or none, comma-separated)");
            }
        }
        switch (pi) {
            case "auto" -> {
                return ns.hasProtection() ? Protection.host(checks) : null;
            }
            case "off" -> {
                return null;
            }
            case "host", "controller" -> {
                if (!ns.hasProtection()) {
                    throw ToolException.usage("Invalid value for option '--pi': namespace " + ns.nsid()
                            + " has no protection information (" + ns.describeFormat() + ")");
                }
                return pi.equals("host") ? Protection.host(checks) : Protection.controller(checks);
            }
            default -> throw ToolException.usage("Invalid value for option '--pi': expected auto, host, controller or "
                    + "off but was '" + pi + "'");
        }
    }
}
