package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.Management.SanitizeAction;
import dev.nvme4j.api.Management.SelfTestLog;
import dev.nvme4j.api.Management.SelfTestResult;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code device-self-test}, {@code self-test-log}, {@code sanitize}, {@code sanitize-log}, like nvme-cli's. */
public final class SelfTestCommands {
    private SelfTestCommands() {
    }

    /** {@code nvme4j device-self-test}. */
    @Command(name = "device-self-test", mixinStandardHelpOptions = true,
            description = "Start (or abort) a device self-test, like 'nvme device-self-test'.")
    public static final class Start extends AdminCommand {
        @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class,
                defaultValue = "0xffffffff",
                description = "0: the controller only, 0xffffffff: it and every namespace (default ${DEFAULT-VALUE}).")
        long nsid;

        @Option(names = {"--self-test-code", "-s"}, paramLabel = "STC", converter = Num.class, required = true,
                description = "1 short, 2 extended, 0xf abort the test under way.")
        long code;

        @Override
        void validate() {
            if (code != 1 && code != 2 && code != 0xF) {
                throw ToolException.usage("Invalid value for option '--self-test-code': 0x" + Long.toHexString(code)
                        + " (1 short, 2 extended, 0xf abort)");
            }
            if (nsid > 0xFFFF_FFFFL) {
                throw ToolException.usage("Invalid value for option '--namespace-id': " + nsid);
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            Management.SelfTest test = code == 1 ? Management.SelfTest.SHORT
                    : code == 2 ? Management.SelfTest.EXTENDED : Management.SelfTest.ABORT;
            manageRun(() -> c.management().selfTest((int) nsid, test));
            out.println(switch (test) {
                case SHORT -> "Short Device self-test started";
                case EXTENDED -> "Extended Device self-test started";
                case ABORT -> "Aborting device self-test operation";
            });
        }
    }

    /** {@code nvme4j self-test-log}. */
    @Command(name = "self-test-log", mixinStandardHelpOptions = true,
            description = "Show the device self-test log, like 'nvme self-test-log'.")
    public static final class Log extends AdminCommand {
        @Option(names = {"--dst-entries", "-e"}, paramLabel = "N", defaultValue = "20",
                description = "Results to show, newest first, 1-20 (default ${DEFAULT-VALUE}).")
        int entries;

        @Override
        void validate() {
            if (entries < 1 || entries > 20) {
                throw ToolException.usage("Invalid value for option '--dst-entries': " + entries + " (1-20)");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            SelfTestLog log = manage(() -> c.management().selfTestLog());
            out.printf("Device Self Test Log for NVME device:%s%n", c.address());
            out.printf("Current operation  : %s%n", hex(log.operation()));
            out.printf("Current Completion : %d%%%n", log.completion());
            for (int i = 0; i < Math.min(entries, log.results().size()); i++) {
                SelfTestResult r = log.results().get(i);
                out.printf("Self Test Result[%d]:%n", i);
                out.printf("  Operation Result             : %s%n", hex(r.result()));
                out.printf("  Self Test Code               : %s%n", hex(r.code()));
                out.printf("  Valid Diagnostic Information : %s%n", hex(r.validInfo()));
                out.printf("  Power on hours (POH)         : %s%n", hex(r.powerOnHours()));
                if ((r.validInfo() & 1) != 0) {
                    out.printf("  Namespace Identifier         : %s%n", hex(r.nsid() & 0xFFFF_FFFFL));
                }
                if (r.result() == 7) {
                    out.printf("  Segment Number               : %s%n", hex(r.segment()));
                }
                if ((r.validInfo() & 2) != 0) {
                    out.printf("  Failing LBA                  : %s%n", hex(r.failingLba()));
                }
                if ((r.validInfo() & 4) != 0) {
                    out.printf("  Status Code Type             : %s%n", hex(r.statusCodeType()));
                }
                if ((r.validInfo() & 8) != 0) {
                    out.printf("  Status Code                  : %s%n", hex(r.statusCode()));
                }
            }
        }
    }

    /** {@code nvme4j sanitize}; needs --force. */
    @Command(name = "sanitize", mixinStandardHelpOptions = true,
            description = "Sanitize the whole NVM subsystem (ERASES every namespace), like 'nvme sanitize';"
                    + " needs --force.")
    public static final class Sanitize extends AdminCommand {
        @Option(names = {"--sanact", "-a"}, paramLabel = "ACTION", converter = Num.class, required = true,
                description = "1 exit failure mode, 2 block erase, 3 overwrite, 4 crypto erase.")
        long action;

        @Option(names = {"--ause", "-u"}, description = "Allow an unrestricted sanitize exit.")
        boolean ause;

        @Option(names = {"--no-dealloc", "-d"}, description = "No deallocation after the sanitize.")
        boolean noDealloc;

        @Option(names = {"--owpass", "-n"}, paramLabel = "N", converter = Num.class, defaultValue = "0",
                description = "Overwrite passes, 0-15 (0: 16).")
        long owpass;

        @Option(names = {"--ovrpat", "-p"}, paramLabel = "DW", converter = Num.class, defaultValue = "0",
                description = "Overwrite pattern.")
        long ovrpat;

        @Option(names = "--force", description = "Confirm: every namespace is erased.")
        boolean force;

        @Override
        void validate() {
            if (action < 1 || action > 4) {
                throw ToolException.usage("Invalid value for option '--sanact': " + action
                        + " (1 exit failure mode, 2 block erase, 3 overwrite, 4 crypto erase)");
            }
            if (owpass > 15 || ovrpat > 0xFFFF_FFFFL) {
                throw ToolException.usage("--owpass is 0-15 and --ovrpat a 32-bit value");
            }
            if (!force && action != 1) {
                throw ToolException.usage("sanitize erases every namespace of the NVM subsystem; add --force to"
                        + " confirm (nothing was changed)");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            SanitizeAction a = SanitizeAction.values()[(int) action - 1];
            manageRun(() -> c.management().sanitize(a, ause, noDealloc, (int) owpass, (int) ovrpat,
                    Confirm.DESTRUCTIVE));
        }
    }

    /** {@code nvme4j sanitize-log}. */
    @Command(name = "sanitize-log", mixinStandardHelpOptions = true,
            description = "Show the sanitize status log, like 'nvme sanitize-log'.")
    public static final class SanitizeLog extends AdminCommand {
        @Option(names = {"--raw-binary", "-b"}, description = "Write the log page to standard output as it is.")
        boolean rawBinary;

        @Override
        void run(Controller c, PrintWriter out) {
            Management.SanitizeStatus st = manage(() -> c.management().sanitizeStatus());
            if (rawBinary) {
                writeBinary(c.getLogPage(Opcodes.LOG_SANITIZE_STATUS, Management.SanitizeStatus.SIZE));
                return;
            }
            out.printf("Sanitize Progress                      (SPROG) :  %d%n", st.progress());
            out.printf("Sanitize Status                        (SSTAT) :  %s%n", hex(st.sstat()));
            out.printf("Sanitize Command Dword 10 Information (SCDW10) :  %s%n", hex(st.cdw10() & 0xFFFF_FFFFL));
        }
    }

    private static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }
}
