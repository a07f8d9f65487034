package dev.nvme4j.tool.admin;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code nvme4j set-feature}: Set Features (Base 5.27), like {@code nvme set-feature}. */
@Command(name = "set-feature", mixinStandardHelpOptions = true,
        description = "Change a feature's value, like 'nvme set-feature'.")
public final class SetFeatureCommand extends AdminCommand {
    @Option(names = {"--feature-id", "-f"}, paramLabel = "FID", converter = Num.class, required = true,
            description = "Feature identifier, 0x01-0xff.")
    long featureId;

    @Option(names = {"--namespace-id", "-n"}, paramLabel = "NSID", converter = Num.class, defaultValue = "0",
            description = "Namespace for namespace-specific features (default ${DEFAULT-VALUE}).")
    long nsid;

    @Option(names = {"--value", "-v"}, paramLabel = "DW", converter = Num.class, defaultValue = "0",
            description = "The new value (dword 11; default ${DEFAULT-VALUE}).")
    long value;

    @Option(names = {"--cdw12", "-c"}, paramLabel = "DW", converter = Num.class, defaultValue = "0",
            description = "Feature-specific dword 12.")
    long cdw12;

    @Option(names = {"--save", "-s"}, description = "Keep the value across power cycles (if the feature is saveable).")
    boolean save;

    @Option(names = {"--uuid-index", "-U"}, paramLabel = "INDEX", converter = Num.class, defaultValue = "0",
            description = "UUID index of a vendor's feature, 0-127 (CDW14; default ${DEFAULT-VALUE}: none).")
    long uuidIndex;

    @Option(names = {"--data-len", "-l"}, paramLabel = "BYTES", converter = Num.class,
            description = "Bytes of data to send (default: the feature's data structure, as nvme-cli sizes it;"
                    + " none for the others).")
    Long dataLen;

    @Option(names = {"--data", "-d"}, paramLabel = "FILE",
            description = "The feature's data structure (default: standard input when the feature has one).")
    java.nio.file.Path dataFile;

    @Override
    void validate() {
        if (featureId < 1 || featureId > 0xFF) {
            throw ToolException.usage("Invalid value for option '--feature-id': 0x" + Long.toHexString(featureId)
                    + " is not a feature identifier (0x01-0xff)");
        }
        if (value > 0xFFFF_FFFFL || cdw12 > 0xFFFF_FFFFL || nsid > 0xFFFF_FFFFL) {
            throw ToolException.usage("--value, --cdw12 and --namespace-id are 32-bit values");
        }
        if (uuidIndex < 0 || uuidIndex > 0x7F) {
            throw ToolException.usage("Invalid value for option '--uuid-index': " + uuidIndex + " (0-127)");
        }
        if (dataLen != null && (dataLen < 0 || dataLen > 65536)) {
            throw ToolException.usage("Invalid value for option '--data-len': " + dataLen + " (0-65536)");
        }
    }

    @Override
    void run(Controller c, PrintWriter out) {
        int fid = (int) featureId;
        int len = dataLen != null ? (int) (long) dataLen : Features.dataLength(fid);
        byte[] data = null;
        if (len > 0) {
            data = readData(dataFile, len, "--data");
            if (data.length < len) {
                throw ToolException.usage(String.format("%s has %d bytes, fewer than the %d of feature 0x%02x"
                        + " (--data-len); nothing was sent", dataFile == null ? "standard input" : "--data " + dataFile,
                        data.length, len, fid));
            }
        }
        byte[] sent = data;
        try {
            c.management().setFeature(fid, (int) nsid, (int) value, (int) cdw12, save, sent, (int) uuidIndex);
        } catch (NvmeException e) {
            if (e.status() < 0) {
                throw new ToolException(name() + ": " + e.getMessage());
            }
            throw new ToolException(name() + ": feature 0x" + Integer.toHexString(fid) + " (" + Features.name(fid)
                    + "), value 0x" + Long.toHexString(value) + ": NVMe status: " + Status.describe(e.status())
                    + String.format("(0x%x)", e.status()));
        }
        out.printf("set-feature:%s (%s), value:%s, cdw12:%s, save:%s%n", cHex(fid, 4), Features.name(fid),
                cHex(value, value != 0 ? 10 : 8), cHex(cdw12, cdw12 != 0 ? 10 : 8), save ? "0x1" : "0");
        if (data != null) {
            HexDump.print(out, data);
        }
    }
}
