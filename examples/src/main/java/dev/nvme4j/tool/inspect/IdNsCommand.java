package dev.nvme4j.tool.inspect;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Namespace;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j id-ns}: Identify Namespace, like {@code nvme id-ns}. */
@Command(name = "id-ns", mixinStandardHelpOptions = true,
        description = "Show the Identify Namespace data structure (nvme-cli field names).")
public final class IdNsCommand extends InspectCommand {
    @Option(names = {"--namespace-id", "-n", "--ns"}, paramLabel = "NSID", defaultValue = "1",
            description = "Namespace (default ${DEFAULT-VALUE}).")
    int nsid = 1;

    @Override
    void inspect(Controller c, PrintWriter out) {
        Namespace ns = namespace(c, nsid);
        if (binary(() -> c.identifyNamespace(ns.nsid()))) {
            return;
        }
        Fields f = Identify.namespace(c, ns);
        if (json()) {
            Fields.printJson(out, f.json());
        } else {
            out.printf("NVME Identify Namespace %d:%n", ns.nsid());
            f.printText(out, 8, human);
        }
    }
}
