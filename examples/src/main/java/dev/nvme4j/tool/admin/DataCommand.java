package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.tool.cli.ToolException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code read}, {@code write} and {@code compare} (NVM Command Set 3.3.4, 3.3.6, 3.2.1) with
 * nvme-cli's options: {@code --start-block/-s}, {@code --block-count/-c} (0-based),
 * {@code --data-size/-z}, {@code --data/-d FILE}.
 */
public abstract class DataCommand extends IoCommand {
    @Option(names = {"--start-block", "-s"}, paramLabel = "SLBA", converter = Num.class, defaultValue = "0",
            description = "First logical block (default ${DEFAULT-VALUE}).")
    long slba;

    @Option(names = {"--block-count", "-c"}, paramLabel = "NLB", converter = Num.class, defaultValue = "0",
            description = "Number of blocks, 0-based as in nvme-cli: 0 is one block (default ${DEFAULT-VALUE}).")
    long nlb;

    @Option(names = {"--data-size", "-z"}, paramLabel = "BYTES", converter = Num.class,
            description = "Bytes to transfer (default: the blocks' size); at least the blocks' size.")
    Long dataSize;

    @Option(names = {"--data", "-d"}, paramLabel = "FILE",
            description = "File the data is read from (write, compare) or written to (read); default: standard"
                    + " input (write, compare) or output (read), as nvme-cli.")
    Path data;

    @Option(names = {"--force-unit-access", "-f"}, description = "FUA: the data reaches the media before completion.")
    boolean fua;

    @Option(names = {"--limited-retry", "-l"}, description = "LR: the controller applies limited retry efforts.")
    boolean limitedRetry;

    @Option(names = {"--dsm", "-D"}, paramLabel = "ATTR", converter = Num.class, defaultValue = "0",
            description = "Dataset Management attributes, CDW13 bits 7:0 (default ${DEFAULT-VALUE}).")
    long dsm;

    @Option(names = {"--dir-type", "-T"}, paramLabel = "DTYPE", converter = Num.class, defaultValue = "0",
            description = "Directive type 0-15, CDW12 bits 23:20 (default ${DEFAULT-VALUE}).")
    long dirType;

    @Option(names = {"--dir-spec", "-S"}, paramLabel = "DSPEC", converter = Num.class, defaultValue = "0",
            description = "Directive specific, CDW13 bits 31:16, with --dir-type (default ${DEFAULT-VALUE}).")
    long dirSpec;

    @Option(names = {"--latency", "-t"}, description = "Print the command's latency, as nvme-cli.")
    boolean latency;

    @Override
    void validate() {
        super.validate();
        if (dsm < 0 || dsm > 0xFF || dirType < 0 || dirType > 0xF || dirSpec < 0 || dirSpec > 0xFFFF) {
            throw ToolException.usage("--dsm is a byte, --dir-type 0-15 and --dir-spec 16 bits; got 0x"
                    + Long.toHexString(dsm) + ", " + dirType + ", 0x" + Long.toHexString(dirSpec));
        }
    }

    abstract int opcode();

    /** True when the data goes from the host to the device (the file is read). */
    abstract boolean toDevice();

    @Override
    void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
        int n = blocks(ns, slba, nlb);
        long bytes = (long) n * ns.lbaSize();
        long size = dataSize != null ? dataSize : bytes;
        if (size < bytes) {
            throw ToolException.usage(String.format("--data-size %d is less than the %d block(s) of %d bytes "
                    + "(--block-count %d + 1) = %d bytes", size, n, ns.lbaSize(), nlb, bytes));
        }
        long max = c.info().maxTransferBytes();
        if (max > 0 && bytes > max) {
            throw ToolException.usage(String.format("%d bytes exceed the controller's maximum transfer of %d bytes "
                    + "(MDTS); use --block-count %d or less", bytes, max, max / ns.lbaSize() - 1));
        }
        try (DmaBuffer buf = c.allocateBuffer(bytes)) {
            if (toDevice()) {
                fill(buf.segment(), bytes);
            }
            int cdw12 = (n - 1) | (int) dirType << 20 | (fua ? 1 << 30 : 0) | (limitedRetry ? 1 << 31 : 0);
            int cdw13 = (int) dsm | (dirType != 0 ? (int) dirSpec << 16 : 0);
            RawCommand cmd = RawCommand.of(opcode(), ns.nsid()).withCdw10((int) slba).withCdw11((int) (slba >>> 32))
                    .withCdw12(cdw12).withCdw13(cdw13);
            long start = System.nanoTime();
            submit(qp, cmd, buf);
            if (latency) {
                out.printf(" latency: %s: %d us%n", name(), (System.nanoTime() - start) / 1000);
            }
            if (!toDevice()) {
                store(buf.segment(), bytes);
            }
        }
        success(name() + ": Success");
    }

    /**
     * Reads {@code bytes} of the file (standard input without --data) into the buffer; fewer bytes
     * are an error and nothing is sent.
     */
    private void fill(MemorySegment seg, long bytes) {
        byte[] b = readData(data, (int) bytes, "--data");
        if (b.length < bytes) {
            throw ToolException.usage(String.format("%s has %d bytes, fewer than the %d to %s; nothing was sent",
                    data == null ? "standard input" : "--data " + data, b.length, bytes, name()));
        }
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, b.length);
    }

    private void store(MemorySegment seg, long bytes) {
        byte[] b = new byte[(int) bytes];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, b, 0, b.length);
        if (data == null) {
            writeBinary(b); // nvme-cli writes to standard output without --data
            return;
        }
        try (OutputStream o = Files.newOutputStream(data)) {
            o.write(b);
        } catch (IOException e) {
            throw new ToolException(name() + ": cannot write --data " + data + ": " + e.getMessage());
        }
    }

    /** {@code nvme4j read}. */
    @Command(name = "read", mixinStandardHelpOptions = true, description = "Read blocks into a file, like 'nvme read'.")
    public static final class Read extends DataCommand {
        @Override
        int opcode() {
            return 0x02;
        }

        @Override
        boolean toDevice() {
            return false;
        }
    }

    /** {@code nvme4j write}. */
    @Command(name = "write", mixinStandardHelpOptions = true,
            description = "Write blocks from a file, like 'nvme write'.")
    public static final class Write extends DataCommand {
        @Override
        int opcode() {
            return 0x01;
        }

        @Override
        boolean toDevice() {
            return true;
        }
    }

    /** {@code nvme4j compare}. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Compare blocks with a file (Compare command), like 'nvme compare'.")
    public static final class Compare extends DataCommand {
        @Override
        int opcode() {
            return 0x05;
        }

        @Override
        boolean toDevice() {
            return true;
        }

        @Override
        void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
            requireSupported(c, OptionalCommand.COMPARE);
            super.io(c, ns, qp, out);
        }
    }
}
