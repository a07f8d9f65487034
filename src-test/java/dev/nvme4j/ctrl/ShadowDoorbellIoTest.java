package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shadow doorbells (Doorbell Buffer Config) on the mock: I/O at tiny and ordinary queue depths
 * with the data verified, no command lost or late (a skipped MMIO write the EventIdx asked for
 * leaves a command unfetched or a completion unposted; the mock also reports it as a violation,
 * which MockFixture fails on), MMIO writes avoided, and the buffer given again after a reset.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShadowDoorbellIoTest {
    private static final ControllerOptions OPTIONS = ControllerOptions.builder()
            .ioTimeout(Duration.ofSeconds(20)).shadowDoorbells(true).build();

    private static MockConfig mock(boolean offered, ExecutionMode mode) {
        return MockConfig.builder().shadowDoorbells(offered).mode(mode)
                .namespace(NamespaceConfig.ram(4096, 512)).build();
    }

    /** Writes then reads back {@code count} blocks one command each, keeping the queue full. */
    private static void io(MockFixture f, IoQueuePair qp, int count, int seed) {
        Namespace ns = f.ctrl.namespace(1);
        AtomicInteger failed = new AtomicInteger();
        try (DmaBuffer w = f.ctrl.allocateBuffer(count * 512L); DmaBuffer r = f.ctrl.allocateBuffer(count * 512L)) {
            for (long i = 0; i < w.byteSize(); i += 8) {
                w.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, i, i * 0x9E3779B97F4A7C15L + seed);
            }
            for (int i = 0; i < count; i++) {
                qp.submitWriteBlocking(ns, i, 1, w.slice(i * 512L, 512), (tag, st) -> {
                    if (st != 0) {
                        failed.incrementAndGet();
                    }
                }, i);
            }
            assertTrue(qp.drain(Duration.ofSeconds(60)), "writes drained");
            for (int i = 0; i < count; i++) {
                qp.submitReadBlocking(ns, i, 1, r.slice(i * 512L, 512), (tag, st) -> {
                    if (st != 0) {
                        failed.incrementAndGet();
                    }
                }, i);
            }
            assertTrue(qp.drain(Duration.ofSeconds(60)), "reads drained");
            assertEquals(0, failed.get(), "failed commands");
            long bytes = count * 512L;
            assertEquals(-1, r.segment().asSlice(0, bytes).mismatch(w.segment().asSlice(0, bytes)), "data read back");
        }
    }

    private static void assertNothingLost(QueueCounters c) {
        assertEquals(0, c.timeouts(), c.toString());
        assertEquals(0, c.lostDoorbells(), c.toString());
        assertEquals(0, c.missedInterrupts(), c.toString());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 16, 64})
    void ioAtEveryDepthDeterministic(int depth) {
        ioAtDepth(depth, ExecutionMode.DETERMINISTIC);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 5, 8, 64})
    void ioAtEveryDepthThreaded(int depth) {
        ioAtDepth(depth, ExecutionMode.THREADED);
    }

    private static void ioAtDepth(int depth, ExecutionMode mode) {
        try (MockFixture f = new MockFixture(mock(true, mode), OPTIONS)) {
            IoQueuePair qp = f.ctrl.createQueuePair(depth, CompletionMode.POLL);
            int count = 6 * depth + 7;
            io(f, qp, count, depth);
            QueueCounters c = qp.counters();
            assertNothingLost(c);
            assertEquals(2L * count, c.completed(), c.toString());
            assertTrue(c.doorbellsAvoided() > 0, "CQ head updates the mock did not ask to be rung: " + c);
            // Every SQ tail is rung (the mock fetches only when rung); CQ heads are rung only
            // while the mock waits for room: fewer MMIO writes than doorbell updates.
            assertTrue(c.doorbellsRung() >= 1, c.toString());
            qp.close();
        }
    }

    @Test
    void offByOptionOrNotOfferedMeansMmioOnly() {
        try (MockFixture f = new MockFixture(mock(true, ExecutionMode.DETERMINISTIC),
                OPTIONS.toBuilder().shadowDoorbells(false).build())) {
            IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
            io(f, qp, 31, 1);
            assertEquals(0, qp.counters().doorbellsAvoided());
            qp.close();
        }
        try (MockFixture f = new MockFixture(mock(false, ExecutionMode.DETERMINISTIC), OPTIONS)) {
            IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
            io(f, qp, 31, 2);
            assertEquals(0, qp.counters().doorbellsAvoided());
            qp.close();
        }
    }

    @Test
    void givenAgainAfterEveryReset() {
        try (MockFixture f = new MockFixture(mock(true, ExecutionMode.DETERMINISTIC), OPTIONS)) {
            IoQueuePair qp = f.ctrl.createQueuePair(4, CompletionMode.POLL);
            io(f, qp, 29, 3);
            for (int round = 0; round < 3; round++) {
                long before = qp.counters().doorbellsAvoided();
                f.ctrl.reset();
                io(f, qp, 29, 4 + round);
                assertTrue(qp.counters().doorbellsAvoided() > before,
                        "shadow doorbells in use after reset " + (round + 1) + ": " + qp.counters());
            }
            assertNothingLost(qp.counters());
            // A queue pair created after the resets uses them too.
            IoQueuePair second = f.ctrl.createQueuePair(3, CompletionMode.POLL);
            io(f, second, 17, 9);
            assertTrue(second.counters().doorbellsAvoided() > 0, second.counters().toString());
            second.close();
            qp.close();
        }
    }

    /**
     * A queue id used again after its queue was deleted: the EventIdx entries still hold the old
     * queue's values (the mock, like QEMU, does not rewrite them at Create), so the driver must not
     * trust them for the new queue's first doorbells, or the first submission is never fetched
     * (seen on QEMU 7.2 as commands completing only after the lost-doorbell recovery).
     */
    @Test
    void aQueueIdUsedAgainAfterDeleteRingsItsFirstDoorbells() {
        ControllerOptions quick = OPTIONS.toBuilder().ioTimeout(Duration.ofSeconds(4)).build();
        try (MockFixture f = new MockFixture(mock(true, ExecutionMode.DETERMINISTIC), quick)) {
            int qid = -1;
            for (int round = 0; round < 4; round++) {
                IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
                if (round > 0) {
                    assertEquals(qid, qp.queueId(), "the deleted queue's id is given out again");
                }
                qid = qp.queueId();
                // A different number of commands each round: the old queue ends at another index.
                io(f, qp, 3 + 2 * round, 20 + round);
                assertNothingLost(qp.counters());
                qp.close();
            }
        }
    }
}
