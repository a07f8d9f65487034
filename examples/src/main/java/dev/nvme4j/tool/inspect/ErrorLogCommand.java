package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j error-log}: the Error Information log page, like {@code nvme error-log}. */
@Command(name = "error-log", mixinStandardHelpOptions = true,
        description = "Show the Error Information log page entries (nvme-cli field names).")
public final class ErrorLogCommand extends InspectCommand {
    /** Log Identifier of the Error Information page. */
    static final int LOG_ID = 0x01;

    @Option(names = {"--log-entries", "-e"}, paramLabel = "N", defaultValue = "64",
            description = "Entries to read (default ${DEFAULT-VALUE}; the controller keeps ELPE + 1).")
    int entries = 64;

    @Option(names = "--all", description = "Also show empty entries (error_count 0).")
    boolean all;

    @Override
    void inspect(Controller c, PrintWriter out) {
        if (entries < 1 || entries > 256) {
            throw ToolException.usage("Invalid value for option '--log-entries': must be between 1 and 256 but was "
                    + entries);
        }
        byte[] page;
        try {
            page = c.getLogPage(LOG_ID, entries * ErrorLogEntry.SIZE);
        } catch (RuntimeException e) {
            throw new ToolException("Get Log Page (Error Information) failed: " + e.getMessage());
        }
        List<ErrorLogEntry> list = ErrorLogEntry.parseAll(page).stream()
                .filter(e -> all || e.errorCount() != 0).toList();
        if (json()) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            ArrayNode errors = root.putArray("errors");
            list.forEach(e -> errors.add(e.fields().json()));
            Fields.printJson(out, root);
            return;
        }
        out.printf("Error Log Entries for device:%s entries:%d%n", deviceName(c), list.size());
        out.println(".................");
        for (int i = 0; i < list.size(); i++) {
            out.printf(" Entry[%2d]%n", i);
            out.println(".................");
            list.get(i).fields().printText(out, 20);
            out.println(".................");
        }
    }
}
