package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The I/O commands without a data file: flush, write-zeroes and dsm. */
public final class BlockCommands {
    private BlockCommands() {
    }

    /** {@code nvme4j flush} (NVM Command Set 3.2.2 Flush). */
    @Command(name = "flush", mixinStandardHelpOptions = true,
            description = "Commit the volatile write cache of a namespace to media, like 'nvme flush'.")
    public static final class Flush extends IoCommand {
        @Override
        void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
            submit(qp, RawCommand.of(0x00, ns.nsid()), null);
            out.println("NVMe Flush: success");
        }
    }

    /** {@code nvme4j write-zeroes} (NVM Command Set 3.3.7), with nvme-cli 2.3's options. */
    @Command(name = "write-zeroes", mixinStandardHelpOptions = true,
            description = "Zero blocks without a data transfer, like 'nvme write-zeroes'.")
    public static final class WriteZeroes extends IoCommand {
        /** CDW12 bit 25: Deallocate (DEAC). */
        private static final int CDW12_DEAC = 1 << 25;

        @Option(names = {"--start-block", "-s"}, paramLabel = "SLBA", converter = Num.class, defaultValue = "0",
                description = "First logical block (default ${DEFAULT-VALUE}).")
        long slba;

        @Option(names = {"--block-count", "-c"}, paramLabel = "NLB", converter = Num.class, defaultValue = "0",
                description = "Number of blocks, 0-based (default ${DEFAULT-VALUE}: one block).")
        long nlb;

        @Option(names = {"--deac", "-d"}, description = "Deallocate the blocks too (DEAC).")
        boolean deac;

        @Mixin
        ProtectionOptions pi = new ProtectionOptions();

        @Option(names = {"--storage-tag", "-S"}, paramLabel = "TAG", converter = Num.class, defaultValue = "0",
                description = "Storage tag for end-to-end protection (default ${DEFAULT-VALUE}).")
        long storageTag;

        @Override
        void validate() {
            super.validate();
            pi.validate(storageTag);
        }

        @Override
        void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
            requireSupported(c, OptionalCommand.WRITE_ZEROES);
            int n = blocks(ns, slba, nlb);
            int cdw12 = (n - 1) | (deac ? CDW12_DEAC : 0) | pi.control() << 16;
            submit(qp, RawCommand.of(0x08, ns.nsid()).withCdw10((int) slba).withCdw11((int) (slba >>> 32))
                    .withCdw12(cdw12).withCdw14(pi.cdw14()).withCdw15(pi.cdw15()), null);
            out.println("NVME Write Zeroes Success");
        }
    }

    /** {@code nvme4j dsm} (NVM Command Set 3.3.3 Dataset Management). */
    @Command(name = "dsm", mixinStandardHelpOptions = true,
            description = "Dataset Management over ranges (--ad deallocates), like 'nvme dsm'.")
    public static final class Dsm extends IoCommand {
        @Option(names = {"--slbs", "-s"}, paramLabel = "LIST", split = ",", converter = Num.class, required = true,
                description = "First blocks of the ranges, comma separated.")
        List<Long> slbs;

        @Option(names = {"--blocks", "-b"}, paramLabel = "LIST", split = ",", converter = Num.class, required = true,
                description = "Blocks in each range (1-based, as nvme-cli), comma separated.")
        List<Long> blocks;

        @Option(names = {"--ad", "-d"}, description = "Attribute Deallocate.")
        boolean ad;

        @Option(names = {"--idw", "-w"}, description = "Attribute Integral Dataset for Write.")
        boolean idw;

        @Option(names = {"--idr", "-r"}, description = "Attribute Integral Dataset for Read.")
        boolean idr;

        @Option(names = {"--ctx-attrs", "-a"}, paramLabel = "LIST", split = ",", converter = Num.class,
                description = "Context attributes of each range (32 bits each), comma separated (default 0).")
        List<Long> contextAttributes = new java.util.ArrayList<>();

        @Option(names = {"--cdw11", "-c"}, paramLabel = "DW", converter = Num.class, defaultValue = "0",
                description = "All of dword 11's attributes at once, instead of --ad, --idw and --idr.")
        long cdw11;

        @Override
        void validate() {
            if (slbs.size() != blocks.size()) {
                throw ToolException.usage("--slbs has " + slbs.size() + " entries and --blocks " + blocks.size()
                        + "; give one block count per range");
            }
            if (slbs.size() > 256) {
                throw ToolException.usage("at most 256 ranges, got " + slbs.size());
            }
            if (contextAttributes.size() > slbs.size()) {
                throw ToolException.usage("--ctx-attrs has " + contextAttributes.size() + " entries for "
                        + slbs.size() + " ranges; give at most one per range");
            }
            if (cdw11 > 0xFFFF_FFFFL || contextAttributes.stream().anyMatch(a -> a < 0 || a > 0xFFFF_FFFFL)) {
                throw ToolException.usage("--cdw11 and each --ctx-attrs entry are 32-bit values");
            }
        }

        @Override
        void io(Controller c, Namespace ns, IoQueuePair qp, PrintWriter out) {
            requireSupported(c, OptionalCommand.DATASET_MANAGEMENT);
            for (int i = 0; i < slbs.size(); i++) {
                if (blocks.get(i) < 1) {
                    throw ToolException.usage("--blocks entry " + (i + 1) + " is " + blocks.get(i)
                            + "; each range needs at least 1 block");
                }
                blocks(ns, slbs.get(i), blocks.get(i) - 1);
            }
            try (DmaBuffer buf = c.allocateBuffer(4096)) {
                var le32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                var le64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < slbs.size(); i++) {
                    if (i < contextAttributes.size()) {
                        buf.segment().set(le32, 16L * i, (int) (long) contextAttributes.get(i));
                    }
                    buf.segment().set(le32, 16L * i + 4, (int) (long) blocks.get(i));
                    buf.segment().set(le64, 16L * i + 8, slbs.get(i));
                }
                int attrs = cdw11 != 0 ? (int) cdw11 : (idr ? 1 : 0) | (idw ? 2 : 0) | (ad ? 4 : 0);
                submit(qp, RawCommand.of(0x09, ns.nsid()).withCdw10(slbs.size() - 1).withCdw11(attrs), buf);
            }
            out.println("NVMe DSM: success");
        }
    }
}
