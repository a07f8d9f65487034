package dev.nvme4j.mock;

import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;

/** A submission queue entry as a test writes it (fluent, mutable). */
final class Cmd {
    int opcode;
    int cid = -1;
    int flags;
    int nsid;
    long prp1;
    long prp2;
    final int[] cdw = new int[16];

    static Cmd of(int opcode) {
        Cmd c = new Cmd();
        c.opcode = opcode;
        return c;
    }

    Cmd cid(int v) { cid = v; return this; }
    Cmd nsid(int v) { nsid = v; return this; }
    Cmd prp1(long v) { prp1 = v; return this; }
    Cmd prp2(long v) { prp2 = v; return this; }
    Cmd cdw10(int v) { cdw[10] = v; return this; }
    Cmd cdw11(int v) { cdw[11] = v; return this; }
    Cmd cdw12(int v) { cdw[12] = v; return this; }
    Cmd cdw13(int v) { cdw[13] = v; return this; }
    /** CDW0 bits 15:8 (FUSE, PSDT). */
    Cmd flags(int v) { flags = v; return this; }

    /** SLBA in CDW10-11 and zero-based NLB in CDW12 for NVM commands. */
    Cmd lba(long slba, int blocks) {
        cdw[10] = (int) slba;
        cdw[11] = (int) (slba >>> 32);
        cdw[12] = blocks - 1;
        return this;
    }

    void writeTo(MemorySegment ring, long base) {
        Sqe.clear(ring, base);
        Sqe.putInt(ring, base, Sqe.OFF_CDW0, Sqe.cdw0(opcode, cid) | (flags << 8));
        Sqe.putInt(ring, base, Sqe.OFF_NSID, nsid);
        Sqe.putLong(ring, base, Sqe.OFF_PRP1, prp1);
        Sqe.putLong(ring, base, Sqe.OFF_PRP2, prp2);
        for (int i = 10; i <= 15; i++) {
            Sqe.putInt(ring, base, Sqe.OFF_CDW10 + 4 * (i - 10), cdw[i]);
        }
    }
}
