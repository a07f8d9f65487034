package dev.nvme4j.tool;

import dev.nvme4j.api.Controller;
import dev.nvme4j.tool.device.ControllerSource;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

/** Runs the tool in-process with captured output; {@code source} supplies the controller. */
record ToolRun(int exit, String out, String err, byte[] binary) {
    static ToolRun run(ControllerSource source, String... args) {
        return run(source, new byte[0], args);
    }

    /** As {@link #run(ControllerSource, String...)} with {@code stdin} as the tool's standard input. */
    static ToolRun run(ControllerSource source, byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        Main main = new Main(source).binaryOut(binary).binaryIn(new java.io.ByteArrayInputStream(stdin));
        int code = Main.run(main, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new ToolRun(code, out.toString(), err.toString(), binary.toByteArray());
    }

    static ToolRun run(Supplier<Controller> controller, String... args) {
        return run((ControllerSource) (d, o) -> controller.get(), args);
    }

    /** The VM's first controller (NVME4J_PCI); skips the test outside the nvme4j VM (tools/vm-run). */
    static String vmPci() {
        String pci = System.getenv("NVME4J_PCI");
        org.junit.jupiter.api.Assumptions.assumeTrue(pci != null && "1".equals(System.getenv("NVME4J_VM")),
                "needs NVME4J_PCI inside the nvme4j VM (tools/vm-run)");
        return pci;
    }

    /** Runs the tool on the real device {@code pci} ({@code --device} appended). */
    static ToolRun onDevice(String pci, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = "--device=" + pci;
        return run(new dev.nvme4j.tool.device.DeviceOpener(), all);
    }

    @Override
    public String toString() {
        return "exit=" + exit + "\n--- out\n" + out + "\n--- err\n" + err;
    }
}
