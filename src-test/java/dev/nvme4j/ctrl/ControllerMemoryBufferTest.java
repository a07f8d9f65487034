package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * I/O submission queues in the mock's Controller Memory Buffer: the commands are written into
 * the CMB (the mock reads a ring at the CMB's controller address from the CMB memory only, so a
 * command written anywhere else, or an address the mock was not told, fails the data check),
 * and every case where the CMB cannot take a queue falls back to host memory with I/O intact.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ControllerMemoryBufferTest {
    private static final ControllerOptions ON = ControllerOptions.builder()
            .ioTimeout(Duration.ofSeconds(20)).cmbSubmissionQueues(true).build();

    private static MockConfig.Builder mock(long cmbBytes) {
        return MockConfig.builder().cmbSize(cmbBytes).namespace(NamespaceConfig.ram(4096, 512));
    }

    /** Writes then reads back {@code count} blocks, one command each, and checks the data. */
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
            assertEquals(-1, r.segment().asSlice(0, count * 512L).mismatch(w.segment().asSlice(0, count * 512L)),
                    "data read back");
            assertEquals(0, qp.counters().timeouts(), qp.counters().toString());
        }
    }

    @ParameterizedTest
    @EnumSource(ExecutionMode.class)
    void submissionQueuesGoToTheCmbAndCarryIo(ExecutionMode mode) {
        try (MockFixture f = new MockFixture(mock(1 << 20).mode(mode).build(), ON)) {
            IoQueuePair a = f.ctrl.createQueuePair(64, CompletionMode.POLL);
            IoQueuePair b = f.ctrl.createQueuePair(7, CompletionMode.POLL);
            assertEquals(2, f.mock.cmbSubmissionQueuesCreated(), "both SQs created at CMB addresses");
            io(f, a, 200, 1);
            io(f, b, 40, 2);
            b.close();
            a.close();
        }
    }

    @Test
    void offByDefault() {
        try (MockFixture f = new MockFixture(mock(1 << 20).build(),
                ControllerOptions.builder().ioTimeout(Duration.ofSeconds(20)).build())) {
            IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            io(f, qp, 50, 3);
            assertEquals(0, f.mock.cmbSubmissionQueuesCreated());
            qp.close();
        }
    }

    @Test
    void withoutACmbOrWhereItCannotHoldQueuesTheyStayInHostMemory() {
        MockConfig[] configs = {
            mock(0).build(),
            mock(1 << 20).cmbSubmissionQueues(false).build(),
            mock(1 << 20).cmbRefusesAddress(true).build(),
        };
        for (MockConfig c : configs) {
            try (MockFixture f = new MockFixture(c, ON)) {
                IoQueuePair qp = f.ctrl.createQueuePair(16, CompletionMode.POLL);
                io(f, qp, 50, 4);
                assertEquals(0, f.mock.cmbSubmissionQueuesCreated(), "cmb " + c.cmbSize() + " sqs "
                        + c.cmbSubmissionQueues() + " refuses " + c.cmbRefusesAddress());
                qp.close();
            }
        }
    }

    @Test
    void aQueueThatDoesNotFitGoesToHostMemoryAndAFreedOneMakesRoom() {
        // 16 KiB: one SQ of 256 entries (64 bytes each) fills it.
        try (MockFixture f = new MockFixture(mock(16 << 10).build(), ON)) {
            IoQueuePair first = f.ctrl.createQueuePair(256, CompletionMode.POLL);
            IoQueuePair second = f.ctrl.createQueuePair(256, CompletionMode.POLL);
            assertEquals(1, f.mock.cmbSubmissionQueuesCreated(), "only the first fits");
            io(f, first, 300, 5);
            io(f, second, 300, 6);
            first.close();
            IoQueuePair third = f.ctrl.createQueuePair(256, CompletionMode.POLL);
            assertEquals(2, f.mock.cmbSubmissionQueuesCreated(), "the first one's room was given back");
            io(f, third, 300, 7);
            third.close();
            second.close();
        }
    }

    @Test
    void survivesResets() {
        try (MockFixture f = new MockFixture(mock(1 << 20).build(), ON)) {
            IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            io(f, qp, 30, 8);
            for (int round = 0; round < 2; round++) {
                f.ctrl.reset();
                io(f, qp, 30, 9 + round);
            }
            assertEquals(3, f.mock.cmbSubmissionQueuesCreated(), "re-created in the CMB after each reset");
            qp.close();
        }
    }
}
