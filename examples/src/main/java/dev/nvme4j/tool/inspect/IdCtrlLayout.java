package dev.nvme4j.tool.inspect;

import static dev.nvme4j.tool.inspect.Bits.field;
import static dev.nvme4j.tool.inspect.Bits.flag;
import static dev.nvme4j.tool.inspect.Bits.line;
import static dev.nvme4j.tool.inspect.Bits.rsvd;
import static dev.nvme4j.tool.inspect.Bits.sup;

import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.tool.inspect.Layout.Kind;
import java.util.List;

/**
 * Identify Controller (CNS 01h; NVMe Base Specification 2.0, figure 275) and its power state
 * descriptors (figure 276): every field nvme-cli 2.3 prints, in its order, with its names and
 * formats, and the {@code -H} decodings of the bit fields.
 */
final class IdCtrlLayout {
    private IdCtrlLayout() {
    }

    /** Offset of power state descriptor 0; 32 bytes each, NPSS + 1 of them. */
    static final int PSD0 = 2048;
    static final int PSD_SIZE = 32;
    static final int NPSS = 263;

    private static Layout.Human temp(String meaning) {
        return Bits.of(line(" [15:0] : ", Layout::kelvin, meaning));
    }

    private static Layout.Human capacity(String meaning) {
        return v -> List.of("[127:0] : " + v, "\t" + meaning, "");
    }

    /** The controller fields (the power states follow in {@link #PSD}). */
    static final Layout CTRL = Layout.builder(10)
            .hex("vid", IdentifyLayout.CTRL_VID, 2)
            .hex("ssvid", IdentifyLayout.CTRL_SSVID, 2)
            .add("sn", IdentifyLayout.CTRL_SN, IdentifyLayout.CTRL_SN_LEN, Kind.STR)
            .add("mn", IdentifyLayout.CTRL_MN, IdentifyLayout.CTRL_MN_LEN, Kind.STR)
            .add("fr", IdentifyLayout.CTRL_FR, IdentifyLayout.CTRL_FR_LEN, Kind.STR)
            .dec("rab", IdentifyLayout.CTRL_RAB, 1)
            .add("ieee", 73, 3, Kind.IEEE)
            .hex("cmic", 76, 1).human(Bits.of(rsvd(7, 4),
                    flag(3, "ANA %ssupported", "", "not "),
                    flag(2, "%s", "SR-IOV", "PCI"),
                    flag(1, "%s Controller", "Multi", "Single"),
                    flag(0, "%s Port", "Multi", "Single")))
            .dec("mdts", IdentifyLayout.CTRL_MDTS, 1)
            .hex("cntlid", IdentifyLayout.CTRL_CNTLID, 2)
            .hex("ver", IdentifyLayout.CTRL_VER, 4)
            .hex("rtd3r", 84, 4)
            .hex("rtd3e", IdentifyLayout.CTRL_RTD3E, 4)
            .hex("oaes", IdentifyLayout.CTRL_OAES, 4).human(Bits.of(
                    sup(31, "Discovery Log Change Notice %sSupported"),
                    rsvd(30, 28),
                    sup(27, "Zone Descriptor Changed Notices %sSupported"),
                    rsvd(26, 16),
                    sup(15, "Normal NSS Shutdown Event %sSupported"),
                    sup(14, "Endurance Group Event Aggregate Log Page Change Notice %sSupported"),
                    sup(13, "LBA Status Information Notices %sSupported"),
                    sup(12, "Predictable Latency Event Aggregate Log Change Notices %sSupported"),
                    sup(11, "Asymmetric Namespace Access Change Notices %sSupported"),
                    rsvd(10, 10),
                    sup(9, "Firmware Activation Notices %sSupported"),
                    sup(8, "Namespace Attribute Changed Event %sSupported"),
                    rsvd(7, 0)))
            .hex("ctratt", 96, 4).human(Bits.of(
                    rsvd(31, 20).at(" [31:20] : "),
                    sup(19, "Flexible Data Placement %sSupported"),
                    rsvd(18, 16),
                    sup(15, "Extended LBA Formats %sSupported"),
                    sup(14, "Delete NVM Set %sSupported"),
                    sup(13, "Delete Endurance Group %sSupported"),
                    sup(12, "Variable Capacity Management %sSupported"),
                    sup(11, "Fixed Capacity Management %sSupported"),
                    sup(10, "Multi Domain Subsystem %sSupported"),
                    sup(9, "UUID List %sSupported"),
                    sup(8, "SQ Associations %sSupported"),
                    sup(7, "Namespace Granularity %sSupported"),
                    sup(6, "Traffic Based Keep Alive %sSupported"),
                    sup(5, "Predictable Latency Mode %sSupported"),
                    sup(4, "Endurance Groups %sSupported"),
                    sup(3, "Read Recovery Levels %sSupported"),
                    sup(2, "NVM Sets %sSupported"),
                    sup(1, "Non-Operational Power State Permissive %sSupported"),
                    sup(0, "128-bit Host Identifier %sSupported")))
            .hex("rrls", 100, 2)
            .dec("cntrltype", IdentifyLayout.CTRL_CNTRLTYPE, 1).human(Bits.of(
                    field(7, 2, x -> "Reserved"),
                    line("  [1:0] : ", Layout::cHex, v -> switch ((int) (v & 3)) {
                        case 0 -> "Controller type not reported";
                        case 1 -> "I/O Controller";
                        case 2 -> "Discovery Controller";
                        default -> "Administrative Controller";
                    })).noBlank())
            .add("fguid", 112, 16, Kind.UUID)
            .dec("crdt1", 128, 2)
            .dec("crdt2", 130, 2)
            .dec("crdt3", 132, 2)
            .dec("nvmsr", 253, 1).human(Bits.of(
                    rsvd(7, 2).at(" [7:2] : "),
                    flag(1, "NVM subsystem %spart of an Enclosure", "", "Not "),
                    flag(0, "NVM subsystem %spart of an Storage Device", "", "Not ")))
            .dec("vwci", 254, 1).human(Bits.of(
                    flag(7, "VPD Write Cycles Remaining field is %svalid.", "", "Not "),
                    field(6, 0, x -> "VPD Write Cycles Remaining ")))
            .dec("mec", 255, 1).human(Bits.of(
                    rsvd(7, 2).at(" [7:2] : "),
                    flag(1, "NVM subsystem %scontains a Management Endpoint on a PCIe port", "", "Not "),
                    flag(0, "NVM subsystem %scontains a Management Endpoint on an SMBus/I2C port", "", "Not ")))
            .hex("oacs", IdentifyLayout.CTRL_OACS, 2).human(Bits.of(
                    rsvd(15, 11).at(" [15:11] : "),
                    sup(10, "Lockdown Command and Feature %sSupported"),
                    sup(9, "Get LBA Status Capability %sSupported"),
                    sup(8, "Doorbell Buffer Config %sSupported"),
                    sup(7, "Virtualization Management %sSupported"),
                    sup(6, "NVMe-MI Send and Receive %sSupported"),
                    sup(5, "Directives %sSupported"),
                    sup(4, "Device Self-test %sSupported"),
                    sup(3, "NS Management and Attachment %sSupported"),
                    sup(2, "FW Commit and Download %sSupported"),
                    sup(1, "Format NVM %sSupported"),
                    sup(0, "Security Send and Receive %sSupported")))
            .dec("acl", IdentifyLayout.CTRL_ACL, 1)
            .dec("aerl", IdentifyLayout.CTRL_AERL, 1)
            .hex("frmw", IdentifyLayout.CTRL_FRMW, 1).human(Bits.of(
                    rsvd(7, 6),
                    sup(5, "Multiple FW or Boot Update Detection %sSupported"),
                    sup(4, "Firmware Activate Without Reset %sSupported"),
                    field(3, 1, x -> "Number of Firmware Slots"),
                    flag(0, "Firmware Slot 1 Read%s", "-Only", "/Write")))
            .hex("lpa", IdentifyLayout.CTRL_LPA, 1).human(Bits.of(
                    rsvd(7, 7),
                    sup(6, "Telemetry Log Data Area 4 %sSupported"),
                    sup(5, "LID 0x0, Scope of each command in LID 0x5, 0x12, 0x13 %sSupported"),
                    sup(4, "Persistent Event log %sSupported"),
                    sup(3, "Telemetry host/controller initiated log page %sSupported"),
                    sup(2, "Extended data for Get Log Page %sSupported"),
                    sup(1, "Command Effects Log Page %sSupported"),
                    sup(0, "SMART/Health Log Page per NS %sSupported")))
            .dec("elpe", IdentifyLayout.CTRL_ELPE, 1).human(Bits.of(
                    line("  [7:0] : ", v -> v + " (0's based)", "Error Log Page Entries (ELPE)")))
            .dec("npss", NPSS, 1).human(Bits.of(
                    line("  [7:0] : ", v -> v + " (0's based)", "Number of Power States Support (NPSS)")))
            .hex("avscc", 264, 1).human(Bits.of(rsvd(7, 1),
                    flag(0, "Admin Vendor Specific Commands uses %s Format", "NVMe", "Vendor Specific")))
            .hex("apsta", 265, 1).human(Bits.of(rsvd(7, 1),
                    sup(0, "Autonomous Power State Transitions %sSupported")))
            .dec("wctemp", 266, 2).human(temp("Warning Composite Temperature Threshold (WCTEMP)"))
            .dec("cctemp", 268, 2).human(temp("Critical Composite Temperature Threshold (CCTEMP)"))
            .dec("mtfa", 270, 2)
            .dec("hmpre", 272, 4)
            .dec("hmmin", 276, 4)
            .add("tnvmcap", 280, 16, Kind.U128).human(capacity("Total NVM Capacity (TNVMCAP)"))
            .add("unvmcap", 296, 16, Kind.U128).human(capacity("Unallocated NVM Capacity (UNVMCAP)"))
            .hex("rpmbs", 312, 4).human(Bits.of(
                    field(31, 24, x -> "Access Size").at(" [31:24]: "),
                    field(23, 16, x -> "Total Size").at(" [23:16]: "),
                    rsvd(15, 6).at(" [15:6] : "),
                    field(5, 3, x -> "Authentication Method"),
                    field(2, 0, x -> "Number of RPMB Units")))
            .dec("edstt", 316, 2)
            .dec("dsto", 318, 1)
            .dec("fwug", 319, 1)
            .dec("kas", 320, 2)
            .hex("hctma", 322, 2).human(Bits.of(rsvd(15, 1).at(" [15:1] : "),
                    sup(0, "Host Controlled Thermal Management %sSupported")))
            .dec("mntmt", 324, 2).human(temp("Minimum Thermal Management Temperature (MNTMT)"))
            .dec("mxtmt", 326, 2).human(temp("Maximum Thermal Management Temperature (MXTMT)"))
            .hex("sanicap", 328, 4).human(Bits.of(
                    field(31, 30, x -> switch ((int) x) {
                        case 0 -> "Additional media modification after sanitize operation completes successfully"
                                + " is not defined";
                        case 1 -> "Media is not additionally modified after sanitize operation completes successfully";
                        case 2 -> "Media is additionally modified after sanitize operation completes successfully";
                        default -> "Reserved";
                    }),
                    flag(29, "No-Deallocate After Sanitize bit in Sanitize command %sSupported", "Not ", ""),
                    rsvd(28, 3),
                    sup(2, "Overwrite Sanitize Operation %sSupported").at("    [2:2] : "),
                    sup(1, "Block Erase Sanitize Operation %sSupported").at("    [1:1] : "),
                    sup(0, "Crypto Erase Sanitize Operation %sSupported").at("    [0:0] : ")))
            .dec("hmminds", 332, 4)
            .dec("hmmaxd", 336, 2)
            .dec("nsetidmax", 338, 2)
            .dec("endgidmax", 340, 2)
            .dec("anatt", 342, 1)
            .dec("anacap", 343, 1).human(Bits.of(
                    sup(7, "Non-zero group ID %sSupported"),
                    flag(6, "Group ID does %schange", "not ", ""),
                    rsvd(5, 5).at(" [5:5] : "),
                    sup(4, "ANA Change state %sSupported"),
                    sup(3, "ANA Persistent Loss state %sSupported"),
                    sup(2, "ANA Inaccessible state %sSupported"),
                    sup(1, "ANA Non-optimized state %sSupported"),
                    sup(0, "ANA Optimized state %sSupported")))
            .dec("anagrpmax", 344, 4)
            .dec("nanagrpid", 348, 4)
            .dec("pels", 352, 4)
            .dec("domainid", 356, 2)
            .add("megcap", 368, 16, Kind.U128)
            .hex("sqes", IdentifyLayout.CTRL_SQES, 1).human(Bits.of(
                    field(7, 4, x -> "Max SQ Entry Size (" + (1 << x) + ")"),
                    field(3, 0, x -> "Min SQ Entry Size (" + (1 << x) + ")")))
            .hex("cqes", IdentifyLayout.CTRL_CQES, 1).human(Bits.of(
                    field(7, 4, x -> "Max CQ Entry Size (" + (1 << x) + ")"),
                    field(3, 0, x -> "Min CQ Entry Size (" + (1 << x) + ")")))
            .dec("maxcmd", IdentifyLayout.CTRL_MAXCMD, 2)
            .dec("nn", IdentifyLayout.CTRL_NN, 4)
            .hex("oncs", IdentifyLayout.CTRL_ONCS, 2).human(Bits.of(
                    rsvd(15, 9).at(" [15:9] : "),
                    sup(8, "Copy %sSupported"),
                    sup(7, "Verify %sSupported"),
                    sup(6, "Timestamp %sSupported"),
                    sup(5, "Reservations %sSupported"),
                    sup(4, "Save and Select %sSupported"),
                    sup(3, "Write Zeroes %sSupported"),
                    sup(2, "Data Set Management %sSupported"),
                    sup(1, "Write Uncorrectable %sSupported"),
                    sup(0, "Compare %sSupported")))
            .hex("fuses", 522, 2).human(Bits.of(rsvd(15, 1).at(" [15:1] : "),
                    sup(0, "Fused Compare and Write %sSupported")))
            .hex("fna", 524, 1).human(Bits.of(rsvd(7, 4),
                    flag(3, "Format NVM Broadcast NSID (FFFFFFFFh) %sSupported", "Not ", ""),
                    sup(2, "Crypto Erase %sSupported as part of Secure Erase"),
                    flag(1, "Crypto Erase Applies to %s Namespace(s)", "All", "Single"),
                    flag(0, "Format Applies to %s Namespace(s)", "All", "Single")))
            .hex("vwc", IdentifyLayout.CTRL_VWC, 1).human(Bits.of(rsvd(7, 3),
                    field(2, 1, x -> switch ((int) x) {
                        case 0 -> "Support for the NSID field set to FFFFFFFFh is not indicated";
                        case 1 -> "Reserved";
                        case 2 -> "The Flush command does not support NSID set to FFFFFFFFh";
                        default -> "The Flush command supports NSID set to FFFFFFFFh";
                    }),
                    flag(0, "Volatile Write Cache %sPresent", "", "Not ")))
            .dec("awun", 526, 2)
            .dec("awupf", 528, 2)
            .dec("icsvscc", 530, 1).human(Bits.of(rsvd(7, 1),
                    flag(0, "NVM Vendor Specific Commands uses %s Format", "NVMe", "Vendor Specific")))
            .dec("nwpc", 531, 1).human(Bits.of(rsvd(7, 3),
                    sup(2, "Permanent Write Protect %sSupported"),
                    sup(1, "Write Protect Until Power Supply %sSupported"),
                    sup(0, "No Write Protect and Write Protect Namespace %sSupported")))
            .dec("acwu", 532, 2)
            .hex("ocfs", 534, 2).human(Bits.of(rsvd(15, 2).at("  [15:2] : "),
                    sup(1, "Controller Copy Format 1h %sSupported"),
                    sup(0, "Controller Copy Format 0h %sSupported")))
            .hex("sgls", IdentifyLayout.CTRL_SGLS, 4).human(Bits.of(
                    rsvd(31, 22).at(" [31:22]: "),
                    sgl(21, "Transport SGL Data Block Descriptor %sSupported"),
                    sgl(20, "Address Offsets %sSupported"),
                    sgl(19, "Metadata Pointer Containing SGL Descriptor is %sSupported"),
                    sgl(18, "SGL Length Larger than Buffer %sSupported"),
                    sgl(17, "Byte-Aligned Contig. MD Buffer %sSupported"),
                    sgl(16, "SGL Bit-Bucket %sSupported"),
                    field(15, 8, x -> "SGL Descriptor Threshold").at(" [15:8] : "),
                    rsvd(7, 3).at(" [7:3] : "),
                    sgl(2, "Keyed SGL Data Block descriptor %sSupported").at("  [2:2] : "),
                    field(1, 0, x -> switch ((int) x) {
                        case 3 -> "Reserved";
                        case 2 -> "Scatter-Gather Lists Supported. Dword alignment required.";
                        case 1 -> "Scatter-Gather Lists Supported. No Dword alignment required.";
                        default -> "Scatter-Gather Lists Not Supported";
                    }).onlyIf(v -> (v & 3) != 0),
                    field(1, 0, x -> "Scatter-Gather Lists Not Supported").at(" [1:0]  : ")
                            .onlyIf(v -> (v & 3) == 0)))
            .dec("mnan", 540, 4)
            .add("maxdna", 544, 16, Kind.U128)
            .dec("maxcna", 560, 4)
            .add("subnqn", IdentifyLayout.CTRL_SUBNQN, IdentifyLayout.CTRL_SUBNQN_LEN, Kind.STR)
            .when(b -> Bytes.u8(b, IdentifyLayout.CTRL_SUBNQN) != 0)
            .dec("ioccsz", 1792, 4)
            .dec("iorcsz", 1796, 4)
            .dec("icdoff", 1800, 2)
            .hex("fcatt", 1802, 1).human(Bits.of(rsvd(7, 1),
                    flag(0, "%s Controller Model", "Static", "Dynamic")))
            .dec("msdbd", 1803, 1)
            .dec("ofcs", 1804, 2).human(Bits.of(rsvd(15, 1).at("  [15:1] : "),
                    flag(0, "Disconnect command %s Supported", "", "Not")))
            .build();

    /** An SGL support bit nvme-cli shows only when SGLs are supported or the bit is set. */
    private static Bits.Sub sgl(int bit, String fmt) {
        return sup(bit, fmt).at(" [" + bit + ":" + bit + "]: ").onlyIf(v -> (v & 3) != 0 || ((v >>> bit) & 1) != 0);
    }

    /** One power state descriptor (figure 276), JSON names as nvme-cli's {@code psds} entries. */
    static final Layout PSD = Layout.builder(0)
            .dec("max_power", 0, 2)
            .dec("flags", 3, 1)
            .dec("entry_lat", 4, 4)
            .dec("exit_lat", 8, 4)
            .dec("read_tput", 12, 1)
            .dec("read_lat", 13, 1)
            .dec("write_tput", 14, 1)
            .dec("write_lat", 15, 1)
            .dec("idle_power", 16, 2)
            .dec("idle_scale", 18, 1).bits(6, 2)
            .dec("active_power", 20, 2)
            .dec("active_power_work", 22, 1).bits(0, 3)
            .dec("active_scale", 22, 1).bits(6, 2)
            .build();

    /** nvme-cli's normal-output lines of power state {@code i} (descriptor at {@code off}). */
    static List<String> powerStateLines(byte[] b, int i) {
        int off = PSD0 + PSD_SIZE * i;
        int mp = Bytes.u16(b, off);
        int flags = Bytes.u8(b, off + 3);
        String maxPower = (flags & 1) != 0 ? String.format("%d.%04dW", mp / 10000, mp % 10000)
                : String.format("%d.%02dW", mp / 100, mp % 100);
        String l1 = String.format("ps   %4d : mp:%s %soperational enlat:%d exlat:%d rrt:%d rrl:%d", i, maxPower,
                (flags & 2) != 0 ? "non-" : "", Bytes.u32(b, off + 4), Bytes.u32(b, off + 8), Bytes.u8(b, off + 12),
                Bytes.u8(b, off + 13));
        String l2 = String.format("            rwt:%d rwl:%d idle_power:%s active_power:%s", Bytes.u8(b, off + 14),
                Bytes.u8(b, off + 15), power(Bytes.u16(b, off + 16), Bytes.u8(b, off + 18) >>> 6),
                power(Bytes.u16(b, off + 20), Bytes.u8(b, off + 22) >>> 6));
        String l3 = "            active_power_workload:" + switch (Bytes.u8(b, off + 22) & 7) {
            case 0 -> "-";
            case 1 -> "1MiB 32 RW, 30s idle";
            case 2 -> "80K 128KiB SW";
            default -> "reserved";
        };
        return List.of(l1, l2, l3);
    }

    private static String power(int p, int scale) {
        return switch (scale & 3) {
            case 0 -> "-";
            case 1 -> String.format("%d.%04dW", p / 10000, p % 10000);
            case 2 -> String.format("%d.%02dW", p / 100, p % 100);
            default -> "reserved";
        };
    }
}
