package dev.nvme4j.mock;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.Le;
import java.lang.foreign.MemorySegment;

/**
 * Sanitize (Base 5.24) with block erase only (SANICAP bit 1): every block of every namespace,
 * attached or not, is erased at once and the Sanitize Status log (5.16.1.25) reports it
 * completed. Exit Failure Mode is accepted. Under the device lock.
 */
final class Sanitizer {
    /** SANICAP: block erase. */
    static final int SANICAP = 1 << 1;

    private final MockNvmeController c;
    private int sstat;
    private int cdw10;

    Sanitizer(MockNvmeController c) {
        this.c = c;
    }

    int sanitize(int cdw10, NamespacePool pool) {
        int action = cdw10 & 0x7;
        if (action == 1) {
            return 0;
        }
        if (action != 2) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // only block erase
        }
        pool.forEachAllocated(ns -> {
            ns.store.zero(0, ns.blocks << ns.lbaShift);
            ns.zeroMetadata(0, ns.blocks);
        });
        this.cdw10 = cdw10;
        sstat = (cdw10 & (1 << 9)) != 0 ? 4 : 1;
        return 0;
    }

    int log(MemorySegment out) {
        out.set(Le.SHORT, 0, (short) (sstat == 0 ? 0 : 0xFFFF));
        out.set(Le.SHORT, 2, (short) sstat);
        out.set(Le.INT, 4, cdw10);
        return 512;
    }
}
