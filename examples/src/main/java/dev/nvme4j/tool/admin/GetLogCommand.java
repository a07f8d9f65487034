package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j get-log}: any log page as a hex dump (Get Log Page, Base 5.16), like {@code nvme get-log}. */
@Command(name = "get-log", mixinStandardHelpOptions = true,
        description = "Read a log page by its identifier and show it as a hex dump, like 'nvme get-log'.")
public final class GetLogCommand extends AdminCommand {
    @Option(names = {"--log-id", "-i"}, paramLabel = "LID", converter = Num.class, required = true,
            description = "Log page identifier, 0x00-0xff.")
    long logId;

    @Option(names = {"--log-len", "-l"}, paramLabel = "BYTES", converter = Num.class, required = true,
            description = "Bytes to read: a positive multiple of 4, at most 64 KiB.")
    long logLen;

    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "0xffffffff",
            description = "Namespace the page is about (default ${DEFAULT-VALUE}: the controller).")
    long nsid;

    @Option(names = {"--lpo", "-o"}, paramLabel = "OFFSET", converter = Num.class, defaultValue = "0",
            description = "Byte offset into the page, a multiple of 4 (default ${DEFAULT-VALUE}).")
    long lpo;

    @Option(names = {"--lsp", "-s"}, paramLabel = "LSP", converter = Num.class, defaultValue = "0",
            description = "Log specific field, 0-127.")
    long lsp;

    @Option(names = {"--rae", "-r"}, description = "Retain an asynchronous event.")
    boolean rae;

    @Option(names = {"--raw-binary", "-b"}, description = "Write the page to standard output as it is.")
    boolean rawBinary;

    @Override
    void validate() {
        if (logId > 0xFF) {
            throw ToolException.usage("Invalid value for option '--log-id': 0x" + Long.toHexString(logId)
                    + " (0x00-0xff)");
        }
        if (logLen < 4 || logLen > 65536 || logLen % 4 != 0) {
            throw ToolException.usage("Invalid value for option '--log-len': " + logLen
                    + " (a positive multiple of 4, at most 65536)");
        }
        if (lpo % 4 != 0) {
            throw ToolException.usage("Invalid value for option '--lpo': " + lpo + " (a multiple of 4)");
        }
        if (lsp > 0x7F || nsid > 0xFFFF_FFFFL) {
            throw ToolException.usage("--lsp is 0-127 and --namespace-id a 32-bit value");
        }
    }

    @Override
    void run(Controller c, PrintWriter out) {
        long numd = logLen / 4 - 1;
        RawCommand cmd = RawCommand.of(Opcodes.ADMIN_GET_LOG_PAGE, (int) nsid)
                .withCdw10((int) (logId | lsp << 8 | (rae ? 1 << 15 : 0) | (numd & 0xFFFF) << 16))
                .withCdw11((int) (numd >>> 16)).withCdw12((int) lpo).withCdw13((int) (lpo >>> 32));
        byte[] data = new byte[(int) logLen];
        try (DmaBuffer buf = c.allocateBuffer(logLen)) {
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
