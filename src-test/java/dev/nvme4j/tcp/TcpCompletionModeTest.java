package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The completion modes over NVMe/TCP: {@link CompletionMode#INTERRUPT} blocks on the queue's
 * connection until the target sends something (no CPU spent waiting), {@link CompletionMode#HYBRID}
 * spins briefly and then blocks the same way, {@link CompletionMode#POLL} never blocks. Against
 * the in-process {@link FakeTcpTarget} with its reads answered late.
 */
class TcpCompletionModeTest {
    private static final Duration SLICE = Duration.ofSeconds(1);
    private FakeTcpTarget target;

    @BeforeEach
    void start() throws IOException {
        target = new FakeTcpTarget(4096);
    }

    @AfterEach
    void stop() throws IOException {
        target.close();
        assertEquals(java.util.List.of(), target.errors, "the fake target saw no protocol error from the host");
    }

    private Controller open() {
        return Nvme.open("tcp://127.0.0.1:" + target.address().getPort() + "/" + FakeTcpTarget.SUBNQN,
                TcpControllerApiTest.options(), TcpControllerApiTest.fabrics());
    }

    /** One read answered {@code delayMillis} late, waited for by process(); returns the owner's CPU nanoseconds. */
    private long lateRead(IoQueuePair qp, Namespace ns, DmaBuffer buf, int delayMillis) {
        target.media[70 * 512] = 7;
        target.readDelayMillis = delayMillis;
        int[] done = new int[2];
        assertTrue(qp.read(ns, 70, 8, buf, (tag, status) -> {
            done[0]++;
            done[1] = status;
        }, 0));
        var mx = ManagementFactory.getThreadMXBean();
        long cpu0 = mx.getCurrentThreadCpuTime();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (qp.outstanding() > 0 && System.nanoTime() < deadline) {
            qp.process(SLICE);
        }
        long cpu = mx.getCurrentThreadCpuTime() - cpu0;
        System.out.println("late read (" + delayMillis + " ms): " + cpu / 1_000_000 + " ms of CPU, " + qp.counters());
        target.readDelayMillis = 0;
        assertEquals(1, done[0], "the read completed once");
        assertEquals(0, done[1], "successfully");
        assertEquals(7, buf.segment().get(ValueLayout.JAVA_BYTE, 0));
        return cpu;
    }

    /**
     * Waiting 800 ms for one answer: woken by the connection (at least once), but only a few
     * times (a wait that returns without data is a spin), and the owner's CPU time far below the
     * wait (a spinning owner shows most of it even on a loaded machine).
     */
    private static void assertBlocked(IoQueuePair qp, long cpuNanos) {
        long wakeUps = qp.counters().interrupts();
        assertTrue(wakeUps >= 1, "woken by the connection: " + qp.counters());
        assertTrue(wakeUps <= 10, wakeUps + " wake-ups for one answer: the owner spun instead of blocking");
        assertTrue(cpuNanos < 400_000_000L, "waiting 800 ms for the answer took " + cpuNanos / 1_000_000
                + " ms of CPU: the owner spun instead of blocking");
    }

    @Test
    void interruptModeBlocksOnTheConnectionInsteadOfSpinning() {
        try (Controller c = open();
             IoQueuePair qp = c.createQueuePair(16, CompletionMode.INTERRUPT);
             DmaBuffer buf = c.allocateBuffer(4096)) {
            long cpu = lateRead(qp, c.namespace(1), buf, 800);
            assertBlocked(qp, cpu);
        }
    }

    @Test
    void hybridModeSpinsBrieflyThenBlocks() {
        try (Controller c = open();
             IoQueuePair qp = c.createQueuePair(16, CompletionMode.HYBRID);
             DmaBuffer buf = c.allocateBuffer(4096)) {
            long cpu = lateRead(qp, c.namespace(1), buf, 800);
            assertBlocked(qp, cpu);
        }
    }

    @Test
    void pollModeNeverBlocks() {
        try (Controller c = open();
             IoQueuePair qp = c.createQueuePair(16, CompletionMode.POLL);
             DmaBuffer buf = c.allocateBuffer(4096)) {
            lateRead(qp, c.namespace(1), buf, 100);
            assertEquals(0, qp.counters().interrupts(), "polled only: " + qp.counters());
        }
    }

    @Test
    void aBlockedOwnerFollowsTheReconnect() {
        try (Controller c = open();
             IoQueuePair qp = c.createQueuePair(16, CompletionMode.INTERRUPT);
             DmaBuffer buf = c.allocateBuffer(4096)) {
            target.closeOnRead = true; // the I/O connection drops at the read: reset, new connection
            lateRead(qp, c.namespace(1), buf, 0);
            assertEquals(1, c.counters().resets(), "one reconnect");
            lateRead(qp, c.namespace(1), buf, 200);
            assertTrue(qp.counters().interrupts() >= 1, "the new connection wakes the owner: " + qp.counters());
        }
    }

    @Test
    void interruptModeAllocatesNothingPerCommand() {
        try (Controller c = open();
             IoQueuePair qp = c.createQueuePair(16, CompletionMode.INTERRUPT);
             DmaBuffer buf = c.allocateBuffer(4 * 4096)) {
            Namespace ns = c.namespace(1);
            DmaBuffer[] slices = new DmaBuffer[4];
            for (int i = 0; i < 4; i++) {
                slices[i] = buf.slice(i * 4096L, 4096);
            }
            int[] done = {0};
            IoCallback cb = (tag, status) -> done[0]++;
            closedLoop(qp, ns, slices, cb, done, 2000);
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            for (int round = 0; round < 5 && best > 0; round++) { // best of rounds: the JIT may still compile
                long before = mx.getThreadAllocatedBytes(tid);
                closedLoop(qp, ns, slices, cb, done, 2000);
                best = Math.min(best, (mx.getThreadAllocatedBytes(tid) - before) / 2000);
            }
            assertTrue(qp.counters().interrupts() > 0, "the owner blocked on the connection: " + qp.counters());
            assertTrue(best < 64, "allocated " + best + " bytes per I/O on the owner thread");
        }
    }

    /** Mixed 4 KiB reads and writes at QD 2, waited for by process(), until {@code ios} completed. */
    private static void closedLoop(IoQueuePair qp, Namespace ns, DmaBuffer[] slices, IoCallback cb, int[] done,
            int ios) {
        done[0] = 0;
        int submitted = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (done[0] < ios && System.nanoTime() < deadline) {
            while (submitted < ios && submitted - done[0] < 2) {
                int i = submitted & 3;
                boolean ok = (submitted & 1) == 0 ? qp.write(ns, i * 8L, 8, slices[i], cb, i)
                        : qp.read(ns, i * 8L, 8, slices[i], cb, i);
                if (!ok) {
                    break;
                }
                submitted++;
            }
            qp.process(SLICE);
        }
        assertEquals(ios, done[0]);
    }
}
