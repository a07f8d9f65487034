package dev.nvme4j.tool.admin;

import static dev.nvme4j.tool.admin.SelfTestCommands.hex;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.Management.SanitizeAction;
import dev.nvme4j.api.Management.SanitizeEstimates;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.inspect.Fields;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sanitize} and {@code sanitize-log}, like nvme-cli's. */
public final class SanitizeCommands {
    private SanitizeCommands() {
    }

    /** {@code nvme4j sanitize}; needs --force. */
    @Command(name = "sanitize", mixinStandardHelpOptions = true,
            description = "Sanitize the whole NVM subsystem (ERASES every namespace), like 'nvme sanitize';"
                    + " needs --force.")
    public static final class Sanitize extends AdminCommand {
        @Option(names = {"--sanact", "-a"}, paramLabel = "ACTION", required = true,
                description = "1 or exit-failure, 2 or start-block-erase, 3 or start-overwrite, 4 or"
                        + " start-crypto-erase.")
        String action;

        @Option(names = {"--ause", "-u"}, description = "Allow an unrestricted sanitize exit.")
        boolean ause;

        @Option(names = {"--no-dealloc", "-d"}, description = "No deallocation after the sanitize.")
        boolean noDealloc;

        @Option(names = {"--oipbp", "-i"}, description = "Overwrite: invert the pattern between passes.")
        boolean oipbp;

        @Option(names = {"--owpass", "-n"}, paramLabel = "N", converter = Num.class, defaultValue = "0",
                description = "Overwrite passes, 0-16 (0 and 16: 16).")
        long owpass;

        @Option(names = {"--ovrpat", "-p"}, paramLabel = "DW", converter = Num.class, defaultValue = "0",
                description = "Overwrite pattern.")
        long ovrpat;

        @Option(names = "--force", description = "Confirm: every namespace is erased.")
        boolean force;

        private SanitizeAction sanact;

        @Override
        void validate() {
            sanact = parseAction(action);
            if (sanact == SanitizeAction.EXIT_FAILURE_MODE && (ause || noDealloc)) {
                throw ToolException.usage("--ause and --no-dealloc do not apply to --sanact=exit-failure");
            }
            if (sanact != SanitizeAction.OVERWRITE && (owpass != 0 || oipbp || ovrpat != 0)) {
                throw ToolException.usage("--owpass, --oipbp and --ovrpat apply to --sanact=start-overwrite (3) only");
            }
            if (owpass < 0 || owpass > 16 || ovrpat < 0 || ovrpat > 0xFFFF_FFFFL) {
                throw ToolException.usage("--owpass is 0-16 and --ovrpat a 32-bit value");
            }
            if (!force && sanact != SanitizeAction.EXIT_FAILURE_MODE) {
                throw ToolException.usage("sanitize erases every namespace of the NVM subsystem; add --force to"
                        + " confirm (nothing was changed)");
            }
        }

        static SanitizeAction parseAction(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "1", "0x1", "exit-failure" -> SanitizeAction.EXIT_FAILURE_MODE;
                case "2", "0x2", "start-block-erase" -> SanitizeAction.BLOCK_ERASE;
                case "3", "0x3", "start-overwrite" -> SanitizeAction.OVERWRITE;
                case "4", "0x4", "start-crypto-erase" -> SanitizeAction.CRYPTO_ERASE;
                default -> throw ToolException.usage("Invalid value for option '--sanact': " + text
                        + " (1 exit-failure, 2 start-block-erase, 3 start-overwrite, 4 start-crypto-erase)");
            };
        }

        @Override
        void run(Controller c, PrintWriter out) {
            int passes = (int) (owpass == 16 ? 0 : owpass);
            manageRun(() -> c.management().sanitize(sanact, ause, noDealloc, passes, oipbp, (int) ovrpat,
                    Confirm.DESTRUCTIVE));
        }
    }

    /** {@code nvme4j sanitize-log}. */
    @Command(name = "sanitize-log", mixinStandardHelpOptions = true,
            description = "Show the sanitize status log, like 'nvme sanitize-log'.")
    public static final class Log extends AdminCommand {
        @Mixin
        Output output = new Output();

        @Option(names = {"--human-readable", "-H"}, description = "Decode SSTAT and show the progress in percent.")
        boolean human;

        @Option(names = {"--raw-binary", "-b"}, description = "Write the log page to standard output as it is.")
        boolean rawBinary;

        @Option(names = {"--rae", "-r"}, description = "Retain an asynchronous event: a sanitize completion event"
                + " stays pending.")
        boolean rae;

        @Override
        boolean json() {
            return output.format == OutputFormat.JSON;
        }

        @Override
        void run(Controller c, PrintWriter out) {
            Management.SanitizeStatus st = manage(() -> c.management().sanitizeStatus(rae));
            if (rawBinary) {
                writeBinary(c.getLogPage(Opcodes.LOG_SANITIZE_STATUS, dev.nvme4j.spec.ManagementFields.SANITIZE_LOG_SIZE));
                return;
            }
            SanitizeEstimates e = st.estimates();
            if (json()) {
                ObjectNode dev = Fields.MAPPER.createObjectNode();
                dev.put("sprog", st.progress());
                ObjectNode sstat = dev.putObject("sstat");
                sstat.put("global_erased", st.globalDataErased() ? 1 : 0);
                sstat.put("no_cmplted_passes", st.completedPasses());
                sstat.put("status", "(" + st.status() + ") " + statusText(st.status()));
                dev.put("cdw10_info", st.cdw10() & 0xFFFF_FFFFL);
                dev.put("time_over_write", e.overwrite());
                dev.put("time_block_erase", e.blockErase());
                dev.put("time_crypto_erase", e.cryptoErase());
                dev.put("time_over_write_no_dealloc", e.overwriteNoDeallocate());
                dev.put("time_block_erase_no_dealloc", e.blockEraseNoDeallocate());
                dev.put("time_crypto_erase_no_dealloc", e.cryptoEraseNoDeallocate());
                ObjectNode root = Fields.MAPPER.createObjectNode();
                root.set(c.address(), dev);
                Fields.printJson(out, root);
                return;
            }
            out.printf("Sanitize Progress                      (SPROG) :  %d", st.progress());
            if (human && st.status() == 2) {
                out.printf(Locale.ROOT, "\t(%f%%)%n", st.progress() * 100.0 / 0x10000);
            } else {
                out.println();
            }
            out.printf("Sanitize Status                        (SSTAT) :  %s%n", hex(st.status()));
            if (human) {
                out.printf("\t[2:0]\t%s%n", statusText(st.status()));
                out.printf("\t[7:3]\tNumber of completed passes if most recent operation was overwrite:\t%d%n",
                        st.completedPasses());
                out.printf("\t  [8]\t%s%n", st.globalDataErased()
                        ? "Global Data Erased set: no namespace logical block in the NVM subsystem has been written"
                        + " to and no PMR has been enabled"
                        : "Global Data Erased cleared: a namespace logical block in the NVM subsystem has been"
                        + " written to or a PMR has been enabled");
            }
            out.printf("Sanitize Command Dword 10 Information (SCDW10) :  %s%n", hex(st.cdw10() & 0xFFFF_FFFFL));
            estimate(out, "Estimated Time For Overwrite                   ", e.overwrite());
            estimate(out, "Estimated Time For Block Erase                 ", e.blockErase());
            estimate(out, "Estimated Time For Crypto Erase                ", e.cryptoErase());
            estimate(out, "Estimated Time For Overwrite (No-Deallocate)   ", e.overwriteNoDeallocate());
            estimate(out, "Estimated Time For Block Erase (No-Deallocate) ", e.blockEraseNoDeallocate());
            estimate(out, "Estimated Time For Crypto Erase (No-Deallocate)", e.cryptoEraseNoDeallocate());
        }

        private static void estimate(PrintWriter out, String label, long seconds) {
            out.printf("%s:  %d%s%n", label, seconds, seconds == Management.SanitizeStatus.NO_ESTIMATE
                    ? " (No time period reported)" : "");
        }

        /** SSTAT bits 2:0 (Base 5.16.1.25). */
        static String statusText(int status) {
            return switch (status) {
                case 0 -> "NVM Subsystem has never been sanitized.";
                case 1 -> "Most Recent Sanitize Command Completed Successfully.";
                case 2 -> "Sanitize in Progress.";
                case 3 -> "Most Recent Sanitize Command Failed.";
                case 4 -> "Most Recent Sanitize Command (No-Deallocate After Sanitize) Completed Successfully.";
                default -> "Unknown";
            };
        }
    }
}
