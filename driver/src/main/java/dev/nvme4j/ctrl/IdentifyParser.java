package dev.nvme4j.ctrl;

import dev.nvme4j.spec.Le;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.spec.IdentifyLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Reads fields of Identify data structures ({@link IdentifyLayout}). Stateless. */
final class IdentifyParser {
    private static final ValueLayout.OfShort LE_SHORT =
            Le.SHORT;
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    private IdentifyParser() {
    }

    static int u8(MemorySegment s, int off) {
        return s.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static int u16(MemorySegment s, int off) {
        return s.get(LE_SHORT, off) & 0xFFFF;
    }

    static int u32(MemorySegment s, int off) {
        return s.get(LE_INT, off);
    }

    static long u64(MemorySegment s, int off) {
        return s.get(LE_LONG, off);
    }

    /** An ASCII field, padded with spaces by the controller: trimmed. */
    static String ascii(MemorySegment s, int off, int len) {
        byte[] b = new byte[len];
        MemorySegment.copy(s, ValueLayout.JAVA_BYTE, off, b, 0, len);
        return new String(b, StandardCharsets.US_ASCII).trim();
    }

    /** Namespace from Identify Namespace (NVM Command Set 4.1.5.1), or null when NSZE is 0 (inactive). */
    static Namespace namespace(int nsid, MemorySegment s) {
        long nsze = u64(s, IdentifyLayout.NS_NSZE);
        if (nsze == 0) {
            return null;
        }
        int format = IdentifyLayout.flbasIndex(u8(s, IdentifyLayout.NS_FLBAS));
        int lbaf = u32(s, IdentifyLayout.NS_LBAF0 + IdentifyLayout.NS_LBAF_SIZE * format);
        int lbads = IdentifyLayout.lbafLbads(lbaf);
        if (lbads < 9) {
            throw new IllegalStateException("namespace " + nsid + ": LBA format " + format + " has LBADS " + lbads
                    + " (below the 512-byte minimum)");
        }
        int ms = IdentifyLayout.lbafMetadataSize(lbaf);
        int flbas = u8(s, IdentifyLayout.NS_FLBAS);
        int dps = u8(s, IdentifyLayout.NS_DPS);
        int piType = ms == 0 ? 0 : dps & IdentifyLayout.DPS_TYPE_MASK;
        return new Namespace(nsid, 1 << lbads, ms, nsze,
                u64(s, IdentifyLayout.NS_NCAP), u64(s, IdentifyLayout.NS_NUSE),
                (u8(s, IdentifyLayout.NS_NSFEAT) & 1) != 0, (u8(s, IdentifyLayout.NS_DLFEAT) & 0x7) == 1,
                format, ms != 0 && (flbas & IdentifyLayout.FLBAS_EXTENDED) != 0, piType,
                (dps & IdentifyLayout.DPS_PI_FIRST) != 0);
    }
}
