package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Controller close: queue deletion within the admin queue's slots, shutdown, and dead devices. */
class TeardownTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @ParameterizedTest
    @CsvSource({"2, 64", "4, 64", "32, 64"})
    void closeDeletesEveryQueueWithinTheAdminQueuesSlots(int adminDepth, int pairs) {
        assertTimeoutPreemptively(BOUND, () -> {
            ControllerOptions opts = ControllerOptions.builder().adminQueueDepth(adminDepth).build();
            MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(4096, 512)).build();
            MockFixture f = new MockFixture(cfg, opts);
            List<IoQueuePair> qps = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                qps.add(f.ctrl.createQueuePair(4, CompletionMode.POLL));
            }
            long adminBefore = f.mock.counters().adminCommands();
            f.ctrl.close();
            long deletions = f.mock.counters().adminCommands() - adminBefore;
            assertTrue(deletions >= 2L * pairs, "an SQ and a CQ deletion per pair, got " + deletions);
            assertEquals(ControllerState.CLOSED, f.ctrl.state());
            f.mock.assertNoViolations();
            f.ctrl.close(); // idempotent
            for (IoQueuePair qp : qps) {
                qp.close(); // already closed by the controller: no-op
            }
            f.mock.assertNoViolations();
            f.mock.close();
        });
    }

    @Test
    void adminCountersCountTheDeletionsOfCloseOnceAsSubmittedAndCompleted() {
        MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(4096, 512)).build();
        MockFixture f = new MockFixture(cfg);
        try {
            IoQueuePair a = f.ctrl.createQueuePair(4, CompletionMode.POLL);
            f.ctrl.createQueuePair(4, CompletionMode.POLL);
            var before = f.ctrl.counters();
            a.close(); // the pair's own close: Delete I/O SQ and CQ
            var afterPairClose = f.ctrl.counters();
            assertEquals(2, afterPairClose.adminSubmitted() - before.adminSubmitted(), afterPairClose.toString());
            assertEquals(2, afterPairClose.adminCompleted() - before.adminCompleted(), afterPairClose.toString());
            f.ctrl.close(); // the controller's close deletes the other pair's SQ and CQ
            var after = f.ctrl.counters();
            assertEquals(2, after.adminSubmitted() - afterPairClose.adminSubmitted(), after.toString());
            assertEquals(2, after.adminCompleted() - afterPairClose.adminCompleted(), after.toString());
            // Over the whole life: every admin command the device fetched was counted once.
            assertEquals(f.mock.counters().adminCommands(), after.adminSubmitted(), after.toString());
            f.mock.assertNoViolations();
        } finally {
            f.mock.close();
        }
    }

    @Test
    void closeWithInFlightIoOnADeviceThatStopsAnsweringIsBoundedAndFailsEverything() {
        assertTimeoutPreemptively(BOUND, () -> {
            ControllerOptions opts = RecoveryTest.fastRecovery().toBuilder().ioTimeout(Duration.ofSeconds(30))
                    .adminTimeout(Duration.ofSeconds(30)).shutdownTimeout(Duration.ofSeconds(1)).build();
            MockFixture f = new MockFixture(RecoveryTest.config(ExecutionMode.THREADED), opts);
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair interrupting = f.ctrl.createQueuePair(16, CompletionMode.INTERRUPT);
            IoQueuePair polling = f.ctrl.createQueuePair(16, CompletionMode.POLL);
            DmaBuffer buf = f.ctrl.allocateBuffer(4096);
            f.mock.faults().hangCommands(FaultMatch.any(), true); // nothing completes any more
            AtomicInteger completions = new AtomicInteger();
            AtomicInteger aborted = new AtomicInteger();
            List<Thread> owners = new ArrayList<>();
            for (IoQueuePair qp : List.of(interrupting, polling)) {
                Thread owner = new Thread(() -> {
                    for (int i = 0; i < 10; i++) {
                        qp.read(ns, i, 1, buf.slice(0, 512), (t, s) -> {
                            completions.incrementAndGet();
                            if (NvmeStatus.of(s) == NvmeStatus.COMMAND_ABORTED_BY_HOST && Status.dnr(s)) {
                                aborted.incrementAndGet();
                            }
                        }, i);
                    }
                    while (qp.outstanding() > 0) {
                        try {
                            qp.process(Duration.ofMillis(50));
                        } catch (IllegalStateException closed) {
                            break;
                        }
                    }
                }, "owner-" + qp.queueId());
                owner.start();
                owners.add(owner);
            }
            Thread.sleep(100);
            long start = System.nanoTime();
            f.ctrl.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(closeMillis < 5_000, "close took " + closeMillis + " ms");
            for (Thread t : owners) {
                t.join(5_000);
                assertFalse(t.isAlive(), t.getName() + " is still blocked");
            }
            assertEquals(20, completions.get(), "every command completed exactly once");
            assertEquals(20, aborted.get(), "with Command Aborted By Host, DNR");
            f.mock.assertNoViolations();
            f.mock.close();
        });
    }

    @Test
    void closeWaitsForShutdownToComplete() {
        MockConfig cfg = MockConfig.builder().shutdownDelay(Duration.ofMillis(150)).build();
        MockFixture f = new MockFixture(cfg);
        long start = System.nanoTime();
        f.close();
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(140).toNanos(), "waited for CSTS.SHST");
    }

    @Test
    void closeGivesUpOnAShutdownThatNeverCompletes() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().shutdownDelay(Duration.ofSeconds(60)).build();
            ControllerOptions opts = ControllerOptions.builder().shutdownTimeout(Duration.ofMillis(300)).build();
            MockFixture f = new MockFixture(cfg, opts);
            long start = System.nanoTime();
            f.close();
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "bounded");
        });
    }

    /** Delete I/O SQ fails (here: Internal Error): close still goes on to CC.SHN and waits for SHST. */
    @Test
    void closeShutsDownEvenWhenDeletingAnIoSubmissionQueueFails() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().namespace(NamespaceConfig.ram(4096, 512))
                    .shutdownDelay(Duration.ofMillis(400)).build();
            MockFixture f = new MockFixture(cfg, ControllerOptions.builder().shutdownTimeout(Duration.ofSeconds(5)).build());
            f.ctrl.createQueuePair(4, CompletionMode.POLL);
            f.mock.faults().completeWithStatus(FaultMatch.any().queue(0).opcode(Opcodes.ADMIN_DELETE_IO_SQ),
                    NvmeStatus.INTERNAL_ERROR.code(true));
            long start = System.nanoTime();
            f.ctrl.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 380, "close waited for CSTS.SHST after CC.SHN, took only " + millis + " ms");
            assertTrue(millis < 5_000, "and stayed within shutdownTimeout: " + millis + " ms");
            assertEquals(ControllerState.CLOSED, f.ctrl.state());
            f.mock.assertNoViolations();
            f.mock.close();
        });
    }

    /**
     * A controller that reports no RTD3E (0, the common case) and needs 1.6 s to shut down:
     * close waits up to shutdownTimeout (5 s here), not a fixed 1 s.
     */
    @Test
    void closeHonoursShutdownTimeoutWhenRtd3eIsNotReported() {
        assertTimeoutPreemptively(BOUND, () -> {
            MockConfig cfg = MockConfig.builder().shutdownDelay(Duration.ofMillis(1600)).build();
            MockFixture f = new MockFixture(cfg, ControllerOptions.builder().shutdownTimeout(Duration.ofSeconds(5)).build());
            assertEquals(0, java.lang.foreign.MemorySegment.ofArray(f.ctrl.identifyController())
                    .get(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED, dev.nvme4j.spec.IdentifyLayout.CTRL_RTD3E),
                    "the mock reports RTD3E = 0");
            long start = System.nanoTime();
            f.close();
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 1_580, "close gave up on the shutdown after " + millis + " ms");
            assertTrue(millis < 5_000, "bounded by shutdownTimeout: " + millis + " ms");
        });
    }

    @Test
    void closeOfOneQueuePairDeletesItsQueuesAndFreesItsId() {
        try (MockFixture f = MockFixture.defaults()) {
            IoQueuePair a = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            int qid = a.queueId();
            a.close();
            a.close();
            IoQueuePair b = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            assertEquals(qid, b.queueId());
            b.close();
        }
    }
}
