package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several owner threads, one queue pair each, in every completion mode, on a threaded device
 * with lost doorbells, dropped interrupts and hung commands whose Abort hangs too (so the
 * watchdog resets the controller while the owners keep submitting). Every command completes
 * exactly once; the mock sees no violation.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConcurrentOwnersStressTest {
    private static final int THREADS = 4;
    private static final int PER_THREAD = 400;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void ownersKeepWorkingThroughResets(long seed) throws Exception {
        MockConfig cfg = MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofNanos(50_000))
                .namespace(NamespaceConfig.ram(1 << 14, 512)).build();
        ControllerOptions opts = ControllerOptions.builder().ioTimeout(Duration.ofMillis(100))
                .adminTimeout(Duration.ofMillis(200)).watchdogPeriod(Duration.ofMillis(5)).build();
        try (MockFixture f = new MockFixture(cfg, opts)) {
            f.mock.faults().ignoreSqDoorbell(FaultMatch.any().queue(1).probability(0.02, seed));
            f.mock.faults().dropInterrupts(FaultMatch.any().queue(2).probability(0.05, seed));
            f.mock.faults().hangCommands(FaultMatch.any().queue(3).opcode(Opcodes.NVM_WRITE).times(2), true);
            Namespace ns = f.ctrl.namespace(1);
            CompletionMode[] modes = CompletionMode.values();
            List<Thread> owners = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int i = 0; i < THREADS; i++) {
                IoQueuePair qp = f.ctrl.createQueuePair(16, modes[i % modes.length]);
                DmaBuffer buf = f.ctrl.allocateBuffer(16 * 4096);
                SplittableRandom rnd = new SplittableRandom(seed * 31 + i);
                Thread t = new Thread(() -> {
                    try {
                        drive(qp, ns, buf, rnd);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }, "owner-" + qp.queueId());
                owners.add(t);
                t.start();
            }
            for (Thread t : owners) {
                t.join();
            }
            assertNull(failure.get(), () -> "seed " + seed + ": " + failure.get());
            var c = f.ctrl.counters();
            assertTrue(c.resets() >= 1 && c.io().lostDoorbells() + c.io().missedInterrupts() >= 1, c.toString());
        }
    }

    private static void drive(IoQueuePair qp, Namespace ns, DmaBuffer buf, SplittableRandom rnd) {
        int[] calls = new int[PER_THREAD];
        for (int i = 0; i < PER_THREAD; i++) {
            int blocks = 1 + rnd.nextInt(8);
            long lba = rnd.nextInt((int) ns.sizeBlocks() - blocks);
            DmaBuffer slice = buf.slice((long) rnd.nextInt(8) * 4096, (long) blocks * 512);
            boolean write = rnd.nextBoolean();
            while (!(write ? qp.write(ns, lba, blocks, slice, (t, s) -> calls[(int) t]++, i)
                    : qp.read(ns, lba, blocks, slice, (t, s) -> calls[(int) t]++, i))) {
                qp.process(Duration.ofMillis(2));
            }
        }
        assertTrue(qp.drain(Duration.ofSeconds(20)), "drained " + qp.counters());
        for (int i = 0; i < PER_THREAD; i++) {
            assertEquals(1, calls[i], "command " + i + " on queue " + qp.queueId() + " completed exactly once");
        }
        qp.close();
    }
}
