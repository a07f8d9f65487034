package dev.nvme4j.tool.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.Management.SelfTestLog;
import dev.nvme4j.api.Management.SelfTestResult;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.ManagementFields;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.inspect.Fields;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code device-self-test} and {@code self-test-log}, like nvme-cli's. */
public final class SelfTestCommands {
    /** Entries of the Device Self-test log. */
    static final int RESULTS = 20;

    private SelfTestCommands() {
    }

    /** {@code nvme4j device-self-test}. */
    @Command(name = "device-self-test", mixinStandardHelpOptions = true,
            description = "Start (or abort) a device self-test, like 'nvme device-self-test'; --wait waits for it.")
    public static final class Start extends AdminCommand {
        /** How often --wait reads the log. */
        static final long POLL_MILLIS = 250;

        @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class,
                defaultValue = "0xffffffff",
                description = "0: the controller only, 0xffffffff: it and every namespace (default ${DEFAULT-VALUE}).")
        long nsid;

        @Option(names = {"--self-test-code", "-s"}, paramLabel = "STC", converter = Num.class, required = true,
                description = "0 show the test under way, 1 short, 2 extended, 0xf abort the test under way.")
        long code;

        @Option(names = {"--wait", "-w"}, description = "Wait for the test to finish, showing its progress.")
        boolean await;

        @Override
        void validate() {
            if (code != 0 && code != ManagementFields.STC_SHORT && code != ManagementFields.STC_EXTENDED
                    && code != ManagementFields.STC_ABORT) {
                throw ToolException.usage("Invalid value for option '--self-test-code': 0x" + Long.toHexString(code)
                        + " (0 show progress, 1 short, 2 extended, 0xf abort)");
            }
            if (nsid > 0xFFFF_FFFFL) {
                throw ToolException.usage("Invalid value for option '--namespace-id': " + nsid);
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            if (code == 0) {
                SelfTestLog log = manage(() -> c.management().selfTestLog());
                if (log.operation() == 0) {
                    out.println("no self test running");
                } else if (await) {
                    waitForEnd(c, out);
                } else {
                    out.printf("progress %d%%%n", log.completion());
                }
                return;
            }
            Management.SelfTest test = code == ManagementFields.STC_SHORT ? Management.SelfTest.SHORT
                    : code == ManagementFields.STC_EXTENDED ? Management.SelfTest.EXTENDED : Management.SelfTest.ABORT;
            manageRun(() -> c.management().selfTest((int) nsid, test));
            out.println(switch (test) {
                case SHORT -> "Short Device self-test started";
                case EXTENDED -> "Extended Device self-test started";
                case ABORT -> "Aborting device self-test operation";
            });
            if (await && test != Management.SelfTest.ABORT) {
                waitForEnd(c, out);
            }
        }

        /**
         * Reads the log until no test is under way, drawing nvme-cli's progress bar; gives up when the
         * completion does not move for EDSTT (minutes) * 60 / 100 + 60 seconds, as nvme-cli does.
         */
        private void waitForEnd(Controller c, PrintWriter out) {
            int edstt = ByteBuffer.wrap(identifyController(c)).order(ByteOrder.LITTLE_ENDIAN)
                    .getShort(IdentifyLayout.CTRL_EDSTT) & 0xFFFF;
            long stallMillis = (edstt * 60L / 100 + 60) * 1000;
            out.println("Waiting for self test completion...");
            int shown = 0;
            long lastMove = System.nanoTime();
            for (int spin = 0; ; spin++) {
                out.printf("\r[%s%c%s] %3d%%", "=".repeat(shown / 2), "-\\|/".charAt(spin % 4),
                        " ".repeat(49 - shown / 2), shown);
                out.flush();
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ToolException(name() + ": interrupted while waiting; the test goes on (abort it with"
                            + " --self-test-code=0xf)");
                }
                SelfTestLog log = manage(() -> c.management().selfTestLog());
                if (log.operation() == 0) {
                    out.printf("\r[%s] %3d%%%n", "=".repeat(50), 100);
                    return;
                }
                if (log.completion() < shown) {
                    out.println();
                    throw new ToolException(name() + ": the test's completion went back from " + shown + "% to "
                            + log.completion() + "%; stopped waiting");
                }
                if (log.completion() != shown) {
                    shown = log.completion();
                    lastMove = System.nanoTime();
                } else if ((System.nanoTime() - lastMove) / 1_000_000 > stallMillis) {
                    out.println();
                    throw new ToolException(name() + ": no progress for " + stallMillis / 1000 + " s (EDSTT " + edstt
                            + " min), stopped waiting; the test goes on");
                }
            }
        }
    }

    /** {@code nvme4j self-test-log}. */
    @Command(name = "self-test-log", mixinStandardHelpOptions = true,
            description = "Show the device self-test log, like 'nvme self-test-log'.")
    public static final class Log extends AdminCommand {
        @Mixin
        Output output = new Output();

        @Option(names = {"--dst-entries", "-e"}, paramLabel = "N", defaultValue = "20",
                description = "Entries to show, newest first, 1-20 (default ${DEFAULT-VALUE}).")
        int entries;

        @Option(names = {"--verbose", "-v"}, description = "Say what the result and test codes mean.")
        boolean verbose;

        @Override
        boolean json() {
            return output.format == OutputFormat.JSON;
        }

        @Override
        void validate() {
            if (entries < 1 || entries > RESULTS) {
                throw ToolException.usage("Invalid value for option '--dst-entries': " + entries + " (1-20)");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            SelfTestLog log = manage(() -> c.management().selfTestLog());
            if (json()) {
                printJson(log, out);
                return;
            }
            out.printf("Device Self Test Log for NVME device:%s%n", c.address());
            out.printf("Current operation  : %s%n", hex(log.operation()));
            out.printf("Current Completion : %d%%%n", log.completion());
            for (int i = 0; i < entries; i++) {
                out.printf("Self Test Result[%d]:%n", i);
                if (i >= log.results().size()) {
                    out.printf("  Operation Result             : 0xf%s%n", verbose ? " Entry not used" : "");
                    continue;
                }
                SelfTestResult r = log.results().get(i);
                out.printf("  Operation Result             : %s%s%n", hex(r.result()),
                        verbose ? " " + resultText(r.result()) : "");
                out.printf("  Self Test Code               : %x%s%n", r.code(), verbose ? " " + codeText(r.code()) : "");
                if (r.result() == ManagementFields.ST_RESULT_SEGMENTS_FAILED) {
                    out.printf("  Segment Number               : %s%n", hex(r.segment()));
                }
                out.printf("  Valid Diagnostic Information : %s%n", hex(r.validInfo()));
                out.printf("  Power on hours (POH)         : %s%n", hex(r.powerOnHours()));
                if ((r.validInfo() & ManagementFields.STR_VALID_NSID) != 0) {
                    out.printf("  Namespace Identifier         : %s%n", hex(r.nsid() & 0xFFFF_FFFFL));
                }
                if ((r.validInfo() & ManagementFields.STR_VALID_FLBA) != 0) {
                    out.printf("  Failing LBA                  : %s%n", hex(r.failingLba()));
                }
                if ((r.validInfo() & ManagementFields.STR_VALID_SCT) != 0) {
                    out.printf("  Status Code Type             : %s%n", hex(r.statusCodeType()));
                }
                if ((r.validInfo() & ManagementFields.STR_VALID_SC) != 0) {
                    out.printf("  Status Code                  : %s%s%n", hex(r.statusCode()), verbose
                            ? " " + NvmeStatus.of(Status.of(r.statusCodeType() & 7, r.statusCode(), false)).description() : "");
                }
                out.printf("  Vendor Specific              : %s %s%n", hex(r.vendorSpecific() & 0xFF),
                        hex(r.vendorSpecific() >>> 8));
            }
        }

        /** nvme-cli's JSON layout: the entries asked for, unused ones with their result (Fh) only. */
        private void printJson(SelfTestLog log, PrintWriter out) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            root.put("Current Device Self-Test Operation", log.operation());
            root.put("Current Device Self-Test Completion", log.completion());
            ArrayNode list = root.putArray("List of Valid Reports");
            for (int i = 0; i < entries; i++) {
                ObjectNode e = list.addObject();
                if (i >= log.results().size()) {
                    e.put("Self test result", ManagementFields.ST_RESULT_NOT_USED);
                    continue;
                }
                SelfTestResult r = log.results().get(i);
                e.put("Self test result", r.result());
                e.put("Self test code", r.code());
                e.put("Segment number", r.segment());
                e.put("Valid Diagnostic Information", r.validInfo());
                e.put("Power on hours", r.powerOnHours());
                if ((r.validInfo() & ManagementFields.STR_VALID_NSID) != 0) {
                    e.put("Namespace Identifier", r.nsid() & 0xFFFF_FFFFL);
                }
                if ((r.validInfo() & ManagementFields.STR_VALID_FLBA) != 0) {
                    e.put("Failing LBA", r.failingLba());
                }
                if ((r.validInfo() & ManagementFields.STR_VALID_SCT) != 0) {
                    e.put("Status Code Type", r.statusCodeType());
                }
                if ((r.validInfo() & ManagementFields.STR_VALID_SC) != 0) {
                    e.put("Status Code", r.statusCode());
                }
                e.put("Vendor Specific", r.vendorSpecific());
            }
            Fields.printJson(out, root);
        }

        /** The Device Self-test Status result codes (Base 5.16.1.7, figure 260). */
        private static String resultText(int result) {
            return switch (result) {
                case 0 -> "Operation completed without error";
                case 1 -> "Operation was aborted by a Device Self-test command";
                case 2 -> "Operation was aborted by a Controller Level Reset";
                case 3 -> "Operation was aborted due to a removal of a namespace from the namespace inventory";
                case 4 -> "Operation was aborted due to the processing of a Format NVM command";
                case 5 -> "A fatal error or unknown test error occurred and the operation did not complete";
                case 6 -> "Operation completed with a failed segment; which segment failed is not known";
                case 7 -> "Operation completed with one or more failed segments; the first is in Segment Number";
                case 8 -> "Operation was aborted for an unknown reason";
                case 9 -> "Operation was aborted due to a sanitize operation";
                default -> "Reserved";
            };
        }

        private static String codeText(int code) {
            return switch (code) {
                case 1 -> "Short device self-test operation";
                case 2 -> "Extended device self-test operation";
                case 0xE -> "Vendor specific";
                default -> "Reserved";
            };
        }
    }

    /** C's {@code %#x}: {@code 0} for zero, otherwise {@code 0x} and the hex digits. */
    static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }
}
