package dev.nvme4j.tool.admin;

import dev.nvme4j.tool.cli.ToolException;
import picocli.CommandLine.Option;

/**
 * The end-to-end protection and control options nvme-cli's read, write, compare and write-zeroes
 * share (NVM Command Set 1.0, 3.2.6 and 5.2): {@code --prinfo/-p} (PRACT and PRCHK, CDW12 bits
 * 29:26), {@code --ref-tag/-r} (EILBRT, CDW14), {@code --app-tag/-a} and {@code --app-tag-mask/-m}
 * (CDW15), {@code --storage-tag-check/-C} (STC, CDW12 bit 24), {@code --limited-retry/-l} and
 * {@code --force-unit-access/-f}. The storage tag option itself is the command's: nvme-cli gives
 * it {@code -g} on read and write but {@code -S} on write-zeroes.
 *
 * <p>The driver knows the namespaces' 16-bit guard protection information only (the extended LBA
 * formats of the I/O Command Set specific Identify Namespace are not read): as nvme-cli when that
 * Identify is not offered, the storage tag size is 0 bits and the reference tag 32 bits.
 */
final class ProtectionOptions {
    /** CDW12 upper half (nvme-cli's "control"): LR bit 15, FUA bit 14, PRINFO bits 13:10, STC bit 8. */
    static final int CONTROL_LR = 1 << 15;
    static final int CONTROL_FUA = 1 << 14;
    static final int CONTROL_PRINFO_SHIFT = 10;
    static final int CONTROL_STC = 1 << 8;
    /** PRINFO bit 3: PRACT, the controller inserts (write) or strips (read) the protection information. */
    static final int PRINFO_PRACT = 8;

    @Option(names = {"--prinfo", "-p"}, paramLabel = "PRINFO", converter = Num.class, defaultValue = "0",
            description = "Protection information action and checks, 0-15: bit 3 PRACT, bits 2:0 check guard,"
                    + " application tag, reference tag (default ${DEFAULT-VALUE}).")
    long prinfo;

    @Option(names = {"--ref-tag", "-r"}, paramLabel = "TAG", converter = Num.class, defaultValue = "0",
            description = "Expected initial logical block reference tag (EILBRT; default ${DEFAULT-VALUE}).")
    long refTag;

    @Option(names = {"--app-tag", "-a"}, paramLabel = "TAG", converter = Num.class, defaultValue = "0",
            description = "Application tag, 16 bits (default ${DEFAULT-VALUE}).")
    long appTag;

    @Option(names = {"--app-tag-mask", "-m"}, paramLabel = "MASK", converter = Num.class, defaultValue = "0",
            description = "Bits of the application tag that are checked, 16 bits (default ${DEFAULT-VALUE}).")
    long appTagMask;

    @Option(names = {"--storage-tag-check", "-C"}, description = "STC: check the storage tag.")
    boolean storageTagCheck;

    @Option(names = {"--limited-retry", "-l"}, description = "LR: the controller applies limited retry efforts.")
    boolean limitedRetry;

    @Option(names = {"--force-unit-access", "-f"}, description = "FUA: the data reaches the media before completion.")
    boolean fua;

    /** Checks the values with {@code storageTag}, the command's --storage-tag; throws a usage error. */
    void validate(long storageTag) {
        if (prinfo < 0 || prinfo > 0xF) {
            throw ToolException.usage("Invalid value for option '--prinfo': " + prinfo + " (0-15: PRACT bit 3,"
                    + " PRCHK bits 2:0)");
        }
        if (appTag < 0 || appTag > 0xFFFF || appTagMask < 0 || appTagMask > 0xFFFF) {
            throw ToolException.usage("--app-tag and --app-tag-mask are 16-bit values; got 0x" + Long.toHexString(appTag)
                    + " and 0x" + Long.toHexString(appTagMask));
        }
        if (storageTag != 0) {
            throw ToolException.usage("Storage tag larger than storage tag size: --storage-tag 0x"
                    + Long.toHexString(storageTag) + ", but the storage tag size is 0 bits (16-bit guard protection"
                    + " information without storage tags); give --storage-tag 0");
        }
        if (refTag < 0 || refTag > 0xFFFF_FFFFL) {
            throw ToolException.usage("Reference tag larger than allowed by PIF: --ref-tag 0x" + Long.toHexString(refTag)
                    + ", but 16-bit guard protection information has a 32-bit reference tag");
        }
    }

    /** True when PRACT is set. */
    boolean pract() {
        return (prinfo & PRINFO_PRACT) != 0;
    }

    /** nvme-cli's "control": the upper 16 bits of CDW12 these options set. */
    int control() {
        return (int) prinfo << CONTROL_PRINFO_SHIFT | (limitedRetry ? CONTROL_LR : 0) | (fua ? CONTROL_FUA : 0)
                | (storageTagCheck ? CONTROL_STC : 0);
    }

    /** CDW14: the reference tag (with a storage tag size of 0). */
    int cdw14() {
        return (int) refTag;
    }

    /** CDW15: application tag mask in bits 31:16, application tag in bits 15:0. */
    int cdw15() {
        return (int) (appTagMask << 16 | appTag);
    }
}
