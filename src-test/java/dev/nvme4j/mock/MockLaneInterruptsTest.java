package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.device.EventFdVector;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lane path of I/O queues with interrupts enabled (IEN = 1): their doorbells run under their
 * own lane's lock, not the device lock, and queues on different host threads that share an
 * MSI-X vector lose neither a completion nor a signal, with and without interrupt coalescing.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MockLaneInterruptsTest {
    private static final int QUEUES = 4; // queues 1, 2 on vector 1; queues 3, 4 on vector 2
    private static final int PER_QUEUE = 40_000;
    private static final int BATCH = 8;

    private static MockConfig config() {
        return MockConfig.builder().namespace(NamespaceConfig.nullStore(1 << 20, 4096)).build();
    }

    private static Cmd flush() {
        return Cmd.of(Opcodes.NVM_FLUSH).nsid(1);
    }

    @Test
    void aDoorbellOfAnInterruptEnabledQueueDoesNotWaitForTheDeviceLock() throws Exception {
        try (MockHost h = MockHost.ready(config())) {
            HostQueue q = h.ioQueue(1, 16, 1);
            q.execute(flush()); // warm: the lane's engine exists
            ((EventFdVector) h.vectors[1]).drain();
            MockNvmeController c = (MockNvmeController) h.ctrl;
            AtomicReference<Cqe> done = new AtomicReference<>();
            c.lock.lock(); // the device lock alone, as a register access or an admin command holds it
            try {
                Thread t = Thread.ofPlatform().start(() -> done.set(q.execute(flush())));
                t.join(Duration.ofSeconds(10));
                assertNotNull(done.get(), "the flush completed while the device lock was held");
            } finally {
                c.lock.unlock();
            }
            assertTrue(done.get().ok());
            assertEquals(1, ((EventFdVector) h.vectors[1]).drain(), "and signalled its vector once");
        }
    }

    @Test
    void queuesSharingAVectorLoseNoCompletionAndNoSignal() throws Exception {
        try (MockHost h = MockHost.ready(config())) {
            HostQueue[] qs = queues(h);
            long before = h.ctrl.counters().interruptsSignalled();
            hammer(qs);
            for (int v = 1; v <= 2; v++) {
                assertEquals(2L * PER_QUEUE, ((EventFdVector) h.vectors[v]).drain(), "one signal per completion on vector " + v);
            }
            assertEquals(QUEUES * (long) PER_QUEUE, h.ctrl.counters().interruptsSignalled() - before);
        }
    }

    @Test
    void coalescingCountsTheCompletionsOfEveryQueueOfTheVector() throws Exception {
        try (MockHost h = MockHost.ready(config())) {
            assertTrue(h.adminCmd(Cmd.of(Opcodes.ADMIN_SET_FEATURES).cdw10(Opcodes.FEAT_INTERRUPT_COALESCING).cdw11(3))
                    .ok());
            HostQueue[] qs = queues(h);
            long before = h.ctrl.counters().interruptsSignalled();
            hammer(qs);
            for (int v = 1; v <= 2; v++) {
                assertEquals(2L * PER_QUEUE / 4, ((EventFdVector) h.vectors[v]).drain(),
                        "THR 3: one signal per 4 completions of the vector's two queues, vector " + v);
            }
            assertEquals(QUEUES * (long) PER_QUEUE / 4, h.ctrl.counters().interruptsSignalled() - before);
        }
    }

    /** The I/O queues, interrupts enabled, two on each vector; the vectors drained. */
    private static HostQueue[] queues(MockHost h) {
        HostQueue[] qs = new HostQueue[QUEUES];
        for (int i = 0; i < QUEUES; i++) {
            qs[i] = h.ioQueue(i + 1, 16, 1 + i / 2);
        }
        for (int v = 1; v <= 2; v++) {
            ((EventFdVector) h.vectors[v]).drain();
        }
        return qs;
    }

    /** One host thread per queue, all at once, each executing PER_QUEUE flushes, BATCH at a time. */
    private static void hammer(HostQueue[] qs) throws Exception {
        AtomicReference<String> problem = new AtomicReference<>();
        CyclicBarrier start = new CyclicBarrier(QUEUES);
        Thread[] threads = new Thread[QUEUES];
        for (int i = 0; i < QUEUES; i++) {
            HostQueue q = qs[i];
            int qid = i + 1;
            threads[i] = Thread.ofPlatform().name("host-q" + qid).start(() -> {
                try {
                    start.await();
                    int[] cids = new int[BATCH];
                    for (int n = 0; n < PER_QUEUE && problem.get() == null; n += BATCH) {
                        for (int b = 0; b < BATCH; b++) {
                            cids[b] = q.push(flush());
                        }
                        q.ringSq(); // a batch per doorbell: the lanes post completions back to back
                        for (int b = 0; b < BATCH; b++) {
                            Cqe c = q.await(Duration.ofSeconds(10));
                            if (c == null || c.cid() != cids[b] || !c.ok()) {
                                problem.compareAndSet(null, "queue " + qid + " command " + (n + b) + ": " + c);
                            }
                        }
                    }
                } catch (Exception | AssertionError e) {
                    problem.compareAndSet(null, "queue " + qid + ": " + e);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertNull(problem.get());
    }
}
