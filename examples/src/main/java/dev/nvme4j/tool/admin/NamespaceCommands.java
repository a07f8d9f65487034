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

    /** {@code nvme4j create-ns}, with nvme-cli 2.3's options. */
    @Command(name = "create-ns", mixinStandardHelpOptions = true,
            description = "Create a namespace from the unallocated capacity (attach it with attach-ns), like"
                    + " 'nvme create-ns'.")
    public static final class Create extends AdminCommand {
        /** nvme-cli's SI suffixes of --nsze-si and --ncap-si: powers of 1000. */
        private static final String SI_SUFFIXES = "kMGTPEZYRQ";

        @Option(names = {"--nsze", "-s"}, paramLabel = "BLOCKS", converter = Num.class,
                description = "Size in logical blocks (NSZE), or --nsze-si.")
        Long nsze;

        @Option(names = {"--ncap", "-c"}, paramLabel = "BLOCKS", converter = Num.class,
                description = "Capacity in logical blocks (NCAP; default: the size).")
        Long ncap;

        @Option(names = {"--nsze-si", "-S"}, paramLabel = "SIZE",
                description = "Size with an SI suffix (k, M, G, T, P, E: powers of 1000), e.g. 1G: bytes, divided by"
                        + " the LBA format's block and metadata size; without a suffix, blocks.")
        String nszeSi;

        @Option(names = {"--ncap-si", "-C"}, paramLabel = "SIZE", description = "Capacity as --nsze-si.")
        String ncapSi;

        @Option(names = {"--flbas", "-f"}, paramLabel = "FLBAS", converter = Num.class,
                description = "Formatted LBA size (FLBAS) as nvme-cli: the LBA format index in bits 3:0 (6:5 above"
                        + " 16), bit 4 extended LBAs (default 0 unless --block-size).")
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

        @Option(names = {"--anagrp-id", "-a"}, paramLabel = "ANAGRPID", converter = Num.class, defaultValue = "0",
                description = "ANA group identifier (ANAGRPID; default ${DEFAULT-VALUE}).")
        long anaGroupId;

        @Option(names = {"--nvmset-id", "-i"}, paramLabel = "NVMSETID", converter = Num.class, defaultValue = "0",
                description = "NVM Set identifier (NVMSETID; default ${DEFAULT-VALUE}).")
        long nvmSetId;

        @Option(names = {"--csi", "-y"}, paramLabel = "CSI", converter = Num.class, defaultValue = "0",
                description = "Command set identifier of the namespace (default ${DEFAULT-VALUE}: NVM).")
        long csi;

        @Option(names = {"--lbstm", "-l"}, paramLabel = "MASK", converter = Num.class, defaultValue = "0",
                description = "Logical block storage tag mask (LBSTM; default ${DEFAULT-VALUE}).")
        long lbstm;

        @Option(names = {"--timeout", "-t"}, paramLabel = "MS", converter = Num.class, defaultValue = "120000",
                description = "How long the command may take, in milliseconds (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Override
        void validate() {
            if (nsze != null && nszeSi != null || ncap != null && ncapSi != null) {
                throw ToolException.usage("Invalid specification of both " + (nsze != null && nszeSi != null ? "nsze"
                        : "ncap") + " and its SI argument, please specify only one");
            }
            if (nsze == null && nszeSi == null) {
                throw ToolException.usage("give the size: --nsze=BLOCKS or --nsze-si=SIZE");
            }
            if (flbas != null && (flbas < 0 || flbas > 0x7F) || dps > 15 || nmic > 1) {
                throw ToolException.usage("--flbas is 0-0x7f, --dps 0-15 and --nmic 0 or 1");
            }
            if (anaGroupId > 0xFFFF_FFFFL || nvmSetId > 0xFFFF || csi > 0xFF) {
                throw ToolException.usage("--anagrp-id is 32 bits, --nvmset-id 16 and --csi 8; got 0x"
                        + Long.toHexString(anaGroupId) + ", 0x" + Long.toHexString(nvmSetId) + ", 0x"
                        + Long.toHexString(csi));
            }
            Num.commandTimeout(timeoutMs);
            if (flbas != null && blockSize != null) {
                throw ToolException.usage("give --flbas or --block-size, not both");
            }
            if (blockSize != null && (blockSize < 1 || Long.bitCount(blockSize) != 1)) {
                throw ToolException.usage("--block-size " + blockSize + " is not a power of two");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            byte[] common = blockSize != null || nszeSi != null || ncapSi != null ? commonFormats(c) : null;
            int fl = blockSize != null ? byBlockSize(common) : flbas != null ? (int) (long) flbas : 0;
            int index = IdentifyLayout.flbasIndex(fl);
            long size = nszeSi != null ? si(nszeSi, "--nsze-si", common, index) : nsze;
            long cap = ncapSi != null ? si(ncapSi, "--ncap-si", common, index) : ncap != null ? ncap : size;
            if (size < 1 || cap < 1 || cap > size) {
                throw ToolException.usage("the size and capacity are positive block counts with the capacity at most"
                        + " the size; got " + size + " and " + cap);
            }
            NamespaceSpec ns = new NamespaceSpec(size, cap, index, (int) dps, nmic == 1,
                    (fl & IdentifyLayout.FLBAS_EXTENDED) != 0, (int) anaGroupId, (int) nvmSetId, (int) csi, lbstm);
            int nsid = manage(() -> c.management().createNamespace(ns, Num.commandTimeout(timeoutMs)));
            out.printf("create-ns: Success, created nsid:%d%n", nsid);
        }

        /**
         * nvme-cli's SI sizes: a number with a suffix is bytes, divided by the block size plus
         * metadata of LBA format {@code index}; without one it is blocks.
         */
        private long si(String value, String option, byte[] common, int index) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]*\\.?[0-9]+)([a-zA-Z]?)").matcher(value);
            boolean ok = m.matches() && (m.group(2).isEmpty() ? !m.group(1).contains(".")
                    : SI_SUFFIXES.contains(m.group(2)));
            if (!ok) {
                throw ToolException.usage("Expected long suffixed integer argument for '" + option + "' but got '"
                        + value + "'! (a number with k, M, G, T, P or E)");
            }
            double n = Double.parseDouble(m.group(1));
            if (m.group(2).isEmpty()) {
                return (long) n;
            }
            if (index > (common[IdentifyLayout.NS_NLBAF] & 0xFF)) {
                throw ToolException.usage("--flbas: LBA format " + index + " is not one of the controller's (see"
                        + " id-ns)");
            }
            int d = ByteBuffer.wrap(common).order(ByteOrder.LITTLE_ENDIAN).getInt(IdentifyLayout.NS_LBAF0 + 4 * index);
            long perBlock = (1L << IdentifyLayout.lbafLbads(d)) + IdentifyLayout.lbafMetadataSize(d);
            return (long) (n * Math.pow(1000, SI_SUFFIXES.indexOf(m.group(2)) + 1)) / perBlock;
        }

        /** The controller's common LBA formats (Identify Namespace NSID FFFFFFFFh). */
        private byte[] commonFormats(Controller c) {
            byte[] id = new byte[IdentifyLayout.SIZE];
            try (DmaBuffer buf = c.allocateBuffer(IdentifyLayout.SIZE)) {
                Completion done = send(c, RawCommand.of(Opcodes.ADMIN_IDENTIFY, 0xFFFF_FFFF)
                        .withCdw10(Opcodes.CNS_NAMESPACE), buf);
                if (!done.isSuccess()) {
                    throw new ToolException(name() + ": --block-size and the SI sizes need the controller's common LBA"
                            + " formats (Identify Namespace 0xffffffff), which it refused: NVMe status: "
                            + Status.describe(done.status()) + "; give --flbas and --nsze instead (see id-ns)");
                }
                MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, id, 0, id.length);
            }
            return id;
        }

        /** The index of the common LBA format with --block-size and no metadata. */
        private int byBlockSize(byte[] id) {
            int nlbaf = id[IdentifyLayout.NS_NLBAF] & 0xFF;
            StringBuilder all = new StringBuilder();
            for (int i = 0; i <= nlbaf; i++) {
                int d = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN).getInt(IdentifyLayout.NS_LBAF0 + 4 * i);
                int ms = IdentifyLayout.lbafMetadataSize(d);
                long size = 1L << IdentifyLayout.lbafLbads(d);
                if (ms == 0 && size == blockSize) {
                    return IdentifyLayout.flbas(i, false);
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

        @Option(names = {"--timeout", "-t"}, paramLabel = "MS", converter = Num.class, defaultValue = "120000",
                description = "How long the command may take, in milliseconds (default ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Override
        void validate() {
            super.validate();
            Num.commandTimeout(timeoutMs);
            if (!force) {
                throw ToolException.usage("delete-ns deletes namespace " + nsid + " and its data; add --force to"
                        + " confirm (nothing was changed)");
            }
        }

        @Override
        void run(Controller c, PrintWriter out) {
            manageRun(() -> c.management().deleteNamespace((int) nsid, Num.commandTimeout(timeoutMs),
                    Confirm.DESTRUCTIVE));
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
