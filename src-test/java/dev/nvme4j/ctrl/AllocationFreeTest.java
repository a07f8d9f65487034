package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The I/O path allocates nothing in steady state: a million I/Os through one queue pair. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AllocationFreeTest {
    private static final int TOTAL = 1_000_000;
    private static final int WARM_UP = 200_000;

    private long completed;
    private long errors;

    @Test
    void aMillionIosAllocateNothingAfterWarmUp() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.DETERMINISTIC)
                .namespace(NamespaceConfig.nullStore(1 << 20, 512)).build();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        try (MockFixture f = new MockFixture(cfg);
             IoQueuePair qp = f.ctrl.createQueuePair(64, CompletionMode.POLL);
             DmaBuffer buf = f.ctrl.allocateBuffer(64 * 4096)) {
            Namespace ns = f.ctrl.namespace(1);
            IoCallback cb = countingCallback();
            DmaBuffer[] slices = new DmaBuffer[64];
            for (int i = 0; i < 64; i++) {
                slices[i] = buf.slice(i * 4096L, 4096);
            }
            long submitted = run(qp, ns, slices, cb, 0, WARM_UP);
            long before = threads.getThreadAllocatedBytes(tid);
            long start = System.nanoTime();
            submitted = run(qp, ns, slices, cb, submitted, TOTAL);
            long elapsed = System.nanoTime() - start;
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertTrue(qp.drain(java.time.Duration.ofSeconds(10)));
            assertEquals(TOTAL, completed);
            assertEquals(0, errors);
            System.out.printf("%d I/Os after warm-up allocated %d bytes on the driving thread"
                    + " (%.0f ns per I/O including the mock device)%n", TOTAL - WARM_UP, allocated,
                    (double) elapsed / (TOTAL - WARM_UP));
            assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes in " + (TOTAL - WARM_UP) + " I/Os");
        }
    }

    /**
     * Reads and writes with protection information the driver generates (every write) and checks
     * (every read), with a separate metadata buffer: still nothing allocated per I/O.
     */
    @Test
    void ioWithHostProtectionInformationAllocatesNothingAfterWarmUp() {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.DETERMINISTIC)
                .namespace(NamespaceConfig.ram(4096, 512).withMetadata(8, false).withProtection(1, true)).build();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        int total = 200_000;
        int warmUp = 50_000;
        try (MockFixture f = new MockFixture(cfg);
             IoQueuePair qp = f.ctrl.createQueuePair(64, CompletionMode.POLL);
             DmaBuffer buf = f.ctrl.allocateBuffer(64 * 4096);
             DmaBuffer meta = f.ctrl.allocateBuffer(64 * 64)) {
            Namespace ns = f.ctrl.namespace(1);
            IoCallback cb = countingCallback();
            DmaBuffer[] slices = new DmaBuffer[64];
            DmaBuffer[] metas = new DmaBuffer[64];
            for (int i = 0; i < 64; i++) {
                slices[i] = buf.slice(i * 4096L, 4096);
                metas[i] = meta.slice(i * 64L, 64);
            }
            Protection pi = Protection.host(Protection.ALL).withAppTag(0x1515, 0xFFFF);
            long submitted = runProtected(qp, ns, slices, metas, pi, cb, 0, warmUp);
            long before = threads.getThreadAllocatedBytes(tid);
            runProtected(qp, ns, slices, metas, pi, cb, submitted, total);
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertTrue(qp.drain(java.time.Duration.ofSeconds(10)));
            assertEquals(total, completed);
            assertEquals(0, errors, "every PI check passed");
            assertTrue(allocated < 64 * 1024, "allocated " + allocated + " bytes in " + (total - warmUp) + " I/Os");
        }
    }

    private static long runProtected(IoQueuePair qp, Namespace ns, DmaBuffer[] slices, DmaBuffer[] metas,
                                     Protection pi, IoCallback cb, long from, long to) {
        long i = from;
        while (i < to) {
            int s = (int) (i & 63);
            // Slot s always covers LBAs 8s..8s+7, written before it is first read.
            boolean ok = i >= 64 && (i & 1) == 0
                    ? qp.read(ns, s * 8L, 8, slices[s], metas[s], pi, cb, i)
                    : qp.write(ns, s * 8L, 8, slices[s], metas[s], pi, cb, i);
            if (ok) {
                i++;
            } else {
                qp.poll();
            }
        }
        return i;
    }

    /** Counts completions and errors into the test's fields (allocated once, before measuring). */
    private IoCallback countingCallback() {
        return (tag, status) -> {
            completed++;
            if (status != 0) {
                errors++;
            }
        };
    }

    private static long run(IoQueuePair qp, Namespace ns, DmaBuffer[] slices, IoCallback cb, long from, long to) {
        long i = from;
        while (i < to) {
            int s = (int) (i & 63);
            boolean ok = (i & 1) == 0
                    ? qp.read(ns, (i * 8) & 0xFFFF8, 8, slices[s], cb, i)
                    : qp.write(ns, (i * 8) & 0xFFFF8, 8, slices[s], cb, i);
            if (ok) {
                i++;
            } else {
                qp.poll();
            }
        }
        return i;
    }
}
