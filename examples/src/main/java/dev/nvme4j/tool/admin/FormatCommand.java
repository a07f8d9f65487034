package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nvme4j format}: Format NVM (Base 5.14), like {@code nvme format}: changes the LBA format
 * of a namespace and erases it. Needs {@code --force} (nvme-cli asks interactively instead).
 * Without --lbaf or --block-size the namespace keeps its LBA format (an erase; all namespaces,
 * 0xffffffff: format 0), as in nvme-cli.
 */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = "Format a namespace to an LBA format (ERASES it), like 'nvme format'; needs --force.")
public final class FormatCommand extends AdminCommand {
    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "1",
            description = "Namespace, or 0xffffffff for all (default ${DEFAULT-VALUE}).")
    long nsid;

    @Option(names = {"--timeout", "-t"}, paramLabel = "MS", converter = Num.class, defaultValue = "600000",
            description = "How long the Format NVM command may take, in milliseconds (default ${DEFAULT-VALUE});"
                    + " then the driver aborts it.")
    long timeoutMs;

    @Option(names = {"--lbaf", "-l"}, paramLabel = "INDEX",
            description = "LBA format index (see id-ns; default: the namespace's current one).")
    Integer lbaf;

    @Option(names = {"--block-size", "-b"}, paramLabel = "BYTES",
            description = "Pick the LBA format with this data size and no metadata (instead of --lbaf).")
    Integer blockSize;

    @Option(names = {"--ses", "-s"}, paramLabel = "SES", defaultValue = "0",
            description = "Secure erase: 0 none, 1 user data erase, 2 cryptographic erase (default ${DEFAULT-VALUE}).")
    int ses;

    @Option(names = {"--pi", "-i"}, paramLabel = "PI", defaultValue = "0",
            description = "Protection information type 0-3 (default ${DEFAULT-VALUE}).")
    int pi;

    @Option(names = {"--pil", "-p"}, paramLabel = "0|1", arity = "0..1", fallbackValue = "1", defaultValue = "0",
            description = "1: protection information in the first 8 bytes of the metadata, 0: the last"
                    + " (default ${DEFAULT-VALUE}).")
    int pil;

    @Option(names = {"--ms", "-m"}, paramLabel = "0|1", arity = "0..1", fallbackValue = "1", defaultValue = "0",
            description = "1: extended LBAs, metadata at the end of each block's data (default ${DEFAULT-VALUE}).")
    int ms;

    @Option(names = {"--reset", "-r"}, description = "Reset the controller after a successful format.")
    boolean reset;

    @Option(names = "--force", description = "Confirm: every block of the namespace is erased.")
    boolean force;

    @Override
    void validate() {
        if (lbaf != null && blockSize != null) {
            throw ToolException.usage("Invalid specification of both LBAF and Block Size, please specify only one"
                    + " (--lbaf or --block-size)");
        }
        if (lbaf != null && (lbaf < 0 || lbaf > 63)) {
            throw ToolException.usage("Invalid value for option '--lbaf': " + lbaf + " (0-63)");
        }
        if (ses < 0 || ses > 2 || pi < 0 || pi > 3) {
            throw ToolException.usage("--ses is 0-2 and --pi 0-3");
        }
        if (pil < 0 || pil > 1 || ms < 0 || ms > 1) {
            throw ToolException.usage("--pil and --ms are 0 or 1; got " + pil + " and " + ms);
        }
        Num.commandTimeout(timeoutMs);
        if (nsid < 1 || nsid > 0xFFFF_FFFFL) {
            throw ToolException.usage("Invalid value for option '--namespace-id': " + nsid);
        }
        if (!force) {
            throw ToolException.usage("format erases every block of namespace " + (nsid == 0xFFFF_FFFFL ? "(all)"
                    : Long.toString(nsid)) + "; add --force to confirm (nothing was changed)");
        }
    }

    @Override
    void run(Controller c, PrintWriter out) {
        requireSupported(c, OptionalCommand.FORMAT_NVM); // before --lbaf is checked against the namespace
        int target = (int) nsid;
        byte[] id = identifyNamespace(c, nsid == 0xFFFF_FFFFL ? c.namespaces().getFirst().nsid() : target);
        int nlbaf = id[IdentifyLayout.NS_NLBAF] & 0xFF;
        int index = lbaf != null ? lbaf : blockSize != null ? byBlockSize(id, nlbaf)
                : nsid == 0xFFFF_FFFFL ? 0 // all namespaces: format 0, as nvme-cli
                : IdentifyLayout.flbasIndex(id[IdentifyLayout.NS_FLBAS] & 0xFF);
        if (index > nlbaf) {
            throw ToolException.usage("Invalid value for option '--lbaf': " + index + "; the namespace has LBA formats 0-"
                    + nlbaf + " (see id-ns)");
        }
        manage(() -> c.management().format(target, new Management.FormatRequest(index, ses, pi, pil == 1, ms == 1),
                Num.commandTimeout(timeoutMs), Confirm.DESTRUCTIVE));
        out.printf("Success formatting namespace:%x%n", target);
        if (reset) {
            out.flush();
            manageRun(c::reset);
        }
    }

    private byte[] identifyNamespace(Controller c, int n) {
        namespace(c, n);
        try {
            return c.identifyNamespace(n);
        } catch (RuntimeException e) {
            throw new ToolException(name() + ": Identify Namespace " + n + " failed: " + e.getMessage());
        }
    }

    private int byBlockSize(byte[] id, int nlbaf) {
        for (int i = 0; i <= nlbaf; i++) {
            int d = (id[IdentifyLayout.NS_LBAF0 + 4 * i] & 0xFF) | (id[IdentifyLayout.NS_LBAF0 + 4 * i + 1] & 0xFF) << 8
                    | (id[IdentifyLayout.NS_LBAF0 + 4 * i + 2] & 0xFF) << 16;
            if (IdentifyLayout.lbafMetadataSize(d) == 0 && 1L << IdentifyLayout.lbafLbads(d) == blockSize) {
                return i;
            }
        }
        throw ToolException.usage("no LBA format of the namespace has " + blockSize + "-byte blocks without metadata "
                + "(see id-ns)");
    }
}
