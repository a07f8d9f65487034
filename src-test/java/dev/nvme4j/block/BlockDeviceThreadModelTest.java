package dev.nvme4j.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where a {@link BlockDevice}'s futures complete: never on a thread that drives a queue pair, so
 * a dependent stage that blocks delays nobody else's I/O.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockDeviceThreadModelTest {
    private static final int BS = 512;

    /** Threaded mock with a latency long enough that a stage is attached before its future completes. */
    private static MockConfig slow() {
        return MockConfig.builder().mode(ExecutionMode.THREADED).commandLatency(Duration.ofMillis(200))
                .namespace(NamespaceConfig.ram(4096, BS)).build();
    }

    private static BlockDeviceOptions.Builder opts(CompletionMode mode) {
        return BlockDeviceOptions.builder().queuePairs(1).queueDepth(16).requestSlots(16).completionMode(mode)
                .bounceBuffers(2).bounceSize(4096).waitTimeout(Duration.ofSeconds(60));
    }

    @ParameterizedTest
    @EnumSource(value = CompletionMode.class, names = {"POLL", "HYBRID"})
    void aDependentStageThatBlocksDoesNotStallOtherCallers(CompletionMode mode) throws Exception {
        try (BlockFixture f = new BlockFixture(slow(), ControllerOptions.defaults(), opts(mode).build());
             DmaBuffer a = f.ctrl.allocateBuffer(BS);
             DmaBuffer b = f.ctrl.allocateBuffer(BS)) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Thread> stageThread = new AtomicReference<>();
            CompletableFuture<Void> io = f.dev.readAsync(0, 1, a);
            CompletableFuture<Void> stage = io.thenRun(() -> { // no executor: runs where the future completes
                stageThread.set(Thread.currentThread());
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertFalse(io.isDone(), "the stage must be attached before the read completes (200 ms latency)");
            Thread other = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 4; i++) {
                    f.dev.read(8 + i, 1, b);
                }
            });
            boolean finished = other.join(Duration.ofSeconds(30));
            release.countDown();
            stage.get(30, TimeUnit.SECONDS);
            assertTrue(finished, "blocking reads of another thread stalled while a dependent stage blocked");
            assertNotNull(stageThread.get());
            assertFalse(stageThread.get().getName().startsWith("nvme4j-block"),
                    "the stage ran on a queue pair's owner: " + stageThread.get());
        }
    }

    @Test
    void futuresCompleteOnTheConfiguredExecutorWithTheirOutcome() throws Exception {
        ExecutorService app = Executors.newFixedThreadPool(2, r -> new Thread(r, "app-completions"));
        try (BlockFixture f = new BlockFixture(slow(), ControllerOptions.defaults(),
                opts(CompletionMode.POLL).completionExecutor(app).build())) {
            byte[] data = new byte[BS];
            for (int i = 0; i < BS; i++) {
                data[i] = (byte) (i * 7 + 1);
            }
            AtomicReference<String> writeThread = new AtomicReference<>();
            CompletableFuture<Void> w = f.dev.writeAsync(3, MemorySegment.ofArray(data))
                    .whenComplete((v, e) -> writeThread.set(Thread.currentThread().getName()));
            w.get(30, TimeUnit.SECONDS);
            assertEquals("app-completions", writeThread.get());
            byte[] back = new byte[BS];
            AtomicReference<String> readThread = new AtomicReference<>();
            CompletableFuture<Void> r = f.dev.readAsync(3, MemorySegment.ofArray(back))
                    .whenComplete((v, e) -> readThread.set(Thread.currentThread().getName()));
            r.get(30, TimeUnit.SECONDS);
            assertEquals("app-completions", readThread.get());
            assertEquals(java.util.Arrays.toString(data), java.util.Arrays.toString(back),
                    "the bounced read was copied out before its future completed");
        } finally {
            app.shutdownNow();
        }
    }

    @Test
    void anExecutorThatRejectsStillGetsEveryFutureCompleted() throws Exception {
        try (BlockFixture f = new BlockFixture(slow(), ControllerOptions.defaults(),
                opts(CompletionMode.POLL).completionExecutor(r -> {
                    throw new RejectedExecutionException("shut down");
                }).build());
             DmaBuffer a = f.ctrl.allocateBuffer(BS)) {
            f.dev.writeAsync(5, 1, a).get(30, TimeUnit.SECONDS);
            f.dev.readAsync(5, 1, a).get(30, TimeUnit.SECONDS);
            f.dev.flushAsync().get(30, TimeUnit.SECONDS);
        }
    }
}
