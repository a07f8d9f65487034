package dev.nvme4j.tool;

import dev.nvme4j.api.Controller;
import dev.nvme4j.tool.device.ControllerSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

/** Runs the tool in-process with captured output; {@code source} supplies the controller. */
record ToolRun(int exit, String out, String err) {
    static ToolRun run(ControllerSource source, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new Main(source), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new ToolRun(code, out.toString(), err.toString());
    }

    static ToolRun run(Supplier<Controller> controller, String... args) {
        return run((ControllerSource) (d, o) -> controller.get(), args);
    }

    @Override
    public String toString() {
        return "exit=" + exit + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
