package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.api.Protection;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code read}, {@code write} and {@code compare} (NVM Command Set 3.3.4, 3.3.6, 3.2.1) with
 * nvme-cli's options: {@code --start-block/-s}, {@code --block-count/-c} (0-based),
 * {@code --data-size/-z}, {@code --data/-d FILE}, the separate metadata ({@code --metadata/-M},
 * {@code --metadata-size/-y}), end-to-end protection ({@link ProtectionOptions},
 * {@code --storage-tag/-g}), directives and {@code --show-command/-v}, {@code --dry-run/-w}.
 * On a namespace with extended LBAs the data carries each block's metadata (except PRACT with 8
 * bytes of protection information, where none moves), as the controller transfers it.
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

    @Option(names = {"--metadata-size", "-y"}, paramLabel = "BYTES", converter = Num.class,
            description = "Bytes of separate metadata (a namespace whose format has metadata in a separate"
                    + " buffer needs it); at least the blocks' metadata.")
    Long metadataSize;

    @Option(names = {"--metadata", "-M"}, paramLabel = "FILE",
            description = "File the separate metadata is read from (write, compare) or written to (read);"
                    + " default: standard input or output after the data, as nvme-cli.")
    Path metadata;

    @Mixin
    ProtectionOptions pi = new ProtectionOptions();

    @Option(names = {"--storage-tag", "-g"}, paramLabel = "TAG", converter = Num.class, defaultValue = "0",
            description = "Storage tag for end-to-end protection (default ${DEFAULT-VALUE}).")
    long storageTag;

    @Option(names = {"--dsm", "-D"}, paramLabel = "ATTR", converter = Num.class, defaultValue = "0",
            description = "Dataset Management attributes, CDW13 bits 7:0 (default ${DEFAULT-VALUE}).")
    long dsm;

    @Option(names = {"--dir-type", "-T"}, paramLabel = "DTYPE", converter = Num.class, defaultValue = "0",
            description = "Directive type 0-15, CDW12 bits 23:20 (default ${DEFAULT-VALUE}).")
    long dirType;

    @Option(names = {"--dir-spec", "-S"}, paramLabel = "DSPEC", converter = Num.class, defaultValue = "0",
            description = "Directive specific, CDW13 bits 31:16, with --dir-type (default ${DEFAULT-VALUE}).")
    long dirSpec;

    @Option(names = {"--show-command", "-v"}, description = "Print the command before sending it, as nvme-cli.")
    boolean showCommand;

    @Option(names = {"--dry-run", "-w"}, description = "Print the command and do not send it.")
    boolean dryRun;

    @Option(names = {"--latency", "-t"}, description = "Print the command's latency, as nvme-cli.")
    boolean latency;

    @Option(names = "--force", description = "Accepted as nvme-cli's: nvme4j always owns the controller exclusively"
            + " (vfio-pci), so there is no shared access to override.")
    boolean force;

    @Override
    void validate() {
        super.validate();
        if (dsm < 0 || dsm > 0xFF || dirType < 0 || dirType > 0xF || dirSpec < 0 || dirSpec > 0xFFFF) {
            throw ToolException.usage("--dsm is a byte, --dir-type 0-15 and --dir-spec 16 bits; got 0x"
                    + Long.toHexString(dsm) + ", " + dirType + ", 0x" + Long.toHexString(dirSpec));
        }
        pi.validate(storageTag);
    }

    abstract int opcode();

    /** True when the data goes from the host to the device (the file is read). */
    abstract boolean toDevice();

    @Override
    void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
        int n = blocks(ns, slba, nlb);
        Protection moved = pi.pract() ? Protection.CONTROLLER_DEFAULT : null; // what moves: PRACT may strip 8-byte PI
        long bytes = (long) n * ns.dataBytesPerBlock(moved);
        long size = dataSize != null ? dataSize : bytes;
        if (size < bytes) {
            throw ToolException.usage(String.format("--data-size %d is less than the %d block(s) of %d bytes "
                    + "(--block-count %d + 1) = %d bytes", size, n, ns.dataBytesPerBlock(moved), nlb, bytes));
        }
        long metaBytes = separateMetadata(ns, n, ns.metadataBytesPerBlock(moved));
        long max = c.info().maxTransferBytes();
        if (max > 0 && bytes > max) {
            throw ToolException.usage(String.format("%d bytes exceed the controller's maximum transfer of %d bytes "
                    + "(MDTS); use --block-count %d or less", bytes, max, max / ns.dataBytesPerBlock(moved) - 1));
        }
        try (DmaBuffer buf = c.allocateBuffer(bytes); DmaBuffer meta = metaBytes > 0 ? c.allocateBuffer(metaBytes)
                : null) {
            if (toDevice()) {
                fill(buf.segment(), bytes, size, data, "--data");
                if (meta != null) {
                    fill(meta.segment(), metaBytes, metaBytes, metadata, "--metadata");
                }
            }
            int cdw12 = (n - 1) | (int) dirType << 20 | pi.control() << 16;
            int cdw13 = (int) dsm | (dirType != 0 ? (int) dirSpec << 16 : 0);
            RawCommand cmd = RawCommand.of(opcode(), ns.nsid()).withCdw10((int) slba).withCdw11((int) (slba >>> 32))
                    .withCdw12(cdw12).withCdw13(cdw13).withCdw14(pi.cdw14()).withCdw15(pi.cdw15());
            if (showCommand || dryRun) {
                show(out, ns, buf, meta, cdw13);
                if (dryRun) {
                    return;
                }
            }
            long start = System.nanoTime();
            Completion done = qp.passthroughSync(cmd, buf, meta);
            if (latency) {
                out.printf(" latency: %s: %d us%n", name(), (System.nanoTime() - start) / 1000);
            }
            check(done);
            if (!toDevice()) {
                store(buf.segment(), bytes, data, "--data");
                if (meta != null) {
                    store(meta.segment(), metaBytes, metadata, "--metadata");
                }
            }
        }
        success(name() + ": Success");
    }

    /**
     * Bytes of the separate metadata buffer: {@code n * perBlock} (at least, with --metadata-size),
     * 0 when none moves; a namespace that has separate metadata needs --metadata-size.
     */
    private long separateMetadata(Namespace ns, int n, int perBlock) {
        long needed = (long) n * perBlock;
        if (metadataSize == null) {
            if (needed > 0) {
                throw ToolException.usage(String.format("namespace %d has %d bytes of metadata per block in a separate"
                        + " buffer (%s): give --metadata-size %d (and --metadata FILE), or --prinfo with PRACT (8)"
                        + " when the metadata is 8 bytes of protection information", ns.nsid(), perBlock,
                        ns.describeFormat(), needed));
            }
            return 0;
        }
        if (needed == 0) {
            throw ToolException.usage("--metadata-size: namespace " + ns.nsid() + " moves no separate metadata ("
                    + ns.describeFormat() + (ns.extendedLba() && ns.metadataSize() > 0 ? "; it travels in the data"
                    : "") + (pi.pract() && ns.metadataSize() > 0 ? "; PRACT strips the protection information" : "")
                    + "); drop --metadata-size");
        }
        if (metadataSize < needed) {
            throw ToolException.usage(String.format("--metadata-size %d is less than the %d block(s) of %d bytes of"
                    + " metadata = %d bytes", metadataSize, n, perBlock, needed));
        }
        return metadataSize;
    }

    /** nvme-cli's --show-command lines: the buffers' host addresses, as nvme-cli prints its own. */
    private void show(PrintWriter out, Namespace ns, DmaBuffer buf, DmaBuffer meta, int dsmgmt) {
        out.printf("opcode       : %02x%nnsid         : %02x%nflags        : %02x%ncontrol      : %04x%n",
                opcode(), ns.nsid(), 0, pi.control() | (int) dirType << 4);
        out.printf("nblocks      : %04x%nmetadata     : %x%naddr         : %x%nslba         : %x%n", nlb,
                meta == null ? 0 : meta.segment().address(), buf.segment().address(), slba);
        out.printf("dsmgmt       : %08x%nreftag       : %x%napptag       : %04x%nappmask      : %04x%n", dsmgmt,
                pi.refTag, pi.appTag, pi.appTagMask);
        out.printf("storagetagcheck : %04x%nstoragetag      : %x%npif             : %02x%nsts             : %02x%n",
                pi.storageTagCheck ? 1 : 0, storageTag, 0, 0);
    }

    /**
     * Reads {@code size} bytes of {@code file} (standard input when null; --data-size may ask for
     * more than the blocks take) and puts the first {@code bytes} into {@code seg}; fewer than
     * {@code size} are an error and nothing is sent.
     */
    private void fill(MemorySegment seg, long bytes, long size, Path file, String option) {
        byte[] b = readData(file, (int) size, option);
        if (b.length < size) {
            throw ToolException.usage(String.format("%s has %d bytes, fewer than the %d to %s; nothing was sent",
                    file == null ? "standard input" : option + " " + file, b.length, size, name()));
        }
        MemorySegment.copy(b, 0, seg, ValueLayout.JAVA_BYTE, 0, (int) bytes);
    }

    private void store(MemorySegment seg, long bytes, Path file, String option) {
        byte[] b = new byte[(int) bytes];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, b, 0, b.length);
        if (file == null) {
            writeBinary(b); // nvme-cli writes to standard output without --data / --metadata
            return;
        }
        try (OutputStream o = Files.newOutputStream(file)) {
            o.write(b);
        } catch (IOException e) {
            throw new ToolException(name() + ": cannot write " + option + " " + file + ": " + e.getMessage());
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
