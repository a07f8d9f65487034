package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nvme4j get-log}: any log page as a hex dump (Get Log Page, Base 5.16), like {@code nvme get-log},
 * with nvme-cli 2.3's options; {@code --aen} takes the page from an Asynchronous Event's result
 * (bits 23:16) and reads 4096 bytes of it, as nvme-cli does.
 */
@Command(name = "get-log", mixinStandardHelpOptions = true,
        description = "Read a log page by its identifier and show it as a hex dump, like 'nvme get-log'.")
public final class GetLogCommand extends AdminCommand {
    /** The bytes nvme-cli reads with --aen. */
    static final int AEN_LOG_LEN = 4096;

    @Option(names = {"--log-id", "-i"}, paramLabel = "LID", converter = Num.class,
            description = "Log page identifier, 0x00-0xff (or --aen).")
    Long logId;

    @Option(names = {"--log-len", "-l"}, paramLabel = "BYTES", converter = Num.class,
            description = "Bytes to read: a positive multiple of 4, at most 64 KiB (or --aen).")
    Long logLen;

    @Option(names = {"--aen", "-a"}, paramLabel = "RESULT", converter = Num.class, defaultValue = "0",
            description = "An Asynchronous Event's completion dword 0: read 4096 bytes of the log page in its bits"
                    + " 23:16, instead of --log-id and --log-len.")
    long aen;

    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "0xffffffff",
            description = "Namespace the page is about (default ${DEFAULT-VALUE}: the controller).")
    long nsid;

    @Option(names = {"--lpo", "-o"}, paramLabel = "OFFSET", converter = Num.class, defaultValue = "0",
            description = "Byte offset into the page, a multiple of 4 (an index with --ot; default ${DEFAULT-VALUE}).")
    long lpo;

    @Option(names = {"--lsp", "-s"}, paramLabel = "LSP", converter = Num.class, defaultValue = "0",
            description = "Log specific field, 0-127.")
    long lsp;

    @Option(names = {"--lsi", "-S"}, paramLabel = "LSI", converter = Num.class, defaultValue = "0",
            description = "Log specific identifier, 16 bits (CDW11 31:16; default ${DEFAULT-VALUE}).")
    long lsi;

    @Option(names = {"--rae", "-r"}, description = "Retain an asynchronous event.")
    boolean rae;

    @Option(names = {"--uuid-index", "-U"}, paramLabel = "INDEX", converter = Num.class, defaultValue = "0",
            description = "UUID index, 0-127 (default ${DEFAULT-VALUE}: none).")
    long uuidIndex;

    @Option(names = {"--csi", "-y"}, paramLabel = "CSI", converter = Num.class, defaultValue = "0",
            description = "Command set identifier (CDW14 31:24; default ${DEFAULT-VALUE}: NVM).")
    long csi;

    @Option(names = {"--ot", "-O"}, description = "Offset type: --lpo is an index into the page's data structures.")
    boolean ot;

    @Option(names = {"--raw-binary", "-b"}, description = "Write the page to standard output as it is.")
    boolean rawBinary;

    @Override
    void validate() {
        if (aen != 0) {
            logId = (aen >>> 16) & 0xFF;
            logLen = (long) AEN_LOG_LEN;
        }
        if (logId == null || logLen == null) {
            throw ToolException.usage("give the page: --log-id and --log-len, or --aen");
        }
        if (logId > 0xFF || aen > 0xFFFF_FFFFL) {
            throw ToolException.usage("Invalid value for option '--log-id': 0x" + Long.toHexString(logId)
                    + " (0x00-0xff)");
        }
        if (logLen < 4 || logLen > 65536 || logLen % 4 != 0) {
            throw ToolException.usage("Invalid value for option '--log-len': " + logLen
                    + " (a positive multiple of 4, at most 65536)");
        }
        if (lpo % 4 != 0 && !ot) {
            throw ToolException.usage("Invalid value for option '--lpo': " + lpo + " (a multiple of 4)");
        }
        if (lsp > 0x7F || nsid > 0xFFFF_FFFFL) {
            throw ToolException.usage("--lsp is 0-127 and --namespace-id a 32-bit value");
        }
        if (lsi > 0xFFFF || uuidIndex > 0x7F || csi > 0xFF) {
            throw ToolException.usage("--lsi is 16 bits, --uuid-index 0-127 and --csi a byte; got 0x"
                    + Long.toHexString(lsi) + ", " + uuidIndex + ", 0x" + Long.toHexString(csi));
        }
    }

    @Override
    void run(Controller c, PrintWriter out) {
        int bytes = (int) (long) logLen;
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_GET_LOG_PAGE, (int) nsid)
                .withCdw10(AdminFields.logPageCdw10((int) (long) logId, bytes, (int) lsp, rae))
                .withCdw11(AdminFields.logPageCdw11(bytes, (int) lsi)).withCdw12((int) lpo)
                .withCdw13((int) (lpo >>> 32)).withCdw14(AdminFields.logPageCdw14((int) uuidIndex, ot, (int) csi));
        byte[] data = new byte[bytes];
        try (DmaBuffer buf = c.allocateBuffer(bytes)) {
            admin(c, cmd, buf);
            MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
        }
        if (rawBinary) {
            writeBinary(data);
            return;
        }
        out.printf("Device:%s log-id:%d namespace-id:%#x%n", c.address(), logId, nsid);
        HexDump.print(out, data);
    }
}
