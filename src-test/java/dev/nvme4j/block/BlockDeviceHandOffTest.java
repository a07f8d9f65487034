package dev.nvme4j.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The hand-off between callers and a queue pair: who drives the pair, how long a caller waits,
 * what many callers cost. Callers park without a timeout; the waitTimeout is enforced by the
 * owner's deadline scan, so these tests also check that nothing waits past it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockDeviceHandOffTest {
    private static final int BS = 512;

    private static MockConfig deterministic() {
        return MockConfig.builder().mode(ExecutionMode.DETERMINISTIC)
                .namespace(NamespaceConfig.nullStore(1 << 20, BS)).build();
    }

    private static BlockDeviceOptions.Builder opts(CompletionMode mode) {
        return BlockDeviceOptions.builder().queuePairs(1).queueDepth(64).requestSlots(64).completionMode(mode)
                .bounceBuffers(2).bounceSize(4096);
    }

    @ParameterizedTest // INTERRUPT keeps the owner as the only driver
    @EnumSource(value = CompletionMode.class, names = {"POLL", "HYBRID"})
    void aLoneCallerDrivesItsOwnIoWithoutTheOwner(CompletionMode mode) {
        try (BlockFixture f = new BlockFixture(deterministic(), ControllerOptions.defaults(), opts(mode).build());
             DmaBuffer buf = f.ctrl.allocateBuffer(4096)) {
            BlockOwner owner = f.dev.io().owners[0];
            long before = owner.callerRounds();
            for (int i = 0; i < 2000; i++) {
                f.dev.read(i * 8L, 8, buf);
            }
            long rounds = owner.callerRounds() - before;
            // The owner wakes now and then and may take a request first (more so on a loaded machine);
            // with the owner as the only driver this is 0.
            assertTrue(rounds >= 500, mode + ": callers ran " + rounds + " rounds for 2000 I/Os");
        }
    }

    @ParameterizedTest
    @EnumSource(value = CompletionMode.class)
    void aCallerWhoseDeviceNeverAnswersGetsTheWaitTimeoutAndTheDeviceStillCloses(CompletionMode mode)
            throws Exception {
        ControllerOptions slow = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(60)).build();
        MockConfig threaded = MockConfig.builder().mode(ExecutionMode.THREADED)
                .namespace(NamespaceConfig.ram(4096, BS)).build();
        BlockDeviceOptions o = opts(mode).bounceBuffers(8).waitTimeout(Duration.ofMillis(300)).closeTimeout(Duration.ofMillis(100))
                .build();
        try (BlockFixture f = new BlockFixture(threaded, slow, o);
             DmaBuffer buf = f.ctrl.allocateBuffer(BS)) {
            f.dev.write(3, 1, buf); // works
            f.mock.faults().hangCommands(FaultMatch.any().opcode(Opcodes.NVM_READ), false);
            ConcurrentLinkedQueue<Throwable> outcomes = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int t = 0; t < 8; t++) {
                int id = t;
                Runnable r = () -> {
                    try {
                        f.dev.read(id, MemorySegment.ofArray(new byte[BS]));
                        outcomes.add(new AssertionError("a read succeeded on a hung device"));
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                };
                threads.add(t % 2 == 0 ? Thread.ofVirtual().start(r) : Thread.ofPlatform().start(r));
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(20)), mode + ": a caller waits past its waitTimeout: " + t);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis >= 250 && millis < 15_000, mode + ": the callers gave up after " + millis + " ms");
            assertEquals(8, outcomes.size());
            for (Throwable e : outcomes) {
                assertTrue(e instanceof NvmeException && e.getMessage().contains("did not complete within"),
                        mode + ": " + e);
            }
            f.mock.faults().clear();
            f.dev.write(3, 1, buf); // the device goes on working for others
        }
    }

    @Test
    void moreCallersThanRequestSlotsWaitInLineAndAllSucceed() throws Exception {
        MockConfig threaded = MockConfig.builder().mode(ExecutionMode.THREADED)
                .namespace(NamespaceConfig.ram(64 * 16, BS)).build();
        BlockDeviceOptions o = opts(CompletionMode.POLL).requestSlots(2).build();
        try (BlockFixture f = new BlockFixture(threaded, ControllerOptions.defaults(), o)) {
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int id = t;
                Runnable r = () -> {
                    try (DmaBuffer buf = f.ctrl.allocateBuffer(BS)) {
                        for (int i = 0; i < 50; i++) {
                            long lba = id * 16L + i % 16;
                            buf.segment().set(ValueLayout.JAVA_LONG, 0, id * 1000L + i);
                            f.dev.write(lba, 1, buf);
                            buf.segment().fill((byte) 0);
                            f.dev.read(lba, 1, buf);
                            assertEquals(id * 1000L + i, buf.segment().get(ValueLayout.JAVA_LONG, 0));
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                };
                threads.add(t % 4 == 0 ? Thread.ofPlatform().start(r) : Thread.ofVirtual().start(r));
            }
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(90)), "a caller did not finish: " + t);
            }
            assertEquals(List.of(), new ArrayList<>(failures));
        }
    }

    /**
     * Long-lived callers making blocking DMA-buffer reads: what the whole process allocates per
     * I/O. The device's own share is nothing (a caller's request object is its thread's, and
     * waiting parks without a timer): platform threads, whose parks allocate no heap, show it
     * alone and must stay under a byte per I/O (a per-I/O object would be 16 or more). Virtual
     * threads add the JDK's share when one parks and is unparked (the scheduler wraps each unpark
     * in a task, and a park may take a new stack chunk): tens of bytes per park, and how often
     * callers park depends on how the scheduler interleaves them (POLL measured 13-29 bytes per
     * I/O, HYBRID about 33), so their bound is 64 bytes per I/O (a timed park per wait, as
     * before, cost 140-150).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"POLL, false", "HYBRID, false", "POLL, true", "HYBRID, true"})
    void longLivedCallersAllocateNothingPerIo(CompletionMode mode, boolean virtual) throws Exception {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int threads = virtual ? 32 : 8;
        int each = virtual ? 20_000 : 40_000;
        try (BlockFixture f = new BlockFixture(deterministic(), ControllerOptions.defaults(), opts(mode).build());
             DmaBuffer region = f.ctrl.allocateBuffer(threads * 4096L)) {
            java.util.concurrent.CyclicBarrier measure = new java.util.concurrent.CyclicBarrier(threads + 1);
            long[] bytes = new long[2];
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                DmaBuffer buf = region.slice(t * 4096L, 4096);
                int id = t;
                Runnable caller = () -> {
                    try {
                        for (int phase = 0; phase < 2; phase++) { // warm-up, then measured
                            measure.await();
                            for (int i = 0; i < each; i++) {
                                f.dev.read(((id * 7919L + i) * 8) & 0xFFFF8, 8, buf);
                            }
                            measure.await();
                        }
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                };
                ts.add(virtual ? Thread.ofVirtual().start(caller) : Thread.ofPlatform().start(caller));
            }
            measure.await(); // warm-up runs
            measure.await();
            bytes[0] = mx.getTotalThreadAllocatedBytes();
            measure.await(); // measured runs
            measure.await();
            bytes[1] = mx.getTotalThreadAllocatedBytes();
            for (Thread t : ts) {
                assertTrue(t.join(Duration.ofSeconds(30)));
            }
            long ios = (long) threads * each;
            double perIo = (double) (bytes[1] - bytes[0]) / ios;
            String kind = virtual ? "virtual" : "platform";
            System.out.printf("%s: %d blocking 4 KiB reads from %d %s threads: %d bytes allocated in the"
                    + " process, %.2f per I/O%n", mode, ios, threads, kind, bytes[1] - bytes[0], perIo);
            double bound = virtual ? 64 : 1;
            assertTrue(perIo < bound, mode + ", " + kind + " threads: " + perIo + " bytes allocated per I/O, bound "
                    + bound);
        }
    }

    @Test
    void aClosedDeviceRefusesNewCallsAtOnce() {
        BlockFixture f = new BlockFixture(deterministic(), ControllerOptions.defaults(),
                opts(CompletionMode.POLL).build());
        try (DmaBuffer buf = f.ctrl.allocateBuffer(BS)) {
            f.dev.read(0, 1, buf);
            f.dev.close();
            assertThrows(BlockDeviceClosedException.class, () -> f.dev.read(0, 1, buf));
        } finally {
            f.close();
        }
    }
}
