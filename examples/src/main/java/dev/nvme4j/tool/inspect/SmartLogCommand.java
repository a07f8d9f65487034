package dev.nvme4j.tool.inspect;

import dev.nvme4j.api.Controller;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code nvme4j smart-log}: the SMART / Health Information log page, like {@code nvme smart-log}. */
@Command(name = "smart-log", mixinStandardHelpOptions = true,
        description = "Show the SMART / Health Information log page (nvme-cli field names).")
public final class SmartLogCommand extends InspectCommand {
    /** Log Identifier of the SMART / Health Information page. */
    static final int LOG_ID = 0x02;

    @Override
    void inspect(Controller c, PrintWriter out) {
        byte[] page;
        try {
            page = c.getLogPage(LOG_ID, SmartLog.SIZE);
        } catch (RuntimeException e) {
            throw new ToolException("Get Log Page (SMART / Health Information) failed: " + e.getMessage());
        }
        byte[] raw = page;
        if (binary(() -> raw)) {
            return;
        }
        Fields f = SmartLog.fields(page, human);
        if (json()) {
            Fields.printJson(out, f.json());
        } else {
            out.printf("Smart Log for NVME device:%s namespace-id:ffffffff%n", deviceName(c));
            f.printText(out, 0, human);
        }
    }
}
