package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.ctrl.NvmeController;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * I/O submission queues in QEMU's Controller Memory Buffer ({@code cmb_size_mb}, BAR2, enabled
 * through CMBMSC): verified I/O in every completion mode with the rings wrapped, the commands
 * found in the CMB itself (read back through the test's own view of BAR2, so a silent fallback to
 * host memory fails), and the option on a controller without a CMB leaving the queues in host
 * memory.
 */
@Tag("vfio")
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CmbOverVfioTest {
    private static final ControllerOptions OPTIONS = ControllerOptions.builder()
            .cmbSubmissionQueues(true).ioTimeout(Duration.ofSeconds(8)).build();

    private static String cmbController() {
        String address = System.getenv("NVME4J_PCI_CMB");
        assumeTrue(address != null && !address.isBlank(),
                "NVME4J_PCI_CMB not set: needs a controller with cmb_size_mb (tools/vm-test adds one)");
        return address.trim();
    }

    @Test
    void submissionQueuesInTheCmbCarryVerifiedIoInEveryMode() {
        VfioPciFunction pci = VfioPciFunction.open(cmbController());
        MemorySegment bar2 = pci.mapBar(2);
        assertNotNull(bar2, "BAR2 (QEMU's CMB) maps");
        try (Controller ctrl = NvmeController.open(pci, OPTIONS, true)) {
            Namespace ns = ctrl.namespace(1);
            int seed = 1;
            for (int depth : new int[] {2, 16, 64}) {
                for (CompletionMode mode : CompletionMode.values()) {
                    try (IoQueuePair qp = ctrl.createQueuePair(depth, mode)) {
                        verifiedIo(ctrl, ns, qp, 3 * depth + 1, seed++);
                        // The first I/O SQ starts at the CMB's first byte: its entries are there.
                        assertTrue(countOpcode(bar2, depth, Opcodes.NVM_READ) > 0,
                                "read commands in the CMB's first SQ (depth " + depth + " " + mode + ")");
                    }
                }
            }
        }
    }

    @Test
    void onAControllerWithoutACmbTheQueuesStayInHostMemory() {
        try (Controller ctrl = dev.nvme4j.Nvme.open(VmDevices.first(), OPTIONS)) {
            Namespace ns = ctrl.namespace(1);
            try (IoQueuePair qp = ctrl.createQueuePair(16, CompletionMode.POLL)) {
                verifiedIo(ctrl, ns, qp, 40, 77);
            }
        }
    }

    /** How many of the first {@code entries} 64-byte entries at the start of {@code cmb} have {@code opcode}. */
    private static int countOpcode(MemorySegment cmb, int entries, int opcode) {
        int n = 0;
        for (int i = 0; i < entries; i++) {
            if ((cmb.get(ValueLayout.JAVA_BYTE, i * 64L) & 0xFF) == opcode) {
                n++;
            }
        }
        return n;
    }

    private static void verifiedIo(Controller ctrl, Namespace ns, IoQueuePair qp, int count, int seed) {
        int lba = ns.lbaSize();
        long base = 10_000L + 64L * qp.queueId();
        AtomicInteger failed = new AtomicInteger();
        try (DmaBuffer w = ctrl.allocateBuffer((long) count * lba); DmaBuffer r = ctrl.allocateBuffer((long) count * lba)) {
            VmDevices.fill(w, seed);
            for (int i = 0; i < count; i++) {
                qp.submitWriteBlocking(ns, base + i, 1, w.slice((long) i * lba, lba), (tag, st) -> {
                    if (st != 0) {
                        failed.incrementAndGet();
                    }
                }, i);
            }
            String where = "qid " + qp.queueId() + " depth " + qp.depth() + " " + qp.mode();
            assertTrue(qp.drain(Duration.ofSeconds(20)), where + ": writes did not complete: " + qp.counters());
            for (int i = 0; i < count; i++) {
                qp.submitReadBlocking(ns, base + i, 1, r.slice((long) i * lba, lba), (tag, st) -> {
                    if (st != 0) {
                        failed.incrementAndGet();
                    }
                }, i);
            }
            assertTrue(qp.drain(Duration.ofSeconds(20)), where + ": reads did not complete: " + qp.counters());
            assertEquals(0, failed.get(), where + ": failed commands");
            assertEquals(0, qp.counters().timeouts(), where + ": " + qp.counters());
            long bytes = (long) count * lba;
            assertEquals(-1L, w.segment().asSlice(0, bytes).mismatch(r.segment().asSlice(0, bytes)),
                    where + ": data read back differs");
        }
    }
}
