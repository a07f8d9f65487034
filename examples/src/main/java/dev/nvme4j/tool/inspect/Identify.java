package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;

/**
 * Identify data (NVMe Base Specification 2.0, section 5.17): reads the 4096-byte structures with
 * {@link Controller#identifyController()} and {@link Controller#identifyNamespace(int)}, and
 * turns Identify Controller (CNS 01h, figure 275) and Identify Namespace (CNS 00h; NVM Command
 * Set Specification 1.0, figure 97) into fields with nvme-cli's names. When the raw structure is
 * not available, falls back to what {@link Controller#info()} and {@link Controller#namespace(int)}
 * report.
 */
public final class Identify {
    private static final int CNS_NAMESPACE = 0x00;
    private static final int CNS_CONTROLLER = 0x01;
    /** Bytes of an Identify data structure. */
    public static final int SIZE = 4096;

    private Identify() {
    }

    /** Reads an Identify structure; null when the command failed or is not supported. */
    public static byte[] read(Controller c, int cns, int nsid) {
        try {
            return switch (cns) {
                case CNS_CONTROLLER -> c.identifyController();
                case CNS_NAMESPACE -> c.identifyNamespace(nsid);
                default -> throw new IllegalArgumentException("unsupported CNS " + cns);
            };
        } catch (RuntimeException e) { // rejected, not supported, or the controller is not accepting commands
            return null;
        }
    }

    /** Identify Controller fields. */
    public static Fields controller(Controller c) {
        byte[] b = read(c, CNS_CONTROLLER, 0);
        return b != null ? controller(b) : controller(c.info());
    }

    /** Identify Controller fields parsed from the raw structure. */
    public static Fields controller(byte[] b) {
        Fields f = new Fields();
        f.hex("vid", Bytes.u16(b, 0));
        f.hex("ssvid", Bytes.u16(b, 2));
        f.text("sn", Bytes.ascii(b, 4, 20));
        f.text("mn", Bytes.ascii(b, 24, 40));
        f.text("fr", Bytes.ascii(b, 64, 8));
        f.num("rab", Bytes.u8(b, 72));
        f.hex("ieee", Bytes.u8(b, 73) | Bytes.u8(b, 74) << 8 | Bytes.u8(b, 75) << 16);
        f.hex("cmic", Bytes.u8(b, 76));
        f.num("mdts", Bytes.u8(b, 77));
        f.num("cntlid", Bytes.u16(b, 78));
        f.hex("ver", Bytes.u32(b, 80));
        f.num("rtd3r", Bytes.u32(b, 84));
        f.num("rtd3e", Bytes.u32(b, 88));
        f.hex("oaes", Bytes.u32(b, 92));
        f.hex("ctratt", Bytes.u32(b, 96));
        f.num("rrls", Bytes.u16(b, 100));
        f.num("cntrltype", Bytes.u8(b, 111));
        f.text("fguid", Bytes.hex(b, 112, 16));
        f.hex("oacs", Bytes.u16(b, 256));
        f.num("acl", Bytes.u8(b, 258));
        f.num("aerl", Bytes.u8(b, 259));
        f.hex("frmw", Bytes.u8(b, 260));
        f.hex("lpa", Bytes.u8(b, 261));
        f.num("elpe", Bytes.u8(b, 262));
        f.num("npss", Bytes.u8(b, 263));
        f.hex("avscc", Bytes.u8(b, 264));
        f.hex("apsta", Bytes.u8(b, 265));
        f.num("wctemp", Bytes.u16(b, 266));
        f.num("cctemp", Bytes.u16(b, 268));
        f.num("mtfa", Bytes.u16(b, 270));
        f.num("hmpre", Bytes.u32(b, 272));
        f.num("hmmin", Bytes.u32(b, 276));
        f.big("tnvmcap", Bytes.u128(b, 280), "");
        f.big("unvmcap", Bytes.u128(b, 296), "");
        f.num("rpmbs", Bytes.u32(b, 312));
        f.num("edstt", Bytes.u16(b, 316));
        f.num("dsto", Bytes.u8(b, 318));
        f.num("fwug", Bytes.u8(b, 319));
        f.num("kas", Bytes.u16(b, 320));
        f.num("hctma", Bytes.u16(b, 322));
        f.num("mntmt", Bytes.u16(b, 324));
        f.num("mxtmt", Bytes.u16(b, 326));
        f.hex("sanicap", Bytes.u32(b, 328));
        f.hex("sqes", Bytes.u8(b, 512));
        f.hex("cqes", Bytes.u8(b, 513));
        f.num("maxcmd", Bytes.u16(b, 514));
        f.num("nn", Bytes.u32(b, 516));
        f.hex("oncs", Bytes.u16(b, 520));
        f.hex("fuses", Bytes.u16(b, 522));
        f.hex("fna", Bytes.u8(b, 524));
        f.hex("vwc", Bytes.u8(b, 525));
        f.num("awun", Bytes.u16(b, 526));
        f.num("awupf", Bytes.u16(b, 528));
        f.num("icsvscc", Bytes.u8(b, 530));
        f.num("nwpc", Bytes.u8(b, 531));
        f.num("acwu", Bytes.u16(b, 532));
        f.hex("sgls", Bytes.u32(b, 536));
        f.num("mnan", Bytes.u32(b, 540));
        f.text("subnqn", Bytes.ascii(b, 768, 256));
        return f;
    }

    /** Identify Controller fields from the driver's summary (when raw Identify is unavailable). */
    public static Fields controller(ControllerInfo i) {
        Fields f = new Fields();
        f.hex("vid", i.pciVendorId());
        f.hex("ssvid", i.subsystemVendorId());
        f.text("sn", i.serialNumber());
        f.text("mn", i.modelNumber());
        f.text("fr", i.firmwareRevision());
        long mdts = 0;
        if (i.maxTransferBytes() > 0 && i.pageSize() > 0) {
            mdts = Long.numberOfTrailingZeros(i.maxTransferBytes() / i.pageSize());
        }
        f.num("mdts", mdts);
        f.hex("ver", i.version());
        f.hex("oacs", i.oacs());
        f.num("acl", i.abortCommandLimit() - 1);
        f.num("aerl", i.asyncEventLimit() - 1);
        f.num("nn", i.namespaceCount());
        f.hex("oncs", i.oncs());
        f.hex("vwc", i.volatileWriteCache() ? 1 : 0);
        return f;
    }

    /** Identify Namespace fields. */
    public static Fields namespace(Controller c, Namespace ns) {
        byte[] b = read(c, CNS_NAMESPACE, ns.nsid());
        return b != null ? namespace(b) : namespace(ns);
    }

    /** Identify Namespace fields parsed from the raw structure. */
    public static Fields namespace(byte[] b) {
        Fields f = new Fields();
        f.hex("nsze", Bytes.u64(b, 0));
        f.hex("ncap", Bytes.u64(b, 8));
        f.hex("nuse", Bytes.u64(b, 16));
        f.hex("nsfeat", Bytes.u8(b, 24));
        int nlbaf = Bytes.u8(b, 25);
        f.num("nlbaf", nlbaf);
        int flbas = Bytes.u8(b, 26);
        f.hex("flbas", flbas);
        f.hex("mc", Bytes.u8(b, 27));
        f.hex("dpc", Bytes.u8(b, 28));
        f.hex("dps", Bytes.u8(b, 29));
        f.hex("nmic", Bytes.u8(b, 30));
        f.hex("rescap", Bytes.u8(b, 31));
        f.hex("fpi", Bytes.u8(b, 32));
        f.hex("dlfeat", Bytes.u8(b, 33));
        f.num("nawun", Bytes.u16(b, 34));
        f.num("nawupf", Bytes.u16(b, 36));
        f.num("nacwu", Bytes.u16(b, 38));
        f.num("nabsn", Bytes.u16(b, 40));
        f.num("nabo", Bytes.u16(b, 42));
        f.num("nabspf", Bytes.u16(b, 44));
        f.num("noiob", Bytes.u16(b, 46));
        f.big("nvmcap", Bytes.u128(b, 48), "");
        f.num("npwg", Bytes.u16(b, 64));
        f.num("npwa", Bytes.u16(b, 66));
        f.num("npdg", Bytes.u16(b, 68));
        f.num("npda", Bytes.u16(b, 70));
        f.num("nows", Bytes.u16(b, 72));
        f.num("anagrpid", Bytes.u32(b, 92));
        f.num("nsattr", Bytes.u8(b, 99));
        f.num("nvmsetid", Bytes.u16(b, 100));
        f.num("endgid", Bytes.u16(b, 102));
        f.text("nguid", Bytes.hex(b, 104, 16));
        f.text("eui64", Bytes.hex(b, 120, 8));
        int inUse = (flbas & 0xF) | ((flbas >>> 5) & 0x3) << 4;
        ArrayNode lbafs = f.json().putArray("lbafs");
        for (int i = 0; i <= nlbaf && i < 64; i++) {
            long d = Bytes.u32(b, 128 + 4 * i);
            int ms = (int) (d & 0xFFFF);
            int ds = (int) ((d >>> 16) & 0xFF);
            int rp = (int) ((d >>> 24) & 0x3);
            ObjectNode o = lbafs.addObject();
            o.put("ms", ms);
            o.put("ds", ds);
            o.put("rp", rp);
            f.textOnly(String.format("lbaf %2d", i), String.format("ms:%-3d lbads:%-2d rp:%d%s", ms, ds, rp,
                    i == inUse ? " (in use)" : ""));
        }
        return f;
    }

    /** Identify Namespace fields from the driver's summary (when raw Identify is unavailable). */
    public static Fields namespace(Namespace ns) {
        Fields f = new Fields();
        f.hex("nsze", ns.sizeBlocks());
        f.hex("ncap", ns.capacityBlocks());
        f.hex("nuse", ns.utilizationBlocks());
        f.hex("nsfeat", ns.thinProvisioned() ? 1 : 0);
        f.num("nlbaf", 0);
        f.hex("flbas", ns.extendedLba() ? 0x10 : 0);
        f.hex("dps", ns.protectionType() | (ns.protectionFirst() ? 0x8 : 0));
        f.hex("dlfeat", ns.deallocatedReadsZero() ? 1 : 0);
        int ds = Integer.numberOfTrailingZeros(ns.lbaSize());
        ArrayNode lbafs = f.json().putArray("lbafs");
        ObjectNode o = lbafs.addObject();
        o.put("ms", ns.metadataSize());
        o.put("ds", ds);
        o.put("rp", 0);
        f.textOnly("lbaf  0", String.format("ms:%-3d lbads:%-2d rp:0 (in use)", ns.metadataSize(), ds));
        return f;
    }
}
