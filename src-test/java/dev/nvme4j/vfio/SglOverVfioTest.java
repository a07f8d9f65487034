package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * QEMU's controller offers SGLs (Identify Controller SGLS): with the default options, reads and
 * writes of 32 KiB and more go out with one SGL Data Block descriptor, smaller ones with PRPs,
 * and the data arrives intact either way.
 */
@Tag("vfio")
class SglOverVfioTest {
    @Test
    void largeTransfersUseSglsAndSmallOnesPrps() {
        try (Controller ctrl = Nvme.open(VmDevices.first());
             IoQueuePair qp = ctrl.createQueuePair(16, CompletionMode.POLL);
             DmaBuffer w = ctrl.allocateBuffer(1 << 20); DmaBuffer r = ctrl.allocateBuffer(1 << 20)) {
            Namespace ns = ctrl.namespace(1);
            long lba = (60L << 20) / ns.lbaSize();
            VmDevices.fill(w, 0x5617);
            qp.writeSync(ns, lba, 32, w.slice(0, 16384));
            assertEquals(0, qp.counters().sglCommands(), "16 KiB: PRPs");
            // From an offset that is not page aligned: SGLS 01b has no alignment rule beyond the dword.
            qp.writeSync(ns, lba, (1 << 20) / ns.lbaSize() - 8, w.slice(4096 - 1024, (1 << 20) - 4096));
            qp.readSync(ns, lba, (1 << 20) / ns.lbaSize() - 8, r.slice(4096 - 1024, (1 << 20) - 4096));
            assertEquals(-1, r.segment().asSlice(3072, (1 << 20) - 4096).mismatch(w.segment().asSlice(3072, (1 << 20) - 4096)));
            long commands = (((1 << 20) - 4096) + ctrl.info().maxTransferBytes() - 1) / ctrl.info().maxTransferBytes();
            assertTrue(qp.counters().sglCommands() >= 2 * commands - 2,
                    "the large transfers went out with SGLs: " + qp.counters());
        }
    }
}
