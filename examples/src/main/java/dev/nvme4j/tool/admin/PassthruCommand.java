package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.tool.cli.ToolException;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code admin-passthru} and {@code io-passthru}: a raw command, like nvme-cli's. */
public abstract class PassthruCommand extends AdminCommand {
    @Option(names = {"--opcode", "-o", "-O"}, paramLabel = "OP", converter = Num.class, required = true,
            description = "Opcode; its bit 0 makes the command a write (data to the device), bit 1 a read.")
    long opcode;

    @Option(names = {"--flags", "-f"}, paramLabel = "FLAGS", converter = Num.class, defaultValue = "0",
            description = "Command flags (CDW0 15:8); only 0: the driver sets PSDT and sends no fused pairs.")
    long flags;

    @Option(names = {"--prefill", "-p"}, paramLabel = "BYTE", converter = Num.class, defaultValue = "0",
            description = "Fill the data buffer with this byte first (default ${DEFAULT-VALUE}).")
    long prefill;

    @Option(names = {"--read", "-r"}, description = "The command reads: data from the device.")
    boolean read;

    @Option(names = {"--write", "-w"}, description = "The command writes: data to the device.")
    boolean write;

    @Option(names = {"--raw-binary", "-b"}, description = "Write the data read to standard output as it is.")
    boolean rawBinary;

    @Option(names = {"--show-command", "-s"}, description = "Print the command before sending it.")
    boolean showCommand;

    @Option(names = {"--dry-run", "-d"}, description = "Print the command and do not send it.")
    boolean dryRun;

    @Option(names = {"--latency", "-T"}, description = "Print the command's latency.")
    boolean latency;

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

    @Option(names = {"--metadata-len", "-m"}, paramLabel = "BYTES", converter = Num.class, defaultValue = "0",
            description = "Bytes of the separate metadata buffer (MPTR), io-passthru only (default ${DEFAULT-VALUE}).")
    long metadataLen;

    @Option(names = {"--metadata", "-M"}, paramLabel = "FILE",
            description = "Write: the metadata sent (default: standard input after the data). Read: the file the"
                    + " metadata goes to.")
    Path metadata;

    @Option(names = {"--timeout", "-t"}, paramLabel = "MS", converter = Num.class, defaultValue = "0",
            description = "Command timeout in milliseconds (default ${DEFAULT-VALUE}: the driver's admin or I/O"
                    + " timeout); when it passes the driver aborts the command.")
    long timeoutMs;

    @Option(names = {"--rsvd", "-R"}, paramLabel = "VALUE", converter = Num.class, defaultValue = "0",
            description = "nvme-cli's reserved field of its ioctl structure: shown by --show-command, never sent"
                    + " (an NVMe command has no such field; Linux does not send it either).")
    long rsvd;

    @Option(names = {"--input-file", "-i"}, paramLabel = "FILE",
            description = "Write: the data sent (its first --data-len bytes; a shorter file is an error; default:"
                    + " standard input). Read: the file the data goes to (default: a hex dump).")
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
        if (metadataLen > 1 << 20 || rsvd > 0xFFFF || timeoutMs > 0xFFFF_FFFFL) {
            throw ToolException.usage("--metadata-len is 0-1048576 bytes, --rsvd 16 bits and --timeout 32 bits");
        }
        if (metadataLen > 0 && admin()) {
            throw ToolException.usage("Invalid value for option '--metadata-len': " + metadataLen + "; the driver"
                    + " sends admin commands without a metadata pointer (MPTR): metadata belongs to I/O commands,"
                    + " use io-passthru");
        }
        if (metadata != null && metadataLen == 0) {
            throw ToolException.usage("--metadata " + metadata + " needs --metadata-len: the bytes of metadata");
        }
        if (flags != 0) {
            throw ToolException.usage("Invalid value for option '--flags': 0x" + Long.toHexString(flags) + "; only 0:"
                    + " the driver sets PSDT (PRPs) itself and sends no fused commands");
        }
        if (prefill < 0 || prefill > 0xFF) {
            throw ToolException.usage("Invalid value for option '--prefill': " + prefill + " (a byte)");
        }
        write |= (opcode & 1) != 0;
        read |= (opcode & 2) != 0;
        if (dataLen > 0 && !read && !write) {
            throw ToolException.usage("data direction not given: opcode 0x" + Long.toHexString(opcode) + " has bits 1:0"
                    + " 00b; add --read or --write");
        }
        if (metadataLen > 0 && !read && !write) {
            throw ToolException.usage("data direction not given: opcode 0x" + Long.toHexString(opcode) + " has bits 1:0"
                    + " 00b; add --read or --write");
        }
        if (read && write && dataLen > 0) {
            throw ToolException.usage("a command with data either reads or writes, not both (opcode bits 1:0 11b"
                    + " or --read with --write)");
        }
    }

    /** Sends the command on the admin queue or an I/O queue pair. */
    abstract Completion exec(Controller c, RawCommand cmd, DmaBuffer buf, DmaBuffer meta);

    /** True for admin-passthru. */
    abstract boolean admin();

    /** io-passthru: the I/O timeout (the tool sends no other I/O command). */
    @Override
    ControllerOptions.Builder options(ControllerOptions.Builder b) {
        return timeoutMs == 0 || admin() ? b : b.ioTimeout(Duration.ofMillis(timeoutMs));
    }

    /** admin-passthru: this command's own timeout (the controller's bring-up keeps the driver's). */
    @Override
    Duration commandTimeout() {
        return timeoutMs == 0 ? null : Duration.ofMillis(timeoutMs);
    }

    @Override
    long waitSeconds() {
        return Math.max(ADMIN_DEADLINE_SECONDS, 3 * (timeoutMs + 999) / 1000);
    }

    @Override
    void run(Controller c, PrintWriter out) {
        RawCommand cmd = new RawCommand((int) opcode, (int) nsid, (int) cdw2, (int) cdw3, (int) cdw10, (int) cdw11,
                (int) cdw12, (int) cdw13, (int) cdw14, (int) cdw15);
        byte[] meta = new byte[(int) metadataLen];
        java.util.Arrays.fill(meta, (byte) prefill);
        byte[] data = new byte[(int) dataLen];
        java.util.Arrays.fill(data, (byte) prefill);
        if (write && metadataLen > 0) {
            meta = input(metadata, "--metadata", metadataLen, "--metadata-len"); // nvme-cli reads it first
        }
        if (write && dataLen > 0) {
            data = input(input, "--input-file", dataLen, "--data-len");
        }
        String what = (admin() ? "Admin" : "IO") + " Command " + commandName();
        try (DmaBuffer buf = dataLen > 0 ? c.allocateBuffer(dataLen) : null;
             DmaBuffer mbuf = metadataLen > 0 ? c.allocateBuffer(metadataLen) : null) {
            copy(data, buf);
            copy(meta, mbuf);
            if (showCommand || dryRun) {
                show(out, buf, mbuf);
                if (dryRun) {
                    return;
                }
            }
            long start = System.nanoTime();
            Completion done = exec(c, cmd, buf, mbuf);
            long micros = (System.nanoTime() - start) / 1000;
            if (latency) {
                out.printf("%s latency: %d us%n", what, micros);
            }
            if (!done.isSuccess()) {
                throw failed(done.status());
            }
            out.flush();
            spec.commandLine().getErr().printf("%s is Success and result: 0x%08x%n", what, done.dw0());
            if (!read) {
                return;
            }
            if (mbuf != null && metadata != null) {
                write(mbuf, metadataLen, metadata, "--metadata");
            }
            if (buf == null) {
                return;
            }
            MemorySegment.copy(buf.segment(), ValueLayout.JAVA_BYTE, 0, data, 0, data.length);
            if (input != null) {
                write(buf, dataLen, input, "--input-file");
            } else if (rawBinary) {
                writeBinary(data);
            } else {
                HexDump.print(out, data);
            }
        }
    }

    /** nvme-cli's --show-command lines, with the buffers' host addresses (0: none) as it prints its own. */
    private void show(PrintWriter out, DmaBuffer buf, DmaBuffer mbuf) {
        out.printf("opcode       : %02x%nflags        : %02x%nrsvd1        : %04x%nnsid         : %08x%n"
                + "cdw2         : %08x%ncdw3         : %08x%ndata_len     : %08x%nmetadata_len : %08x%n",
                opcode, flags, rsvd, nsid, cdw2, cdw3, dataLen, metadataLen);
        out.printf("addr         : %x%nmetadata     : %x%n", buf == null ? 0 : buf.segment().address(),
                mbuf == null ? 0 : mbuf.segment().address());
        out.printf("cdw10        : %08x%ncdw11        : %08x%ncdw12        : %08x%ncdw13        : %08x%n"
                + "cdw14        : %08x%ncdw15        : %08x%ntimeout_ms   : %08x%n", cdw10, cdw11, cdw12, cdw13,
                cdw14, cdw15, timeoutMs);
    }

    /** {@code len} bytes of {@code file} (standard input when null); fewer are an error and nothing is sent. */
    private byte[] input(Path file, String option, long len, String lenOption) {
        byte[] b = readData(file, (int) len, option);
        if (b.length < len) {
            throw ToolException.usage((file == null ? "standard input" : option + " " + file) + " has " + b.length
                    + " bytes, fewer than " + lenOption + " " + len + "; nothing was sent");
        }
        return b;
    }

    private static void copy(byte[] from, DmaBuffer to) {
        if (to != null) {
            MemorySegment.copy(from, 0, to.segment(), ValueLayout.JAVA_BYTE, 0, from.length);
        }
    }

    private void write(DmaBuffer from, long len, Path file, String option) {
        try {
            Files.write(file, from.segment().asSlice(0, len)
                    .toArray(ValueLayout.JAVA_BYTE));
        } catch (IOException e) {
            throw new ToolException(name() + ": cannot write " + option + " " + file + ": " + e.getMessage());
        }
    }

    /** The opcode's name as nvme-cli prints it, "Vendor Specific" for one it does not know. */
    private String commandName() {
        String n = admin() ? Opcodes.adminName((int) opcode) : Opcodes.ioName((int) opcode);
        return n.contains("opcode 0x") ? "Vendor Specific" : n;
    }

    /** {@code nvme4j admin-passthru}. */
    @Command(name = "admin-passthru", mixinStandardHelpOptions = true,
            description = "Send a raw admin command, like 'nvme admin-passthru'.")
    public static final class Admin extends PassthruCommand {
        @Override
        Completion exec(Controller c, RawCommand cmd, DmaBuffer buf, DmaBuffer meta) {
            return send(c, cmd, buf); // no metadata: refused in validate()
        }

        @Override
        boolean admin() {
            return true;
        }
    }

    /** {@code nvme4j io-passthru}. */
    @Command(name = "io-passthru", mixinStandardHelpOptions = true,
            description = "Send a raw I/O command on a queue pair, like 'nvme io-passthru'.")
    public static final class Io extends PassthruCommand {
        @Override
        Completion exec(Controller c, RawCommand cmd, DmaBuffer buf, DmaBuffer meta) {
            try (IoQueuePair qp = c.createQueuePair()) {
                return manage(() -> qp.passthroughSync(cmd, buf, meta));
            }
        }

        @Override
        boolean admin() {
            return false;
        }
    }
}
