package dev.nvme4j.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many platform and virtual threads on one {@link BlockDevice}: every thread owns its LBA range,
 * writes patterns through DMA, heap and direct buffers (and futures), reads them back and
 * compares; with faults, a controller reset and a close underneath.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockDeviceTest {
    private static final int BS = 512;
    private static final int RANGE = 64; // blocks per thread

    private static MockConfig threaded(long blocks) {
        return MockConfig.builder().mode(ExecutionMode.THREADED).namespace(NamespaceConfig.ram(blocks, BS)).build();
    }

    private static BlockDeviceOptions opts(int pairs, CompletionMode mode) {
        return BlockDeviceOptions.builder().queuePairs(pairs).queueDepth(64).requestSlots(64).completionMode(mode)
                .bounceBuffers(8).bounceSize(16 * 1024).waitTimeout(Duration.ofSeconds(60)).build();
    }

    private static ControllerOptions fastRecovery() {
        return ControllerOptions.builder().ioTimeout(Duration.ofMillis(300)).adminTimeout(Duration.ofSeconds(2)).build();
    }

    /** One thread's work: rounds over its own range, each block's pattern names thread, round and block. */
    private static void hammer(BlockFixture f, int thread, int rounds, AtomicLong verified) {
        long base = (long) thread * RANGE;
        try (DmaBuffer dma = f.ctrl.allocateBuffer(8 * BS)) {
            for (int round = 0; round < rounds; round++) {
                int blocks = 1 + (thread + round) % 8;
                long lba = base + (round * 7L) % (RANGE - blocks + 1);
                byte[] data = pattern(thread, round, blocks);
                byte[] back = new byte[data.length];
                switch (round % 4) {
                    case 0 -> { // DMA buffer, zero copy
                        MemorySegment.copy(data, 0, dma.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
                        f.dev.write(lba, blocks, dma);
                        dma.segment().fill((byte) 0);
                        f.dev.read(lba, blocks, dma);
                        MemorySegment.copy(dma.segment(), java.lang.foreign.ValueLayout.JAVA_BYTE, 0, back, 0, back.length);
                    }
                    case 1 -> { // heap ByteBuffer through a bounce buffer
                        f.dev.write(lba, ByteBuffer.wrap(data));
                        ByteBuffer in = ByteBuffer.wrap(back);
                        f.dev.read(lba, in);
                        assertEquals(back.length, in.position());
                    }
                    case 2 -> { // direct ByteBuffer
                        ByteBuffer out = ByteBuffer.allocateDirect(data.length).put(data).flip();
                        f.dev.write(lba, out);
                        ByteBuffer in = ByteBuffer.allocateDirect(data.length);
                        f.dev.read(lba, in);
                        in.flip().get(back);
                    }
                    default -> { // futures on heap segments
                        f.dev.writeAsync(lba, MemorySegment.ofArray(data)).get(60, TimeUnit.SECONDS);
                        f.dev.readAsync(lba, MemorySegment.ofArray(back)).get(60, TimeUnit.SECONDS);
                    }
                }
                assertArrayEquals(data, back, "thread " + thread + " round " + round + " LBA " + lba);
                verified.incrementAndGet();
            }
        } catch (Exception e) {
            throw new AssertionError("thread " + thread + ": " + e, e);
        }
    }

    private static byte[] pattern(int thread, int round, int blocks) {
        byte[] b = new byte[blocks * BS];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (thread * 31 + round * 17 + i * 7 + (i >> 9));
        }
        return b;
    }

    /** Runs {@code platform} platform and {@code virtual} virtual threads; returns their failures. */
    private static List<Throwable> runThreads(int platform, int virtual, java.util.function.IntConsumer body)
            throws InterruptedException {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < platform + virtual; t++) {
            int id = t;
            Runnable r = () -> {
                try {
                    body.accept(id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            };
            threads.add(t < platform ? Thread.ofPlatform().start(r) : Thread.ofVirtual().start(r));
        }
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(120)), "a thread did not finish: " + t);
        }
        return new ArrayList<>(failures);
    }

    @ParameterizedTest
    @EnumSource(value = CompletionMode.class)
    void manyPlatformAndVirtualThreadsReadBackWhatTheyWrote(CompletionMode mode) throws Exception {
        try (BlockFixture f = new BlockFixture(threaded(128 * RANGE), ControllerOptions.defaults(), opts(2, mode))) {
            AtomicLong verified = new AtomicLong();
            List<Throwable> failures = runThreads(16, 112, t -> hammer(f, t, 24, verified));
            assertEquals(List.of(), failures);
            assertEquals(128 * 24, verified.get());
        }
    }

    @Test
    void flushWriteZeroesAndDeallocate() throws Exception {
        try (BlockFixture f = new BlockFixture(threaded(1024), ControllerOptions.defaults(), opts(1, CompletionMode.POLL))) {
            byte[] data = pattern(1, 1, 4);
            f.dev.write(10, MemorySegment.ofArray(data));
            f.dev.flush();
            f.dev.flushAsync().get(30, TimeUnit.SECONDS);
            f.dev.writeZeroes(11, 2);
            byte[] back = new byte[data.length];
            f.dev.read(10, MemorySegment.ofArray(back));
            byte[] expect = data.clone();
            java.util.Arrays.fill(expect, BS, 3 * BS, (byte) 0);
            assertArrayEquals(expect, back);
            f.dev.deallocate(10, 4);
            f.dev.deallocateAsync(0, 1).get(30, TimeUnit.SECONDS);
            f.dev.writeZeroesAsync(0, 1).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTransferLargerThanTheBounceBuffersGoesInPieces() {
        try (BlockFixture f = new BlockFixture(threaded(1024), ControllerOptions.defaults(), opts(1, CompletionMode.POLL))) {
            byte[] data = pattern(3, 3, 200); // 100 KiB through 16 KiB bounce buffers
            f.dev.write(5, MemorySegment.ofArray(data));
            byte[] back = new byte[data.length];
            f.dev.read(5, MemorySegment.ofArray(back));
            assertArrayEquals(data, back);
            assertThrows(IllegalArgumentException.class, () -> f.dev.readAsync(5, MemorySegment.ofArray(back)));
        }
    }

    @Test
    void badArgumentsAreRefusedWithClearErrors() {
        try (BlockFixture f = new BlockFixture(threaded(1024), ControllerOptions.defaults(), opts(1, CompletionMode.POLL));
             DmaBuffer small = f.ctrl.allocateBuffer(4096)) {
            var e = assertThrows(IllegalArgumentException.class, () -> f.dev.read(1020, 8, small));
            assertTrue(e.getMessage().contains("not inside namespace 1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.dev.read(0, 16, small));
            assertTrue(e.getMessage().contains("need 8192"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> f.dev.write(0, MemorySegment.ofArray(new byte[100])));
            assertTrue(e.getMessage().contains("whole number"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> BlockDeviceOptions.builder().requestSlots(3).build());
        }
    }

    @ParameterizedTest // POLL: callers drive the pair themselves; HYBRID: the owner does
    @EnumSource(value = CompletionMode.class, names = {"HYBRID", "POLL"})
    void errorStatusesReachTheCallerAndRetriesAreInvisible(CompletionMode mode) throws Exception {
        try (BlockFixture f = new BlockFixture(threaded(128 * RANGE), fastRecovery(), opts(2, mode))) {
            // Without DNR: retried by the queue pair, the callers never see it.
            f.mock.faults().completeWithStatus(FaultMatch.any().opcode(Opcodes.NVM_WRITE).probability(0.05, 7),
                    Status.of(0, 0x06, false));
            f.mock.faults().dropInterrupts(FaultMatch.any().probability(0.05, 11));
            AtomicLong verified = new AtomicLong();
            assertEquals(List.of(), runThreads(8, 56, t -> hammer(f, t, 12, verified)));
            assertEquals(64 * 12, verified.get());
            f.mock.faults().clear();
            // With DNR: the status arrives, as an NvmeException for the blocking call and the future.
            f.mock.faults().completeWithStatus(FaultMatch.any().opcode(Opcodes.NVM_READ).times(2), Status.of(0, 0x06, true));
            var e = assertThrows(NvmeException.class, () -> f.dev.read(0, MemorySegment.ofArray(new byte[BS])));
            assertEquals(0x06, Status.sc(e.status()));
            var ee = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> f.dev.readAsync(0, MemorySegment.ofArray(new byte[BS])).get(30, TimeUnit.SECONDS));
            assertInstanceOf(NvmeException.class, ee.getCause());
        }
    }

    @ParameterizedTest // POLL: callers drive the pair themselves; INTERRUPT: the owner does
    @EnumSource(value = CompletionMode.class, names = {"INTERRUPT", "POLL"})
    void aHungCommandThatIsAbortedFailsItsCallerOnlyAndNothingHangs(CompletionMode mode) throws Exception {
        try (BlockFixture f = new BlockFixture(threaded(1024), fastRecovery(), opts(1, mode))) {
            f.mock.faults().hangCommands(FaultMatch.any().opcode(Opcodes.NVM_READ).times(1), false);
            var e = assertThrows(NvmeException.class, () -> f.dev.read(0, MemorySegment.ofArray(new byte[BS])));
            assertEquals(dev.nvme4j.api.NvmeStatus.COMMAND_ABORT_REQUESTED, e.nvmeStatus(), e.getMessage());
            f.dev.read(0, MemorySegment.ofArray(new byte[BS])); // the next one works
        }
    }

    @ParameterizedTest // POLL: callers drive the pair themselves; INTERRUPT: the owner does
    @EnumSource(value = CompletionMode.class, names = {"INTERRUPT", "POLL"})
    void hungCommandsThatNeedAResetAreRecoveredUnderneathTheCallers(CompletionMode mode) throws Exception {
        try (BlockFixture f = new BlockFixture(threaded(128 * RANGE), fastRecovery(), opts(2, mode))) {
            var hang = f.mock.faults().hangCommands(FaultMatch.any().opcode(Opcodes.NVM_READ).times(2), true);
            AtomicLong verified = new AtomicLong();
            assertEquals(List.of(), runThreads(4, 28, t -> hammer(f, t, 8, verified)));
            assertEquals(32 * 8, verified.get());
            assertEquals(2, hang.hits(), "the hangs happened and were recovered");
            assertTrue(f.ctrl.counters().resets() >= 1, f.ctrl.counters().toString());
        }
    }

    @ParameterizedTest // POLL: callers drive the pair themselves; HYBRID: the owner does
    @EnumSource(value = CompletionMode.class, names = {"HYBRID", "POLL"})
    void aControllerResetUnderneathLosesNothing(CompletionMode mode) throws Exception {
        try (BlockFixture f = new BlockFixture(threaded(128 * RANGE), ControllerOptions.defaults(),
                opts(2, mode))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong resets = new AtomicLong();
            Thread resetter = Thread.ofPlatform().start(() -> {
                while (!stop.get() && resets.get() < 3) {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                    f.ctrl.reset();
                    resets.incrementAndGet();
                }
            });
            AtomicLong verified = new AtomicLong();
            List<Throwable> failures = runThreads(8, 56, t -> hammer(f, t, 40, verified));
            stop.set(true);
            assertTrue(resetter.join(Duration.ofSeconds(60)));
            assertEquals(List.of(), failures);
            assertEquals(64 * 40, verified.get());
            assertTrue(resets.get() >= 1, "resets: " + resets.get());
        }
    }

    @ParameterizedTest // POLL: callers drive the pair themselves; INTERRUPT: the owner does
    @EnumSource(value = CompletionMode.class, names = {"INTERRUPT", "POLL"})
    void closeWhileThreadsWaitFailsEveryWaiterAndNothingHangs(CompletionMode mode) throws Exception {
        BlockDeviceOptions o = BlockDeviceOptions.builder().queuePairs(2).queueDepth(16).requestSlots(16)
                .completionMode(mode).bounceBuffers(4).bounceSize(4096)
                .closeTimeout(Duration.ofMillis(200)).build();
        ControllerOptions slow = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(30)).build();
        try (BlockFixture f = new BlockFixture(threaded(4096), slow, o)) {
            f.mock.faults().hangCommands(FaultMatch.any().opcode(Opcodes.NVM_READ), false);
            int n = 64; // more than the slots and bounce buffers: some wait for the device, some for a slot
            CountDownLatch started = new CountDownLatch(n);
            ConcurrentLinkedQueue<Throwable> outcomes = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int id = t;
                Runnable r = () -> {
                    started.countDown();
                    try {
                        if (id % 2 == 0) {
                            f.dev.read(id, MemorySegment.ofArray(new byte[BS]));
                        } else {
                            f.dev.readAsync(id, MemorySegment.ofArray(new byte[BS])).get(60, TimeUnit.SECONDS);
                        }
                        outcomes.add(new AssertionError("read " + id + " succeeded on a hung device"));
                    } catch (Throwable e) {
                        outcomes.add(e);
                    }
                };
                threads.add(id % 3 == 0 ? Thread.ofPlatform().start(r) : Thread.ofVirtual().start(r));
            }
            assertTrue(started.await(30, TimeUnit.SECONDS));
            Thread.sleep(300);
            long t0 = System.nanoTime();
            f.dev.close();
            long closeMillis = (System.nanoTime() - t0) / 1_000_000;
            for (Thread t : threads) {
                assertTrue(t.join(Duration.ofSeconds(30)), "a waiter hangs after close: " + t);
            }
            assertTrue(closeMillis < 20_000, "close took " + closeMillis + " ms");
            assertEquals(n, outcomes.size());
            for (Throwable e : outcomes) {
                Throwable c = e instanceof java.util.concurrent.ExecutionException ? e.getCause() : e;
                assertInstanceOf(BlockDeviceClosedException.class, c, "every waiter learns of the close: " + c);
                assertTrue(c.getMessage().contains("closed"), c.getMessage());
            }
            assertThrows(BlockDeviceClosedException.class, () -> f.dev.flush());
            f.mock.faults().clear();
        }
    }
}
