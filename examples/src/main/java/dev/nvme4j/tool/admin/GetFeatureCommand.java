package dev.nvme4j.tool.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.inspect.Fields;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j get-feature}: Get Features (Base 5.15), like {@code nvme get-feature}. */
@Command(name = "get-feature", mixinStandardHelpOptions = true,
        description = "Read a feature's value (all features without --feature-id), like 'nvme get-feature'.")
public final class GetFeatureCommand extends AdminCommand {
    @Option(names = {"--feature-id", "-f"}, paramLabel = "FID", converter = Num.class,
            description = "Feature identifier, 0x01-0xff (default: every feature the controller reports).")
    Long featureId;

    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "0",
            description = "Namespace for namespace-specific features (default ${DEFAULT-VALUE}).")
    long nsid;

    @Option(names = {"--sel", "-s"}, paramLabel = "SEL", defaultValue = "0",
            description = "0 current, 1 default, 2 saved, 3 supported capabilities (default ${DEFAULT-VALUE}).")
    int sel;

    @Option(names = {"--data-len", "-l"}, paramLabel = "BYTES", converter = Num.class, defaultValue = "0",
            description = "Bytes of data the feature returns, 0-4096 (default ${DEFAULT-VALUE}).")
    long dataLen;

    @Option(names = {"--cdw11", "-c"}, paramLabel = "DW", converter = Num.class, defaultValue = "0",
            description = "Feature-specific dword 11.")
    long cdw11;

    @Option(names = {"--uuid-index", "-U"}, paramLabel = "INDEX", converter = Num.class, defaultValue = "0",
            description = "UUID index of a vendor's feature, 0-127 (CDW14; default ${DEFAULT-VALUE}: none).")
    long uuidIndex;

    @Option(names = {"--human-readable", "-H"}, description = "Decode the value, as nvme-cli -H does.")
    boolean human;

    @Option(names = {"--raw-binary", "-b"}, description = "Write the feature's data to standard output as it is.")
    boolean rawBinary;

    @picocli.CommandLine.Mixin
    Output output = new Output();

    @Override
    boolean json() {
        return output.format == dev.nvme4j.tool.cli.OutputFormat.JSON;
    }

    /** Features tried when no --feature-id is given (nvme-cli tries them all and skips the unsupported). */
    private static final int[] ALL = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d,
        0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x80, 0x81, 0x82, 0x83, 0x84};

    @Override
    void validate() {
        if (featureId != null && (featureId < 1 || featureId > 0xFF)) {
            throw ToolException.usage("Invalid value for option '--feature-id': 0x" + Long.toHexString(featureId)
                    + " is not a feature identifier (0x01-0xff)");
        }
        if (uuidIndex < 0 || uuidIndex > 0x7F) {
            throw ToolException.usage("Invalid value for option '--uuid-index': " + uuidIndex + " (0-127)");
        }
        if (sel < 0 || sel > 3) {
            throw ToolException.usage("Invalid value for option '--sel': " + sel
                    + " (0 current, 1 default, 2 saved, 3 supported capabilities)");
        }
        if (dataLen > 4096) {
            throw ToolException.usage("Invalid value for option '--data-len': " + dataLen + " (at most 4096)");
        }
        if (nsid > 0xFFFF_FFFFL || cdw11 > 0xFFFF_FFFFL) {
            throw ToolException.usage("--namespace-id and --cdw11 are 32-bit values");
        }
    }

    @Override
    void run(Controller c, PrintWriter out) {
        List<Integer> fids = new ArrayList<>();
        if (featureId != null) {
            fids.add(featureId.intValue());
        } else {
            for (int f : ALL) {
                fids.add(f);
            }
        }
        ArrayNode array = Fields.MAPPER.createArrayNode();
        for (int fid : fids) {
            long len = dataLen > 0 ? dataLen : Features.dataLength(fid);
            Management.FeatureValue done;
            try {
                done = c.management().getFeature(fid, (int) nsid, sel, (int) cdw11, (int) len, (int) uuidIndex);
            } catch (NvmeException e) {
                if (e.status() < 0) {
                    throw new ToolException(name() + ": " + e.getMessage());
                }
                if (featureId == null && e.nvmeStatus() == NvmeStatus.INVALID_FIELD_IN_COMMAND) {
                    continue; // not supported: skipped when listing all, as nvme-cli does
                }
                throw new ToolException(name() + ": feature 0x" + Integer.toHexString(fid) + " ("
                        + Features.name(fid) + "): NVMe status: " + Status.describe(e.status())
                        + String.format("(0x%x)", e.status()));
            }
            int v = done.dword0();
            if (rawBinary) {
                writeBinary(done.data());
                continue;
            }
            if (json()) {
                ObjectNode o = array.addObject();
                o.put("feature_id", fid);
                o.put("name", Features.name(fid));
                o.put("sel", Features.select(sel));
                o.put("value", v & 0xFFFF_FFFFL);
                continue;
            }
            out.printf("get-feature:%s (%s), %s value:%s%n", cHex(fid, 4), Features.name(fid),
                    Features.select(sel), cHex(v & 0xFFFF_FFFFL, v != 0 ? 10 : 8));
            if (sel == 3) {
                if ((v & 1) != 0) {
                    out.println("  Feature is saveable");
                }
                if ((v & 2) != 0) {
                    out.println("  Feature is per-namespace");
                }
                if ((v & 4) != 0) {
                    out.println("  Feature is changeable");
                }
            } else if (human) {
                Features.decode(fid, v).forEach(out::println);
            } else if (len > 0) {
                HexDump.print(out, done.data());
            }
        }
        if (json()) {
            Fields.printJson(out, (ObjectNode) Fields.MAPPER.createObjectNode().set("features", array));
        }
    }
}
