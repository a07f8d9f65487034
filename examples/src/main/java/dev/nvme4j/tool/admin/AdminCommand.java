package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.tool.Main;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.device.DeviceOptions;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Common part of the management commands: {@code --device}, {@code --output-format}, opening
 * and closing the controller around {@link #run}, and sending admin commands with a deadline.
 */
abstract class AdminCommand implements Callable<Integer> {
    /** How long an admin command may take before the tool gives up on it. */
    static final long ADMIN_DEADLINE_SECONDS = 60;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    DeviceOptions device = new DeviceOptions();

    /** {@code --output-format/-o}, for the commands that have JSON output (get-log uses -o for its offset). */
    static final class Output {
        @Option(names = {"--output-format", "-o"}, paramLabel = "normal|json",
                converter = OutputFormat.Converter.class, defaultValue = "normal",
                description = "normal or json (default ${DEFAULT-VALUE}).")
        OutputFormat format = OutputFormat.NORMAL;
    }

    @Override
    public Integer call() {
        validate();
        try (Controller c = main.source().open(device, options(ControllerOptions.builder().maxIoQueuePairs(1)).build())) {
            PrintWriter out = spec.commandLine().getOut();
            run(c, out);
            out.flush();
        }
        return 0;
    }

    /** Writes raw bytes to the tool's binary output (standard output), as nvme-cli's -b does. */
    void writeBinary(byte[] data) {
        spec.commandLine().getOut().flush();
        main.writeBinary(name(), data);
    }

    /**
     * Up to {@code max} bytes of {@code file}, or of standard input when it is null (fewer when it
     * ends first); {@code option} names the file in errors.
     */
    byte[] readData(java.nio.file.Path file, int max, String option) {
        if (file != null && !java.nio.file.Files.exists(file)) {
            throw ToolException.usage(option + " " + file + ": no such file");
        }
        try {
            if (file == null) {
                return main.binaryIn().readNBytes(max); // standard input stays open
            }
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
                return in.readNBytes(max);
            }
        } catch (java.io.IOException e) {
            throw new ToolException(name() + ": cannot read " + (file == null ? "standard input" : option + " " + file)
                    + ": " + e.getMessage());
        }
    }

    /** The controller options the command opens the device with (a --timeout sets the driver's timeouts). */
    ControllerOptions.Builder options(ControllerOptions.Builder b) {
        return b;
    }

    /** How long {@link #send} waits for an admin command before the tool gives up on it. */
    long waitSeconds() {
        return ADMIN_DEADLINE_SECONDS;
    }

    /** The timeout of the admin commands {@link #send} sends (null: the driver's admin timeout). */
    java.time.Duration commandTimeout() {
        return null;
    }

    /** Checks the options before the device is opened; throws a usage error. */
    void validate() {
    }

    /** Does the command's work. */
    abstract void run(Controller c, PrintWriter out);

    /** True when the command's {@link Output} asks for JSON (commands without one print text). */
    boolean json() {
        return false;
    }

    String name() {
        return spec.name();
    }

    /** Sends an admin command and waits for it (with a deadline); a failed status is a ToolException. */
    Completion admin(Controller c, RawCommand cmd, DmaBuffer buffer) {
        Completion done = send(c, cmd, buffer);
        if (!done.isSuccess()) {
            throw failed(done.status());
        }
        return done;
    }

    /** Sends an admin command and waits for its completion (with a deadline), whatever its status. */
    Completion send(Controller c, RawCommand cmd, DmaBuffer buffer) {
        Completion done;
        try {
            done = c.adminPassthrough(cmd, buffer, commandTimeout()).get(waitSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new ToolException(name() + ": the controller did not complete the command within "
                    + waitSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(name() + ": interrupted");
        } catch (ExecutionException e) {
            throw new ToolException(name() + ": " + e.getCause().getMessage());
        }
        return done;
    }

    /**
     * Runs a {@link dev.nvme4j.api.Management} operation: a failed status becomes nvme-cli's "NVMe status: ...",
     * an unsupported operation, a refusal (open queue pairs) or a bad argument a ToolException with its message.
     */
    <T> T manage(java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (dev.nvme4j.api.NvmeException e) {
            if (e.status() >= 0) {
                throw failed(e.status());
            }
            throw new ToolException(name() + ": " + e.getMessage());
        } catch (UnsupportedOperationException | IllegalStateException | IllegalArgumentException e) {
            throw new ToolException(name() + ": " + e.getMessage());
        }
    }

    /** As {@link #manage(java.util.function.Supplier)} for an operation without a result. */
    void manageRun(Runnable op) {
        manage(() -> {
            op.run();
            return null;
        });
    }

    /** nvme-cli's "NVMe status: ..." for a failed command. */
    ToolException failed(int status) {
        return new ToolException(name() + ": NVMe status: " + Status.describe(status)
                + String.format("(0x%x)", status));
    }

    /** Raw Identify Controller, or a ToolException saying why it could not be read. */
    byte[] identifyController(Controller c) {
        try {
            return c.identifyController();
        } catch (RuntimeException e) {
            throw new ToolException(name() + ": Identify Controller failed: " + e.getMessage());
        }
    }

    /**
     * Throws the driver's "not supported by this controller" (naming the Identify Controller field)
     * unless the controller supports {@code command}.
     */
    void requireSupported(Controller c, dev.nvme4j.api.OptionalCommand command) {
        manageRun(() -> c.management().requireSupported(command));
    }

    /** The namespace, or a usage error listing the active ones. */
    static Namespace namespace(Controller c, int nsid) {
        try {
            return c.namespace(nsid);
        } catch (IllegalArgumentException e) {
            throw ToolException.usage("Invalid value for option '--namespace-id': " + e.getMessage());
        }
    }

    /** C's {@code %#0*x}: zero-padded to {@code width}, with {@code 0x} (counted in the width) unless zero. */
    static String cHex(long v, int width) {
        if (v == 0) {
            return "0".repeat(width);
        }
        String h = Long.toHexString(v);
        return "0x" + "0".repeat(Math.max(0, width - 2 - h.length())) + h;
    }
}
