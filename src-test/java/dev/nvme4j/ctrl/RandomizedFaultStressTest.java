package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mixes faults and I/O on several queue pairs under seeded schedules and checks the
 * invariants: every submitted command completes exactly once, and the mock sees no spec
 * violation. CI runs {@value #CI_SEEDS} seeds; {@code -Dnvme4j.stress.seeds=N} runs N,
 * {@code -Dnvme4j.stress.seed=S} replays one. A failure names its seed.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomizedFaultStressTest {
    private static final int CI_SEEDS = 200;

    @Test
    void seededFaultSchedulesKeepEveryInvariant() {
        String one = System.getProperty("nvme4j.stress.seed");
        if (one != null) {
            runSeed(Long.parseLong(one));
            return;
        }
        int seeds = Integer.getInteger("nvme4j.stress.seeds", CI_SEEDS);
        long base = Long.getLong("nvme4j.stress.base", 1);
        for (long seed = base; seed < base + seeds; seed++) {
            runSeed(seed);
        }
    }

    private static void runSeed(long seed) {
        try {
            new Schedule(seed).run();
        } catch (Throwable t) {
            fail("stress seed " + seed + " failed (replay with -Dnvme4j.stress.seed=" + seed + "): " + t, t);
        }
    }

    private static final class Schedule {
        private final long seed;
        private final SplittableRandom rnd;
        private int[] calls;

        Schedule(long seed) {
            this.seed = seed;
            this.rnd = new SplittableRandom(seed);
        }

        void run() {
            MockConfig cfg = MockConfig.builder().mode(ExecutionMode.DETERMINISTIC).mdts(1 + rnd.nextInt(4))
                    .namespace(NamespaceConfig.ram(1 << 14, rnd.nextBoolean() ? 512 : 4096)).build();
            ControllerOptions opts = ControllerOptions.builder().ioTimeout(Duration.ofMillis(20))
                    .adminTimeout(Duration.ofMillis(100)).watchdogPeriod(Duration.ofMillis(5))
                    .adminQueueDepth(2 + rnd.nextInt(8)).shutdownTimeout(Duration.ofMillis(200)).build();
            try (MockFixture f = new MockFixture(cfg, opts)) {
                injectFaults(f);
                drive(f);
            }
        }

        private void injectFaults(MockFixture f) {
            var faults = f.mock.faults();
            if (rnd.nextInt(3) == 0) {
                faults.ignoreSqDoorbell(FaultMatch.any().queue(1 + rnd.nextInt(2)).probability(0.05, seed));
            }
            if (rnd.nextInt(3) == 0) {
                faults.completeWithStatus(FaultMatch.any().queue(1 + rnd.nextInt(2)).opcode(Opcodes.NVM_READ).probability(0.05, seed),
                        Status.of(2, 0x81, true));
            }
            if (rnd.nextInt(4) == 0) {
                faults.hangCommands(FaultMatch.any().queue(1 + rnd.nextInt(2)).opcode(Opcodes.NVM_WRITE).times(1 + rnd.nextInt(2)),
                        rnd.nextInt(3) == 0);
            }
            if (rnd.nextInt(4) == 0) {
                faults.dropCompletionsWhenCqFull(true);
            }
        }

        private void drive(MockFixture f) {
            Namespace ns = f.ctrl.namespace(1);
            List<IoQueuePair> pairs = new ArrayList<>();
            int nPairs = 1 + rnd.nextInt(4);
            for (int i = 0; i < nPairs; i++) {
                pairs.add(f.ctrl.createQueuePair(2 + rnd.nextInt(15), CompletionMode.POLL));
            }
            int total = 50 + rnd.nextInt(150);
            calls = new int[total];
            try (DmaBuffer buf = f.ctrl.allocateBuffer(64 * 4096)) {
                for (int i = 0; i < total; i++) {
                    IoQueuePair qp = pairs.get(rnd.nextInt(nPairs));
                    int blocks = 1 + rnd.nextInt(16);
                    long lba = rnd.nextInt((int) ns.sizeBlocks() - blocks);
                    DmaBuffer slice = buf.slice(rnd.nextInt(16) * 4L, (long) blocks * ns.lbaSize());
                    boolean write = rnd.nextBoolean();
                    int tag = i;
                    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                    while (!(write ? qp.write(ns, lba, blocks, slice, (t, s) -> calls[(int) t]++, tag)
                            : qp.read(ns, lba, blocks, slice, (t, s) -> calls[(int) t]++, tag))) {
                        pairs.forEach(p -> p.process(Duration.ofMillis(1)));
                        assertTrue(System.nanoTime() < deadline, "no progress");
                    }
                }
                for (IoQueuePair qp : pairs) {
                    assertTrue(qp.drain(Duration.ofSeconds(10)), "drained");
                }
                for (int i = 0; i < total; i++) {
                    assertEquals(1, calls[i], "command " + i + " completed exactly once");
                }
                pairs.forEach(IoQueuePair::close);
            }
        }
    }
}
