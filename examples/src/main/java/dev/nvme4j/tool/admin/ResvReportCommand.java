package dev.nvme4j.tool.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.inspect.Fields;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code nvme4j resv-report}: Reservation Report (NVM Command Set 3.2.5, an I/O command), like
 * {@code nvme resv-report}; needs reservations (Identify Controller ONCS bit 5).
 */
@Command(name = "resv-report", mixinStandardHelpOptions = true,
        description = "Show a namespace's reservation status and registrants, like 'nvme resv-report'.")
public final class ResvReportCommand extends IoCommand {
    /** Reservation Report opcode. */
    static final int OPCODE = 0x0E;

    @Option(names = {"--numd", "-d"}, paramLabel = "DWORDS", converter = Num.class, defaultValue = "1024",
            description = "Dwords to transfer, 1-1024 (default ${DEFAULT-VALUE}).")
    long numd;

    @Option(names = {"--eds", "-e"}, description = "Extended data structure (128-bit host identifiers).")
    boolean eds;

    @Option(names = {"--raw-binary", "-b"}, description = "Write the report to standard output as it is.")
    boolean rawBinary;

    @Mixin
    Output output = new Output();

    @Override
    boolean json() {
        return output.format == OutputFormat.JSON;
    }

    @Override
    void validate() {
        if (numd < 1 || numd > 1024) {
            throw ToolException.usage("Invalid value for option '--numd': " + numd + " (1-1024)");
        }
    }

    @Override
    void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
        requireSupported(c, OptionalCommand.RESERVATIONS);
        byte[] data = new byte[(int) numd * 4];
        try (DmaBuffer buf = c.allocateBuffer(data.length)) {
            submit(qp, RawCommand.of(OPCODE, ns.nsid()).withCdw10((int) numd - 1).withCdw11(eds ? 1 : 0), buf);
            java.lang.foreign.MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
        }
        if (rawBinary) {
            writeBinary(data);
            return;
        }
        print(data, eds, json(), out);
    }

    /**
     * Prints a Reservation Status data structure (NVM Command Set 3.2.5, figures 71-74) as nvme-cli
     * does: the header, then the registrants that both the count and the transferred bytes cover.
     */
    public static void print(byte[] data, boolean eds, boolean json, PrintWriter out) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int header = eds ? 64 : 24;
        int entry = eds ? 64 : 24;
        int regctl = data.length >= 7 ? b.getShort(5) & 0xFFFF : 0;
        int shown = Math.min(regctl, Math.max(0, (data.length - header) / entry));
        long gen = data.length >= 4 ? b.getInt(0) & 0xFFFF_FFFFL : 0;
        int rtype = data.length > 4 ? data[4] & 0xFF : 0;
        int ptpls = data.length > 9 ? data[9] & 0xFF : 0;
        if (json) {
            ObjectNode root = Fields.MAPPER.createObjectNode();
            root.put("gen", gen);
            root.put("rtype", rtype);
            root.put("regctl", regctl);
            root.put("ptpls", ptpls);
            ArrayNode list = root.putArray(eds ? "regctlext" : "regctls");
            for (int i = 0; i < shown; i++) {
                int o = header + entry * i;
                ObjectNode rc = list.addObject();
                rc.put("cntlid", b.getShort(o) & 0xFFFF);
                rc.put("rcsts", data[o + 2] & 0xFF);
                if (eds) {
                    rc.put("rkey", new BigInteger(Long.toUnsignedString(b.getLong(o + 16))));
                    rc.put("hostid", hostId128(data, o + 32));
                } else {
                    rc.put("hostid", new BigInteger(Long.toUnsignedString(b.getLong(o + 8))));
                    rc.put("rkey", new BigInteger(Long.toUnsignedString(b.getLong(o + 16))));
                }
            }
            Fields.printJson(out, root);
            return;
        }
        out.println("\nNVME Reservation status:\n");
        out.printf("gen       : %d%n", gen);
        out.printf("rtype     : %d%n", rtype);
        out.printf("regctl    : %d%n", regctl);
        out.printf("ptpls     : %d%n", ptpls);
        for (int i = 0; i < shown; i++) {
            int o = header + entry * i;
            if (eds) {
                out.printf("regctlext[%d] :%n", i);
                out.printf("  cntlid     : %x%n", b.getShort(o) & 0xFFFF);
                out.printf("  rcsts      : %x%n", data[o + 2] & 0xFF);
                out.printf("  rkey       : %x%n", b.getLong(o + 16));
                out.printf("  hostid     : %s%n", hostId128(data, o + 32));
            } else {
                out.printf("regctl[%d] :%n", i);
                out.printf("  cntlid  : %x%n", b.getShort(o) & 0xFFFF);
                out.printf("  rcsts   : %x%n", data[o + 2] & 0xFF);
                out.printf("  hostid  : %x%n", b.getLong(o + 8));
                out.printf("  rkey    : %x%n", b.getLong(o + 16));
            }
        }
        out.println();
    }

    /** A 128-bit Host Identifier as its 16 bytes in order, two hex digits each. */
    private static String hostId128(byte[] data, int at) {
        StringBuilder sb = new StringBuilder(32);
        for (int j = 0; j < 16; j++) {
            sb.append(String.format("%02x", data[at + j] & 0xFF));
        }
        return sb.toString();
    }
}
