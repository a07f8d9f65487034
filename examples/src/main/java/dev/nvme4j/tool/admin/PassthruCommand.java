package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.tool.cli.ToolException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admin-passthru} and {@code io-passthru}: a raw command, like nvme-cli's. */
public abstract class PassthruCommand extends AdminCommand {
    @Option(names = {"--opcode", "-O"}, paramLabel = "OP", converter = Num.class, required = true,
            description = "Opcode.")
    long opcode;

    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "0",
            description = "NSID (default ${DEFAULT-VALUE}).")
    long nsid;

    @Option(names = {"--cdw2", "-2"}, converter = Num.class, defaultValue = "0", description = "Dword 2.")
    long cdw2;
    @Option(names = {"--cdw3", "-3"}, converter = Num.class, defaultValue = "0", description = "Dword 3.")
    long cdw3;
    @Option(names = {"--cdw10", "-4"}, converter = Num.class, defaultValue = "0", description = "Dword 10.")
    long cdw10;
    @Option(names = {"--cdw11", "-5"}, converter = Num.class, defaultValue = "0", description = "Dword 11.")
    long cdw11;
    @Option(names = {"--cdw12", "-6"}, converter = Num.class, defaultValue = "0", description = "Dword 12.")
    long cdw12;
    @Option(names = {"--cdw13", "-7"}, converter = Num.class, defaultValue = "0", description = "Dword 13.")
    long cdw13;
    @Option(names = {"--cdw14", "-8"}, converter = Num.class, defaultValue = "0", description = "Dword 14.")
    long cdw14;
    @Option(names = {"--cdw15", "-9"}, converter = Num.class, defaultValue = "0", description = "Dword 15.")
    long cdw15;

    @Option(names = {"--data-len", "-l"}, paramLabel = "BYTES", converter = Num.class, defaultValue = "0",
            description = "Bytes of the data buffer, 0-1 MiB (default ${DEFAULT-VALUE}).")
    long dataLen;

    @Option(names = {"--input-file", "-i"}, paramLabel = "FILE",
            description = "Data sent to the device (its first --data-len bytes; a shorter file is an error).")
    Path input;

    @Override
    void validate() {
        if (opcode > 0xFF || nsid > 0xFFFF_FFFFL) {
            throw ToolException.usage("--opcode is 0x00-0xff and --namespace-id a 32-bit value");
        }
        for (long v : new long[] {cdw2, cdw3, cdw10, cdw11, cdw12, cdw13, cdw14, cdw15}) {
            if (v > 0xFFFF_FFFFL) {
                throw ToolException.usage("command dwords are 32-bit values: 0x" + Long.toHexString(v));
            }
        }
        if (dataLen > 1 << 20 || (input != null && dataLen == 0)) {
            throw ToolException.usage("--data-len is 0-1048576 bytes, and > 0 with --input-file");
        }
    }

    /** Sends the command on the admin queue or an I/O queue pair. */
    abstract Completion exec(Controller c, RawCommand cmd, DmaBuffer buf);

    @Override
    void run(Controller c, PrintWriter out) {
        RawCommand cmd = new RawCommand((int) opcode, (int) nsid, (int) cdw2, (int) cdw3, (int) cdw10, (int) cdw11,
                (int) cdw12, (int) cdw13, (int) cdw14, (int) cdw15);
        try (DmaBuffer buf = dataLen > 0 ? c.allocateBuffer(dataLen) : null) {
            if (input != null) {
                byte[] b;
                try {
                    b = Files.readAllBytes(input);
                } catch (IOException e) {
                    throw ToolException.usage("--input-file " + input + ": " + e.getMessage());
                }
                if (b.length < dataLen) {
                    throw ToolException.usage("--input-file " + input + " has " + b.length + " bytes, fewer than "
                            + "--data-len " + dataLen + "; nothing was sent");
                }
                MemorySegment.copy(b, 0, buf.segment(), ValueLayout.JAVA_BYTE, 0, (int) dataLen);
            }
            Completion done = exec(c, cmd, buf);
            if (!done.isSuccess()) {
                throw failed(done.status());
            }
            out.printf("NVMe command result:%08x%n", done.dw0());
            if (buf != null && input == null) {
                byte[] data = new byte[(int) dataLen];
                MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
                HexDump.print(out, data);
            }
        }
    }

    /** {@code nvme4j admin-passthru}. */
    @Command(name = "admin-passthru", mixinStandardHelpOptions = true,
            description = "Send a raw admin command, like 'nvme admin-passthru'.")
    public static final class Admin extends PassthruCommand {
        @Override
        Completion exec(Controller c, RawCommand cmd, DmaBuffer buf) {
            return send(c, cmd, buf);
        }
    }

    /** {@code nvme4j io-passthru}. */
    @Command(name = "io-passthru", mixinStandardHelpOptions = true,
            description = "Send a raw I/O command on a queue pair, like 'nvme io-passthru'.")
    public static final class Io extends PassthruCommand {
        @Override
        Completion exec(Controller c, RawCommand cmd, DmaBuffer buf) {
            try (IoQueuePair qp = c.createQueuePair()) {
                return qp.passthroughSync(cmd, buf);
            }
        }
    }
}
