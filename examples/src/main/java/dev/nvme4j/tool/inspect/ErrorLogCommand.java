package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j error-log}: the Error Information log page, like {@code nvme error-log}. */
@Command(name = "error-log", mixinStandardHelpOptions = true,
        description = "Show the Error Information log page entries (nvme-cli field names).")
public final class ErrorLogCommand extends InspectCommand {
    /** Log Identifier of the Error Information page. */
    static final int LOG_ID = 0x01;

    @Option(names = {"--log-entries", "-e"}, paramLabel = "N",
            description = "Entries to read (default: the controller's, ELPE + 1, as nvme-cli).")
    Integer entries;

    @Override
    void inspect(Controller c, PrintWriter out) {
        int n = entries != null ? entries : defaultEntries(c);
        if (n < 1 || n > 256) {
            throw ToolException.usage("Invalid value for option '--log-entries': must be between 1 and 256 but was "
                    + n);
        }
        byte[] page;
        try {
            page = c.getLogPage(LOG_ID, n * ErrorLogEntry.SIZE);
        } catch (RuntimeException e) {
            throw new ToolException("Get Log Page (Error Information) failed: " + e.getMessage());
        }
        byte[] raw = page;
        if (binary(() -> raw)) {
            return;
        }
        if (json()) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            ArrayNode errors = root.putArray("errors");
            for (int i = 0; i < n; i++) {
                errors.add(ErrorLogEntry.fields(page, i * ErrorLogEntry.SIZE).json());
            }
            Fields.printJson(out, root);
            return;
        }
        out.printf("Error Log Entries for device:%s entries:%d%n", deviceName(c), n);
        out.println(".................");
        for (int i = 0; i < n; i++) {
            out.printf(" Entry[%2d]   %n", i);
            out.println(".................");
            ErrorLogEntry.fields(page, i * ErrorLogEntry.SIZE).printText(out, 0);
            out.println(".................");
        }
    }

    /** ELPE + 1 from Identify Controller; 64 when Identify is not available. */
    private static int defaultEntries(Controller c) {
        byte[] id = Identify.read(c, 0x01, 0);
        return id == null ? 64 : Bytes.u8(id, dev.nvme4j.spec.IdentifyLayout.CTRL_ELPE) + 1;
    }
}
