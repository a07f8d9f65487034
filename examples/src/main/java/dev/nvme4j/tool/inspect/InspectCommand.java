package dev.nvme4j.tool.inspect;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.tool.Main;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.device.DeviceOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Common part of the inspection commands: {@code --device} and {@code --output-format}, opening
 * and closing the controller around {@link #inspect}.
 */
abstract class InspectCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Option(names = {"--output-format", "-o"}, paramLabel = "normal|json", converter = OutputFormat.Converter.class,
            defaultValue = "normal", description = "normal or json (default ${DEFAULT-VALUE}).")
    OutputFormat outputFormat = OutputFormat.NORMAL;

    @Option(names = {"--human-readable", "-H"}, description = "Decode the bit fields, as nvme-cli -H does.")
    boolean human;

    @Option(names = {"--raw-binary", "-b"}, description = "Write the raw data structure to standard output.")
    boolean rawBinary;

    /** With -b: writes {@code raw} (supplied only then) to standard output and returns true. */
    boolean binary(java.util.function.Supplier<byte[]> raw) {
        if (rawBinary) {
            main.writeBinary(spec.name(), raw.get());
        }
        return rawBinary;
    }

    @Override
    public Integer call() {
        try (Controller c = main.source().open(device, ControllerOptions.builder().maxIoQueuePairs(1).build())) {
            try {
                inspect(c, spec.commandLine().getOut());
            } catch (RuntimeException e) {
                ToolException gone = ToolException.ifDeviceGone(c, "during " + spec.name(), e);
                throw gone != null ? gone : e;
            }
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    /** Prints what the command shows. */
    abstract void inspect(Controller c, PrintWriter out);

    boolean json() {
        return outputFormat == OutputFormat.JSON;
    }

    /** The device name used in headings: the PCI address or "mock". */
    String deviceName(Controller c) {
        return c.address();
    }

    static Namespace namespace(Controller c, int nsid) {
        try {
            return c.namespace(nsid);
        } catch (IllegalArgumentException e) {
            throw ToolException.usage("Invalid value for option '--namespace-id': " + e.getMessage());
        }
    }
}
