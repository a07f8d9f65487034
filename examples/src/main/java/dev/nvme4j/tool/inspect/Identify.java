package dev.nvme4j.tool.inspect;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.spec.IdentifyLayout;

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

    /** Identify Controller fields parsed from the raw structure, power states included. */
    public static Fields controller(byte[] b) {
        Fields f = IdCtrlLayout.CTRL.render(b, 0);
        ArrayNode psds = f.json().putArray("psds");
        int npss = Bytes.u8(b, IdCtrlLayout.NPSS);
        for (int i = 0; i <= npss && i < 32; i++) {
            psds.add(IdCtrlLayout.PSD.render(b, IdCtrlLayout.PSD0 + IdCtrlLayout.PSD_SIZE * i).json());
            f.trailer(IdCtrlLayout.powerStateLines(b, i));
        }
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

    /** Identify Namespace fields parsed from the raw structure, LBA formats included. */
    public static Fields namespace(byte[] b) {
        Fields f = IdNsLayout.NS.render(b, 0);
        ArrayNode lbafs = f.json().putArray("lbafs");
        int nlbaf = Bytes.u8(b, IdentifyLayout.NS_NLBAF);
        for (int i = 0; i <= nlbaf && i < 64; i++) {
            lbafs.add(IdNsLayout.LBAF.render(b, IdentifyLayout.NS_LBAF0 + IdentifyLayout.NS_LBAF_SIZE * i).json());
        }
        f.trailer(IdNsLayout.lbafLines(b, false), IdNsLayout.lbafLines(b, true));
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
