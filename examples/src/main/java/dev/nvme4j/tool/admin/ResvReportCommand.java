package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import picocli.CommandLine.Command;
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

    @Override
    void validate() {
        if (numd < 1 || numd > 1024) {
            throw ToolException.usage("Invalid value for option '--numd': " + numd + " (1-1024)");
        }
    }

    @Override
    void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
        requireOncs(c, 5, "Reservations");
        byte[] data = new byte[(int) numd * 4];
        try (DmaBuffer buf = c.allocateBuffer(data.length)) {
            submit(qp, RawCommand.of(OPCODE, ns.nsid()).withCdw10((int) numd - 1).withCdw11(eds ? 1 : 0), buf);
            java.lang.foreign.MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
        }
        if (rawBinary) {
            writeBinary(data);
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int regctl = data.length >= 7 ? b.getShort(5) & 0xFFFF : 0;
        out.println("\nNVME Reservation status:\n");
        out.printf("gen       : %d%n", b.getInt(0) & 0xFFFF_FFFFL);
        out.printf("rtype     : %d%n", data[4] & 0xFF);
        out.printf("regctl    : %d%n", regctl);
        out.printf("ptpls     : %d%n", data.length > 9 ? data[9] & 0xFF : 0);
        int header = eds ? 64 : 24;
        int entry = eds ? 64 : 24;
        for (int i = 0; i < regctl && header + entry * (i + 1) <= data.length; i++) {
            int o = header + entry * i;
            out.printf("regctl[%d] :%n", i);
            out.printf("  cntlid  : %x%n", b.getShort(o) & 0xFFFF);
            out.printf("  rcsts   : %x%n", data[o + 2] & 0xFF);
            if (eds) {
                out.printf("  rkey    : %x%n", b.getLong(o + 16));
                out.printf("  hostid  : %016x%016x%n", Long.reverseBytes(b.getLong(o + 32)),
                        Long.reverseBytes(b.getLong(o + 40)));
            } else {
                out.printf("  hostid  : %x%n", b.getLong(o + 8));
                out.printf("  rkey    : %x%n", b.getLong(o + 16));
            }
        }
        out.println();
    }
}
