package dev.nvme4j.tool;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.device.ControllerSource;
import dev.nvme4j.tool.device.DeviceOpener;
import dev.nvme4j.tool.fabrics.DiscoverCommand;
import dev.nvme4j.tool.fio.FioCommand;
import dev.nvme4j.tool.inspect.ErrorLogCommand;
import dev.nvme4j.tool.inspect.IdCtrlCommand;
import dev.nvme4j.tool.inspect.IdNsCommand;
import dev.nvme4j.tool.inspect.ListCommand;
import dev.nvme4j.tool.inspect.SmartLogCommand;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code nvme4j} command line: a fio-like benchmark and verifier ({@code fio}) and
 * nvme-cli style inspection ({@code list}, {@code id-ctrl}, {@code id-ns}, {@code smart-log},
 * {@code error-log}), against the embedded mock controller or a device bound to vfio-pci; and
 * {@code discover}, the discovery log of an NVMe over TCP discovery controller.
 *
 * <p>Exit codes: 0 success, 1 run-time failure (device, I/O error, verify mismatch), 2 bad input.
 */
@Command(name = "nvme4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "User-space NVMe over VFIO: benchmark, verify and inspect NVMe controllers.",
        subcommands = {FioCommand.class, ListCommand.class, IdCtrlCommand.class, IdNsCommand.class,
                SmartLogCommand.class, ErrorLogCommand.class, DiscoverCommand.class,
                dev.nvme4j.tool.admin.GetFeatureCommand.class, dev.nvme4j.tool.admin.SetFeatureCommand.class,
                dev.nvme4j.tool.admin.GetLogCommand.class, dev.nvme4j.tool.admin.ListNsCommand.class,
                dev.nvme4j.tool.admin.DataCommand.Read.class, dev.nvme4j.tool.admin.DataCommand.Write.class,
                dev.nvme4j.tool.admin.DataCommand.Compare.class, dev.nvme4j.tool.admin.BlockCommands.Flush.class,
                dev.nvme4j.tool.admin.BlockCommands.WriteZeroes.class, dev.nvme4j.tool.admin.BlockCommands.Dsm.class,
                dev.nvme4j.tool.admin.FormatCommand.class, dev.nvme4j.tool.admin.PassthruCommand.Admin.class,
                dev.nvme4j.tool.admin.PassthruCommand.Io.class,
                dev.nvme4j.tool.admin.FirmwareCommands.Log.class, dev.nvme4j.tool.admin.FirmwareCommands.Download.class,
                dev.nvme4j.tool.admin.FirmwareCommands.Commit.class, dev.nvme4j.tool.admin.NamespaceCommands.Create.class,
                dev.nvme4j.tool.admin.NamespaceCommands.Delete.class, dev.nvme4j.tool.admin.NamespaceCommands.Attach.class,
                dev.nvme4j.tool.admin.NamespaceCommands.Detach.class, dev.nvme4j.tool.admin.NamespaceCommands.ListCtrl.class,
                dev.nvme4j.tool.admin.NamespaceCommands.Granularity.class,
                dev.nvme4j.tool.admin.SelfTestCommands.Start.class, dev.nvme4j.tool.admin.SelfTestCommands.Log.class,
                dev.nvme4j.tool.admin.SanitizeCommands.Sanitize.class,
                dev.nvme4j.tool.admin.SanitizeCommands.Log.class, dev.nvme4j.tool.admin.ResvReportCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** The tool's version string, as printed in reports ({@code fio version} in JSON). */
    public static final String VERSION = "nvme4j-0.1.0";

    private final ControllerSource source;
    private boolean debug;
    private java.io.OutputStream binaryOut = System.out;
    private java.io.InputStream binaryIn = System.in;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A command line whose commands open devices through {@code source}. */
    public Main(ControllerSource source) {
        this.source = source;
    }

    public Main() {
        this(new DeviceOpener());
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Log at DEBUG level and print stack traces of failures.")
    void setDebug(boolean debug) {
        this.debug = debug;
        if (debug && LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.DEBUG);
        }
    }

    /** Where commands get their controller. */
    public ControllerSource source() {
        return source;
    }

    public boolean debug() {
        return debug;
    }

    /** Where raw binary output goes (-b/--raw-binary, read without --data): standard output unless set. */
    public java.io.OutputStream binaryOut() {
        return binaryOut;
    }

    /** Writes {@code data} to {@link #binaryOut()}, as nvme-cli's -b does; a failure names {@code command}. */
    public void writeBinary(String command, byte[] data) {
        try {
            binaryOut.write(data);
            binaryOut.flush();
        } catch (java.io.IOException e) {
            throw new dev.nvme4j.tool.cli.ToolException(command + ": cannot write to standard output: " + e.getMessage());
        }
    }

    /** Where write, compare and set-feature read their data without --data: standard input unless set. */
    public java.io.InputStream binaryIn() {
        return binaryIn;
    }

    /** Reads data from {@code in} instead of standard input; returns this. */
    public Main binaryIn(java.io.InputStream in) {
        this.binaryIn = java.util.Objects.requireNonNull(in, "in");
        return this;
    }

    /** Sends raw binary output to {@code out} instead of standard output; returns this. */
    public Main binaryOut(java.io.OutputStream out) {
        this.binaryOut = java.util.Objects.requireNonNull(out, "out");
        return this;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand");
    }

    /** Builds the configured command line (exception handlers, exit codes) around {@code main}. */
    public static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setOverwrittenOptionsAllowed(true); // fio: a later --bs=... replaces an earlier one (job defaults, then jobs)
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            // One line: the message says what failed, why and what to do (the driver's messages do).
            err.println("nvme4j: " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            if (main.debug) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ex instanceof ToolException te ? te.exitCode() : ToolException.FAILURE;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("nvme4j: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
            err.flush();
            return ToolException.USAGE;
        });
        return cl;
    }

    /** Runs the tool with {@code args}; returns the exit code. */
    public static int run(Main main, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger l ? l : null;
        Level before = root != null ? root.getLevel() : null;
        try {
            return cl.execute(args);
        } finally {
            if (root != null) {
                root.setLevel(before); // --debug lasts for one run
            }
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(new Main()).execute(args));
    }

    /** Supplies {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {VERSION};
        }
    }
}
