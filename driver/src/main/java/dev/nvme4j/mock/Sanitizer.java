package dev.nvme4j.mock;

import static dev.nvme4j.spec.ManagementFields.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.Le;
import java.lang.foreign.MemorySegment;

/**
 * Sanitize (Base 5.24) with block erase only (SANICAP bit 1): every block of every namespace,
 * attached or not, is erased at once and the Sanitize Status log (5.16.1.25) reports it
 * completed, with estimated times of 0 s for block erase (with and without deallocation) and none
 * for the others. Exit Failure Mode is accepted. Under the device lock.
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
        int action = sanitizeAction(cdw10);
        if (action == SANACT_EXIT_FAILURE_MODE) {
            return 0;
        }
        if (action != SANACT_BLOCK_ERASE) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // only block erase
        }
        pool.forEachAllocated(ns -> {
            ns.store.zero(0, ns.blocks << ns.lbaShift);
            ns.zeroMetadata(0, ns.blocks);
        });
        this.cdw10 = cdw10;
        sstat = (cdw10 & SANITIZE_NO_DEALLOCATE) != 0 ? SSTAT_COMPLETED_NO_DEALLOCATE : SSTAT_COMPLETED;
        return 0;
    }

    int log(MemorySegment out) {
        out.set(Le.SHORT, SAN_SPROG, (short) SPROG_NOT_IN_PROGRESS); // never in progress: erased at once
        out.set(Le.SHORT, SAN_SSTAT, (short) sstat);
        out.set(Le.INT, SAN_SCDW10, cdw10);
        for (int at : new int[] {SAN_ETO, SAN_ETCE, SAN_ETOND, SAN_ETCEND}) {
            out.set(Le.INT, at, NO_ESTIMATE);
        }
        out.set(Le.INT, SAN_ETBE, 0);
        out.set(Le.INT, SAN_ETBEND, 0);
        return SANITIZE_LOG_SIZE;
    }
}
