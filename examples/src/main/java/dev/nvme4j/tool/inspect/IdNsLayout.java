package dev.nvme4j.tool.inspect;

import static dev.nvme4j.tool.inspect.Bits.field;
import static dev.nvme4j.tool.inspect.Bits.flag;
import static dev.nvme4j.tool.inspect.Bits.rsvd;
import static dev.nvme4j.tool.inspect.Bits.sup;

import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.tool.inspect.Layout.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Identify Namespace for the NVM command set (CNS 00h; NVM Command Set Specification 1.0,
 * figure 97): every field nvme-cli 2.3 prints, in its order, with its names, formats and
 * {@code -H} decodings. The LBA format list follows the fields ({@link #lbafLines}).
 */
final class IdNsLayout {
    private IdNsLayout() {
    }

    /** NSFEAT bit 4: NPWG, NPWA, NPDG, NPDA and NOWS are defined. */
    private static final int NSFEAT_OPTPERF = 0x10;
    /** Number of Unique Capability LBA Formats, 1 byte. */
    static final int NULBAF = 82;

    static final Layout NS = Layout.builder(8)
            .hex("nsze", IdentifyLayout.NS_NSZE, 8)
            .hex("ncap", IdentifyLayout.NS_NCAP, 8)
            .hex("nuse", IdentifyLayout.NS_NUSE, 8)
            .hex("nsfeat", IdentifyLayout.NS_NSFEAT, 1).human(Bits.of(rsvd(7, 5),
                    flag(4, "NPWG, NPWA, NPDG, NPDA, and NOWS are %sSupported", "", "Not "),
                    flag(3, "NGUID and EUI64 fields if non-zero, %sReused", "Never ", ""),
                    sup(2, "Deallocated or Unwritten Logical Block error %sSupported"),
                    flag(1, "Namespace uses %s", "NAWUN, NAWUPF, and NACWU", "AWUN, AWUPF, and ACWU"),
                    sup(0, "Thin Provisioning %sSupported")))
            .dec("nlbaf", IdentifyLayout.NS_NLBAF, 1)
            .hex("flbas", IdentifyLayout.NS_FLBAS, 1).human(Bits.of(rsvd(7, 7),
                    field(6, 5, x -> "Most significant 2 bits of Current LBA Format Selected"),
                    flag(4, "Metadata Transferred %s", "at End of Data LBA", "in Separate Contiguous Buffer"),
                    field(3, 0, x -> "Least significant 4 bits of Current LBA Format Selected")))
            .hex("mc", IdentifyLayout.NS_MC, 1).human(Bits.of(rsvd(7, 2),
                    sup(1, "Metadata Pointer %sSupported"),
                    sup(0, "Metadata as Part of Extended Data LBA %sSupported")))
            .hex("dpc", IdentifyLayout.NS_DPC, 1).human(Bits.of(rsvd(7, 5),
                    sup(4, "Protection Information Transferred as Last 8 Bytes of Metadata %sSupported"),
                    sup(3, "Protection Information Transferred as First 8 Bytes of Metadata %sSupported"),
                    sup(2, "Protection Information Type 3 %sSupported"),
                    sup(1, "Protection Information Type 2 %sSupported"),
                    sup(0, "Protection Information Type 1 %sSupported")))
            .hex("dps", IdentifyLayout.NS_DPS, 1).human(Bits.of(rsvd(7, 4),
                    flag(3, "Protection Information is Transferred as %s 8 Bytes of Metadata", "First", "Last"),
                    field(2, 0, x -> "Protection Information " + switch ((int) x) {
                        case 0 -> "Disabled";
                        case 1 -> "Type 1 Enabled";
                        case 2 -> "Type 2 Enabled";
                        case 3 -> "Type 3 Enabled";
                        default -> "Reserved Enabled";
                    })))
            .hex("nmic", 30, 1).human(Bits.of(rsvd(7, 1),
                    flag(0, "Namespace Multipath %sCapable", "", "Not ")))
            .hex("rescap", 31, 1).human(Bits.of(
                    flag(7, "Ignore Existing Key - Used as defined in revision %s", "1.3 or later", "1.2.1 or earlier"),
                    sup(6, "Exclusive Access - All Registrants %sSupported"),
                    sup(5, "Write Exclusive - All Registrants %sSupported"),
                    sup(4, "Exclusive Access - Registrants Only %sSupported"),
                    sup(3, "Write Exclusive - Registrants Only %sSupported"),
                    sup(2, "Exclusive Access %sSupported"),
                    sup(1, "Write Exclusive %sSupported"),
                    sup(0, "Persist Through Power Loss %sSupported")))
            .hex("fpi", 32, 1).human(Bits.of(
                    sup(7, "Format Progress Indicator %sSupported"),
                    field(6, 0, x -> "Format Progress Indicator (Remaining " + x + "%)")
                            .onlyIf(v -> (v & 0x80) != 0 || (v & 0x7F) != 0)))
            .dec("dlfeat", IdentifyLayout.NS_DLFEAT, 1).human(Bits.of(rsvd(7, 5),
                    flag(4, "Guard Field of Deallocated Logical Blocks is set to %s", "CRC of The Value Read",
                            "0xFFFF"),
                    sup(3, "Deallocate Bit in the Write Zeroes Command is %sSupported"),
                    field(2, 0, x -> "Bytes Read From a Deallocated Logical Block and its Metadata are "
                            + switch ((int) x) {
                                case 0 -> "Not Reported";
                                case 1 -> "0x00";
                                case 2 -> "0xFF";
                                default -> "Reserved Value";
                            })))
            .dec("nawun", 34, 2)
            .dec("nawupf", 36, 2)
            .dec("nacwu", 38, 2)
            .dec("nabsn", 40, 2)
            .dec("nabo", 42, 2)
            .dec("nabspf", 44, 2)
            .dec("noiob", 46, 2)
            .add("nvmcap", 48, 16, Kind.U128)
            .dec("npwg", 64, 2).when(IdNsLayout::optperf)
            .dec("npwa", 66, 2).when(IdNsLayout::optperf)
            .dec("npdg", 68, 2).when(IdNsLayout::optperf)
            .dec("npda", 70, 2).when(IdNsLayout::optperf)
            .dec("nows", 72, 2).when(IdNsLayout::optperf)
            .dec("mssrl", 74, 2)
            .dec("mcl", 76, 4)
            .dec("msrc", 80, 1)
            .dec("nulbaf", NULBAF, 1)
            .dec("anagrpid", 92, 4)
            .dec("nsattr", 99, 1).label("nsattr\t")
            .dec("nvmsetid", 100, 2)
            .dec("endgid", 102, 2)
            .add("nguid", 104, 16, Kind.HEXBYTES)
            .add("eui64", 120, 8, Kind.HEXBYTES)
            .build();

    private static boolean optperf(byte[] b) {
        return (Bytes.u8(b, IdentifyLayout.NS_NSFEAT) & NSFEAT_OPTPERF) != 0;
    }

    /** One LBA Format descriptor, JSON names as nvme-cli's {@code lbafs} entries. */
    static final Layout LBAF = Layout.builder(0)
            .dec("ms", 0, 2)
            .dec("ds", 2, 1)
            .dec("rp", 3, 1)
            .build();

    /** The normal-output lines of the LBA formats ({@code human}: nvme-cli's {@code -H} wording). */
    static List<String> lbafLines(byte[] b, boolean human) {
        int nlbaf = Bytes.u8(b, IdentifyLayout.NS_NLBAF);
        int count = Math.min(64, nlbaf + Bytes.u8(b, NULBAF) + 1);
        int inUse = IdentifyLayout.flbasIndex(Bytes.u8(b, IdentifyLayout.NS_FLBAS));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int off = IdentifyLayout.NS_LBAF0 + IdentifyLayout.NS_LBAF_SIZE * i;
            int ms = Bytes.u16(b, off);
            int ds = Bytes.u8(b, off + 2);
            int rp = Bytes.u8(b, off + 3);
            String used = i == inUse ? "(in use)" : "";
            if (human) {
                String perf = switch (rp & 3) {
                    case 0 -> "Best";
                    case 1 -> "Better";
                    case 2 -> "Good";
                    default -> "Degraded";
                };
                lines.add(String.format("LBA Format %2d : Metadata Size: %-3d bytes - Data Size: %-2d bytes - "
                        + "Relative Performance: %s %s %s", i, ms, 1L << ds, Layout.cHex(rp), perf, used));
            } else {
                lines.add(String.format("lbaf %2d : ms:%-3d lbads:%-2d rp:%s %s", i, ms, ds, Layout.cHex(rp), used));
            }
        }
        return lines;
    }
}
