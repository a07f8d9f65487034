package dev.nvme4j.tool.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.inspect.Fields;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code nvme4j list-ns}: the active (or, with --all, allocated) namespace IDs, like {@code nvme list-ns}. */
@Command(name = "list-ns", mixinStandardHelpOptions = true,
        description = "List the active namespace IDs, like 'nvme list-ns'.")
public final class ListNsCommand extends AdminCommand {
    @Mixin
    Output output = new Output();

    @picocli.CommandLine.Option(names = {"--all", "-a"},
            description = "Every allocated namespace, attached or not (Identify CNS 10h; namespace management).")
    boolean all;

    @picocli.CommandLine.Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class,
            defaultValue = "1", description = "List the NSIDs from this one up (default ${DEFAULT-VALUE}).")
    long from;

    @picocli.CommandLine.Option(names = {"--csi", "-y"}, paramLabel = "CSI", converter = Num.class,
            description = "The namespaces of this I/O command set (Identify CNS 07h, or 1Ah with --all).")
    Long csi;

    @Override
    void validate() {
        if (csi != null && (csi < 0 || csi > 0xFF)) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid value for option '--csi': " + csi + " (a byte)");
        }
        if (from < 1 || from > 0xFFFF_FFFEL) {
            throw dev.nvme4j.tool.cli.ToolException.usage("Invalid value for option '--namespace-id': " + from
                    + " (the first NSID to list, 1-0xfffffffe)");
        }
    }

    @Override
    boolean json() {
        return output.format == OutputFormat.JSON;
    }

    @Override
    void run(Controller c, PrintWriter out) {
        List<Integer> list = csi != null ? ofCommandSet(c)
                : all ? manage(() -> c.management().allocatedNamespaces())
                : c.namespaces().stream().map(Namespace::nsid).toList();
        list = list.stream().filter(nsid -> Integer.toUnsignedLong(nsid) >= from).toList();
        if (json()) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            ArrayNode ids = root.putArray("nsid_list");
            list.forEach(nsid -> ids.addObject().put("nsid", nsid));
            Fields.printJson(out, root);
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            out.printf("[%4d]:%#x%n", i, list.get(i));
        }
    }

    /** The namespace list of command set --csi from NSID --namespace-id up, as nvme-cli asks for it. */
    private List<Integer> ofCommandSet(Controller c) {
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_IDENTIFY, (int) (from - 1))
                .withCdw10(all ? Opcodes.CNS_ALLOCATED_NAMESPACE_LIST_CSI : Opcodes.CNS_ACTIVE_NAMESPACE_LIST_CSI)
                .withCdw11(AdminFields.identifyCdw11((int) (long) csi));
        List<Integer> ids = new java.util.ArrayList<>();
        try (DmaBuffer buf = c.allocateBuffer(IdentifyLayout.SIZE)) {
            admin(c, cmd, buf);
            for (int i = 0; i < IdentifyLayout.NSLIST_MAX; i++) {
                int nsid = buf.segment().get(Le.INT, 4L * i);
                if (nsid == 0) {
                    break;
                }
                ids.add(nsid);
            }
        }
        return ids;
    }
}
