package dev.nvme4j.tool.inspect;

import dev.nvme4j.api.Controller;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code nvme4j id-ctrl}: Identify Controller, like {@code nvme id-ctrl}. */
@Command(name = "id-ctrl", mixinStandardHelpOptions = true,
        description = "Show the Identify Controller data structure (nvme-cli field names).")
public final class IdCtrlCommand extends InspectCommand {
    @Override
    void inspect(Controller c, PrintWriter out) {
        if (binary(c::identifyController)) {
            return;
        }
        Fields f = Identify.controller(c);
        if (json()) {
            Fields.printJson(out, f.json());
        } else {
            out.println("NVME Identify Controller:");
            f.printText(out, 10, human);
        }
    }
}
