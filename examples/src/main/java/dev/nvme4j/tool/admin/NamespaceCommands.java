package dev.nvme4j.tool.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.api.Management.NamespaceSpec;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.inspect.Fields;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Namespace management and attachment (Base 5.19, 5.20), like nvme-cli's {@code create-ns},
 * {@code delete-ns}, {@code attach-ns}, {@code detach-ns}, {@code list-ctrl} and
 * {@code id-ns-granularity}.
 */
public final class NamespaceCommands {
    private NamespaceCommands() {
    }

    /** {@code --namespace-id/-n}, required, one NSID. */
    abstract static class OnNamespace extends AdminCommand {
        @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, required = true,
                description = "Namespace identifier.")
        long nsid;

        @Override
        void validate() {
            if (nsid < 1 || nsid > 0xFFFF_FFFFL) {
                throw ToolException.usage("Invalid value for option '--namespace-id': " + nsid);
            }
        }
    }

    /** {@code nvme4j create-ns}. */
    @Command(name = "create-ns", mixinStandardHelpOptions = true,
            description = "Create a namespace from the unallocated capacity (attach it with attach-ns), like"
                    + " 'nvme create-ns'.")
    public static final class Create extends AdminCommand {
        @Option(names = {"--nsze", "-s"}, paramLabel = "BLOCKS", converter = Num.class, required = true,
                description = "Size in logical blocks (NSZE).")
        long nsze;

        @Option(names = {"--ncap", "-c"}, paramLabel = "BLOCKS", converter = Num.class,
                description = "Capacity in logical blocks (NCAP; default: the size).")
        Long ncap;

        @Option(names = {"--flbas", "-f"}, paramLabel = "FLBAS", converter = Num.class,
                description = "LBA format index (FLBAS; default 0 unless --block-size).")
        Long flbas;

        @Option(names = {"--block-size", "-b"}, paramLabel = "BYTES", converter = Num.class,
                description = "Pick the LBA format with this block size and no metadata from the controller's"
                        + " common formats (Identify Namespace 0xffffffff), instead of --flbas.")
        Long blockSize;

        @Option(names = {"--dps", "-d"}, paramLabel = "DPS", converter = Num.class, defaultValue = "0",
                description = "Data protection settings (DPS; default ${DEFAULT-VALUE}).")
        long dps;

        @Option(names = {"--nmic", "-m"}, paramLabel = "NMIC", converter = Num.class, defaultValue = "0",
                description = "1: the namespace may be attached to several controllers (default ${DEFAULT-VALUE}).")
        long nmic;

        @Override
        void validate() {
            long cap = ncap != null ? ncap : nsze;
            if (nsze < 1 || cap < 1 || cap > nsze) {
                throw ToolException.usage("--nsze and --ncap are positive block counts with --ncap at most --nsze");
            }
            if (flbas != null && (flbas < 0 || flbas > 63) || dps > 15 || nmic > 1) {
                throw ToolException.usage("--flbas is 0-63, --dps 0-15 and --nmic 0 or 1");
            }
            if (flbas != null && blockSize != null) {
                throw ToolException.usage("give --flbas or --block-size, not both");
            }
            if (blockSize != null && (blockSize < 1 || Long.bitCount(blockSize) != 1)) {
                throw ToolException.usage("--block-size " + blockSize + " is not a power of two");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            int index = blockSize != null ? byBlockSize(c) : flbas != null ? (int) (long) flbas : 0;
            NamespaceSpec ns = new NamespaceSpec(nsze, ncap != null ? ncap : nsze, index, (int) dps, nmic == 1);
            int nsid = manage(() -> c.management().createNamespace(ns));
            out.printf("create-ns: Success, created nsid:%d%n", nsid);
        }

        /** The index of the common LBA format (Identify Namespace NSID FFFFFFFFh) with --block-size and no metadata. */
        private int byBlockSize(Controller c) {
            byte[] id = new byte[IdentifyLayout.SIZE];
            try (DmaBuffer buf = c.allocateBuffer(IdentifyLayout.SIZE)) {
                Completion done = send(c, RawCommand.of(Opcodes.ADMIN_IDENTIFY, 0xFFFF_FFFF)
                        .withCdw10(Opcodes.CNS_NAMESPACE), buf);
                if (!done.isSuccess()) {
                    throw new ToolException(name() + ": --block-size needs the controller's common LBA formats"
                            + " (Identify Namespace 0xffffffff), which it refused: NVMe status: "
                            + Status.describe(done.status()) + "; give --flbas instead (see id-ns)");
                }
                MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, id, 0, id.length);
            }
            int nlbaf = id[IdentifyLayout.NS_NLBAF] & 0xFF;
            StringBuilder all = new StringBuilder();
            for (int i = 0; i <= nlbaf; i++) {
                int d = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN).getInt(IdentifyLayout.NS_LBAF0 + 4 * i);
                int ms = IdentifyLayout.lbafMetadataSize(d);
                long size = 1L << IdentifyLayout.lbafLbads(d);
                if (ms == 0 && size == blockSize) {
                    return i;
                }
                all.append(i == 0 ? "" : ", ").append(size).append(ms == 0 ? "" : "+" + ms);
            }
            throw ToolException.usage("no LBA format with " + blockSize + "-byte blocks and no metadata (the"
                    + " controller's formats: " + all + "); give --flbas");
        }
    }

    /** {@code nvme4j delete-ns}; needs --force. */
    @Command(name = "delete-ns", mixinStandardHelpOptions = true,
            description = "Delete a namespace (its data is lost), like 'nvme delete-ns'; needs --force.")
    public static final class Delete extends OnNamespace {
        @Option(names = "--force", description = "Confirm: the namespace and its data are deleted.")
        boolean force;

        @Override
        void validate() {
            super.validate();
            if (!force) {
                throw ToolException.usage("delete-ns deletes namespace " + nsid + " and its data; add --force to"
                        + " confirm (nothing was changed)");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            manageRun(() -> c.management().deleteNamespace((int) nsid, Confirm.DESTRUCTIVE));
            out.printf("delete-ns: Success, deleted nsid:%d%n", nsid);
        }
    }

    /** Attach or detach: {@code --controllers/-c}, by default this controller. */
    abstract static class Attachment extends OnNamespace {
        @Option(names = {"--controllers", "-c"}, paramLabel = "LIST", split = ",", converter = Num.class,
                description = "Controller IDs, comma separated (default: this controller).")
        List<Long> controllers = new ArrayList<>();

        abstract boolean attach();

        @Override
        void run(Controller c, PrintWriter out) {
            List<Integer> ids = new ArrayList<>();
            for (long id : controllers) {
                if (id < 0 || id > 0xFFFF) {
                    throw ToolException.usage("Invalid value for option '--controllers': " + id + " (0-65535)");
                }
                ids.add((int) id);
            }
            if (ids.isEmpty()) {
                ids.add(manage(() -> c.management().controllerId()));
            }
            manageRun(() -> {
                if (attach()) {
                    c.management().attachNamespace((int) nsid, ids);
                } else {
                    c.management().detachNamespace((int) nsid, ids);
                }
            });
            out.printf("%s: Success, nsid:%d%n", name(), nsid);
        }
    }

    /** {@code nvme4j attach-ns}. */
    @Command(name = "attach-ns", mixinStandardHelpOptions = true,
            description = "Attach a namespace to controllers, like 'nvme attach-ns'.")
    public static final class Attach extends Attachment {
        @Override
        boolean attach() {
            return true;
        }
    }

    /** {@code nvme4j detach-ns}. */
    @Command(name = "detach-ns", mixinStandardHelpOptions = true,
            description = "Detach a namespace from controllers, like 'nvme detach-ns'.")
    public static final class Detach extends Attachment {
        @Override
        boolean attach() {
            return false;
        }
    }

    /** {@code nvme4j list-ctrl}: controller IDs of the subsystem or of a namespace, like {@code nvme list-ctrl}. */
    @Command(name = "list-ctrl", mixinStandardHelpOptions = true,
            description = "List the controller IDs of the NVM subsystem, or those a namespace is attached to,"
                    + " like 'nvme list-ctrl'.")
    public static final class ListCtrl extends AdminCommand {
        @Mixin
        Output output = new Output();

        @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "0",
                description = "Namespace (default ${DEFAULT-VALUE}: every controller of the subsystem).")
        long nsid;

        @Option(names = {"--cntid", "-c"}, paramLabel = "ID", converter = Num.class, defaultValue = "0",
                description = "List controller IDs from this one up (default ${DEFAULT-VALUE}).")
        long cntid;

        @Override
        boolean json() {
            return output.format == OutputFormat.JSON;
        }

        @Override
        void validate() {
            if (nsid < 0 || nsid > 0xFFFF_FFFFL || cntid < 0 || cntid > 0xFFFF) {
                throw ToolException.usage("--namespace-id is a 32-bit NSID and --cntid a controller ID 0-65535");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            List<Integer> ids = manage(() -> c.management().controllers((int) nsid)).stream()
                    .filter(id -> id >= cntid).toList();
            if (json()) {
                ObjectNode root = Fields.MAPPER.createObjectNode();
                root.put("num_ctrl", ids.size());
                ArrayNode list = root.putArray("ctrl_list");
                ids.forEach(id -> list.addObject().put("ctrl_id", id));
                Fields.printJson(out, root);
                return;
            }
            out.printf("num of ctrls present: %d%n", ids.size());
            for (int i = 0; i < ids.size(); i++) {
                out.printf("[%4d]:%s%n", i, ids.get(i) == 0 ? "0" : "0x" + Integer.toHexString(ids.get(i)));
            }
        }
    }

    /** {@code nvme4j id-ns-granularity}: the Namespace Granularity List (CNS 16h), like nvme-cli's. */
    @Command(name = "id-ns-granularity", mixinStandardHelpOptions = true,
            description = "Show the namespace size and capacity granularity, like 'nvme id-ns-granularity'.")
    public static final class Granularity extends AdminCommand {
        /** Descriptors a Namespace Granularity List holds. */
        static final int MAX_DESCRIPTORS = 16;

        @Mixin
        Output output = new Output();

        @Override
        boolean json() {
            return output.format == OutputFormat.JSON;
        }

        @Override
        void run(Controller c, PrintWriter out) {
            ByteBuffer b = ByteBuffer.wrap(manage(() -> c.management().namespaceGranularity()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            int numd = b.get(31) & 0xFF; // 0-based
            int n = Math.min(numd + 1, MAX_DESCRIPTORS);
            if (json()) {
                ObjectNode root = Fields.MAPPER.createObjectNode();
                root.put("attributes", b.getInt(0));
                root.put("num-descriptors", numd);
                ArrayNode list = root.putArray("namespace-granularity-list");
                for (int i = 0; i < n; i++) {
                    list.addObject().put("namespace-size-granularity", b.getLong(32 + 16 * i))
                            .put("namespace-capacity-granularity", b.getLong(40 + 16 * i));
                }
                Fields.printJson(out, root);
                return;
            }
            out.println("Identify Namespace Granularity List:");
            out.printf("   ATTR        : Namespace Granularity Attributes: 0x%x%n", b.getInt(0));
            out.printf("   NUMD        : Number of Descriptors           : %d%n", numd);
            for (int i = 0; i < n; i++) {
                int o = 32 + 16 * i;
                out.printf("\n     Entry[%2d] :%n", i);
                out.printf("................%n");
                out.printf("     NSG       : Namespace Size Granularity     : 0x%x%n", b.getLong(o));
                out.printf("     NCG       : Namespace Capacity Granularity : 0x%x%n", b.getLong(o + 8));
            }
        }
    }
}
