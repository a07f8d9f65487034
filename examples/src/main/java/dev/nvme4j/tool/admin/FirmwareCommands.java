package dev.nvme4j.tool.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.Management.Activation;
import dev.nvme4j.api.Management.CommitAction;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.inspect.Fields;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code fw-log}, {@code fw-download}, {@code fw-commit}: firmware slots and updates, like nvme-cli's. */
public final class FirmwareCommands {
    private FirmwareCommands() {
    }

    /** {@code nvme4j fw-log}: the Firmware Slot Information log, like {@code nvme fw-log}. */
    @Command(name = "fw-log", mixinStandardHelpOptions = true,
            description = "Show the firmware slots and the active one, like 'nvme fw-log'.")
    public static final class Log extends AdminCommand {
        @Mixin
        Output output = new Output();

        @Option(names = {"--raw-binary", "-b"}, description = "Write the log page to standard output as it is.")
        boolean rawBinary;

        @Override
        boolean json() {
            return output.format == OutputFormat.JSON;
        }

        @Override
        void run(Controller c, PrintWriter out) {
            byte[] raw = manage(() -> c.getLogPage(Opcodes.LOG_FIRMWARE_SLOT, LogPageLayout.FW_SIZE));
            if (rawBinary) {
                writeBinary(raw);
                return;
            }
            ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            int afi = raw[LogPageLayout.FW_AFI] & 0xFF;
            if (json()) {
                ObjectNode dev = Fields.MAPPER.createObjectNode();
                dev.put("Active Firmware Slot (afi)", afi);
                for (int s = 1; s <= LogPageLayout.FW_SLOTS; s++) {
                    int at = LogPageLayout.fwRevisionOffset(s);
                    if (raw[at] != 0) {
                        dev.put("Firmware Rev Slot " + s, Long.toUnsignedString(b.getLong(at)) + " ("
                                + revision(raw, at) + ")");
                    }
                }
                ObjectNode root = Fields.MAPPER.createObjectNode();
                root.set(c.address(), dev);
                Fields.printJson(out, root);
                return;
            }
            out.printf("Firmware Log for device:%s%n", c.address());
            out.printf("afi  : %s%n", afi == 0 ? "0" : "0x" + Integer.toHexString(afi));
            for (int s = 1; s <= LogPageLayout.FW_SLOTS; s++) {
                int at = LogPageLayout.fwRevisionOffset(s);
                if (raw[at] != 0) {
                    out.printf("frs%d : %s (%s)%n", s, cHex(b.getLong(at), 16), revision(raw, at));
                }
            }
        }

        /** nvme-cli's revision text: the 8 bytes, each not printable (or a space) as '.'. */
        private static String revision(byte[] raw, int at) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < LogPageLayout.FW_FRS_LEN; i++) {
                int ch = raw[at + i] & 0xFF;
                sb.append(ch >= '!' && ch <= '~' ? (char) ch : '.');
            }
            return sb.toString();
        }
    }

    /** {@code nvme4j fw-download}: Firmware Image Download of a file, like {@code nvme fw-download}. */
    @Command(name = "fw-download", mixinStandardHelpOptions = true,
            description = "Send a firmware image to the controller (commit it with fw-commit), like 'nvme fw-download'.")
    public static final class Download extends AdminCommand {
        @Option(names = {"--fw", "-f"}, paramLabel = "FILE", required = true, description = "Firmware image file.")
        Path fw;

        @Option(names = {"--xfer", "-x"}, paramLabel = "BYTES", converter = Num.class, defaultValue = "0",
                description = "Bytes per command, a multiple of 4 (default: the controller's limit).")
        long xfer;

        @Option(names = {"--offset", "-o"}, paramLabel = "DWORDS", converter = Num.class, defaultValue = "0",
                description = "Where the file goes in the image, in dwords (default ${DEFAULT-VALUE}): for an image"
                        + " sent as several files.")
        long offset;

        @Option(names = {"--progress", "-p"}, description = "Show the bytes transferred, as nvme-cli.")
        boolean progress;

        @Option(names = {"--ignore-ovr", "-i"},
                description = "Take an Overlapping Range answer (the bytes were sent before) as success.")
        boolean ignoreOverlap;

        @Override
        void validate() {
            if (xfer < 0 || xfer % 4 != 0 || xfer > 65536) {
                throw ToolException.usage("Invalid value for option '--xfer': " + xfer
                        + " (a multiple of 4, at most 65536)");
            }
            if (offset < 0 || offset > 0xFFFF_FFFFL) {
                throw ToolException.usage("Invalid value for option '--offset': " + offset + " (a dword offset,"
                        + " 32 bits)");
            }
            if (!Files.isRegularFile(fw)) {
                throw ToolException.usage("Invalid value for option '--fw': " + fw + ": no such file");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            byte[] image;
            try {
                image = Files.readAllBytes(fw);
            } catch (IOException e) {
                throw new ToolException(name() + ": cannot read --fw " + fw + ": " + e.getMessage());
            }
            if (image.length == 0 || image.length % 4 != 0) {
                throw ToolException.usage("--fw " + fw + " has " + image.length + " bytes: a firmware image is a"
                        + " non-empty multiple of 4 bytes; nothing was sent");
            }
            long base = offset * 4;
            // One call per piece of --xfer bytes when progress is shown, one for the whole file otherwise.
            int piece = progress && xfer > 0 ? (int) xfer : image.length;
            for (int at = 0; at < image.length; at += piece) {
                if (progress) {
                    out.printf("Firmware download: transferring 0x%08x/0x%08x bytes: %03d%%\r", at, image.length,
                            100L * at / image.length);
                    out.flush();
                }
                byte[] part = java.util.Arrays.copyOfRange(image, at, Math.min(image.length, at + piece));
                long where = base + at;
                try {
                    c.management().downloadFirmware(part, where, (int) xfer);
                } catch (dev.nvme4j.api.NvmeException e) {
                    if (e.nvmeStatus() == dev.nvme4j.api.NvmeStatus.OVERLAPPING_RANGE && ignoreOverlap) {
                        continue;
                    }
                    if (progress) {
                        out.println();
                    }
                    String hint = e.nvmeStatus() == dev.nvme4j.api.NvmeStatus.OVERLAPPING_RANGE
                            ? "; the controller has these bytes already: --ignore-ovr takes that as success" : "";
                    throw new ToolException(name() + ": error at image offset 0x" + Long.toHexString(where) + ": "
                            + (e.status() >= 0 ? "NVMe status: " + dev.nvme4j.api.Status.describe(e.status())
                            : e.getMessage()) + hint);
                } catch (UnsupportedOperationException | IllegalArgumentException e) {
                    throw new ToolException(name() + ": " + e.getMessage());
                }
            }
            if (progress) {
                out.println();
            }
            out.println("Firmware download success");
        }
    }

    /** {@code nvme4j fw-commit}: Firmware Commit, like {@code nvme fw-commit}; needs --force. */
    @Command(name = "fw-commit", mixinStandardHelpOptions = true,
            description = "Commit a downloaded firmware image to a slot and/or activate a slot, like 'nvme fw-commit';"
                    + " needs --force.")
    public static final class Commit extends AdminCommand {
        @Option(names = {"--slot", "-s"}, paramLabel = "SLOT", converter = Num.class, defaultValue = "0",
                description = "Firmware slot 0-7 (0: the controller picks one; default ${DEFAULT-VALUE}).")
        long slot;

        @Option(names = {"--action", "-a"}, paramLabel = "CA", converter = Num.class, required = true,
                description = "Commit action: 0 replace, 1 replace and activate at the next reset, 2 activate at the"
                        + " next reset, 3 replace and activate now, 6 replace boot partition --bpid, 7 mark boot"
                        + " partition --bpid active.")
        long action;

        @Option(names = {"--bpid", "-b"}, paramLabel = "ID", converter = Num.class, defaultValue = "0",
                description = "Boot partition 0 or 1, for actions 6 and 7 (default ${DEFAULT-VALUE}).")
        long bpid;

        @Option(names = "--force", description = "Confirm: the controller may run other firmware afterwards.")
        boolean force;

        @Override
        void validate() {
            if (slot < 0 || slot > 7) {
                throw ToolException.usage("Invalid value for option '--slot': " + slot + " (0-7)");
            }
            if (action < 0 || action > 7 || action == 4 || action == 5) {
                throw ToolException.usage("Invalid value for option '--action': " + action + " (0-3, 6 or 7)");
            }
            if (bpid < 0 || bpid > 1) {
                throw ToolException.usage("Invalid value for option '--bpid': " + bpid + " (0 or 1)");
            }
            if (!force) {
                throw ToolException.usage("fw-commit changes the firmware the controller runs; add --force to confirm"
                        + " (nothing was changed)");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            CommitAction ca = java.util.Arrays.stream(CommitAction.values()).filter(a -> a.code == action)
                    .findFirst().orElseThrow();
            Activation a = manage(() -> c.management().commitFirmware((int) slot, ca, (int) bpid,
                    Confirm.DESTRUCTIVE));
            String reset = switch (a) {
                case NEEDS_CONVENTIONAL_RESET -> "conventional";
                case NEEDS_SUBSYSTEM_RESET -> "subsystem";
                case NEEDS_CONTROLLER_RESET -> "controller";
                default -> null;
            };
            String boot = action >= 6 ? " bpid:" + bpid : "";
            if (reset == null) {
                out.printf("Success committing firmware action:%d slot:%d%s%n", action, slot, boot);
            } else {
                out.printf("Success activating firmware action:%d slot:%d%s, but firmware requires %s reset%n", action,
                        slot, boot, reset);
            }
        }
    }
}
