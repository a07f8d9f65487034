package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.QueueCounters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shadow doorbells (Doorbell Buffer Config) on QEMU's controller, which offers them: I/O keeps
 * flowing on queues of every size, on a queue id used again after its queue was deleted, and on
 * many queue pairs at once, with the data checked. Every wait is bounded (a short I/O timeout and
 * a class timeout): a skipped MMIO write the controller needed fails the test instead of hanging.
 */
@Tag("vfio")
@Timeout(value = 240, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShadowDoorbellsOverVfioTest {
    private static final ControllerOptions OPTIONS = ControllerOptions.builder()
            .shadowDoorbells(true).ioTimeout(Duration.ofSeconds(8)).maxIoQueuePairs(64).build();

    @Test
    void ioAtTinyAndOrdinaryDepthsWrapsTheRings() {
        try (Controller ctrl = Nvme.open(VmDevices.first(), OPTIONS)) {
            Namespace ns = ctrl.namespace(1);
            int seed = 1;
            for (int depth : new int[] {2, 3, 4, 16, 64}) {
                for (CompletionMode mode : CompletionMode.values()) {
                    try (IoQueuePair qp = ctrl.createQueuePair(depth, mode)) {
                        // Three times round the ring, the queue kept as full as it gets.
                        verifiedIo(ctrl, ns, qp, 3 * depth + 1, seed++);
                    }
                }
            }
        }
    }

    @Test
    void aQueueIdUsedAgainAfterItsQueueWasDeleted() {
        try (Controller ctrl = Nvme.open(VmDevices.first(), OPTIONS)) {
            Namespace ns = ctrl.namespace(1);
            for (int round = 0; round < 4; round++) {
                try (IoQueuePair qp = ctrl.createQueuePair(16, CompletionMode.POLL)) {
                    // A different number of commands each time, so the old queue ends at another
                    // index than the new one starts at.
                    verifiedIo(ctrl, ns, qp, 2 + 5 * round, 100 + round);
                }
            }
        }
    }

    @Test
    void sixtyFourPairsDeletedAndCreatedAgain() {
        try (Controller ctrl = Nvme.open(VmDevices.first(), OPTIONS)) {
            Namespace ns = ctrl.namespace(1);
            for (int round = 0; round < 2; round++) {
                List<IoQueuePair> pairs = new ArrayList<>();
                for (int i = 0; i < 64; i++) {
                    pairs.add(ctrl.createQueuePair(16, i % 4 == 3 ? CompletionMode.INTERRUPT : CompletionMode.POLL));
                }
                for (IoQueuePair qp : pairs) {
                    verifiedIo(ctrl, ns, qp, 2, 1000 * round + qp.queueId());
                }
                pairs.forEach(IoQueuePair::close);
            }
        }
    }

    /**
     * Writes {@code count} distinct blocks one command each (at most depth - 1 outstanding), reads
     * them back one command each and compares.
     */
    private static void verifiedIo(Controller ctrl, Namespace ns, IoQueuePair qp, int count, int seed) {
        int lba = ns.lbaSize();
        long base = 20_000L + 64L * qp.queueId();
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
            // A command the device saw only after the lost-doorbell recovery re-rang its SQ is
            // an MMIO write skipped that the device needed.
            QueueCounters c = qp.counters();
            assertEquals(0, c.timeouts(), where + ": " + c);
            assertEquals(0, c.lostDoorbells(), where + ": " + c);
            long bytes = (long) count * lba;
            assertEquals(-1L, w.segment().asSlice(0, bytes).mismatch(r.segment().asSlice(0, bytes)), where + ": data read back differs");
        }
    }
}
