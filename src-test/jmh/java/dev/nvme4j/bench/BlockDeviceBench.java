package dev.nvme4j.bench;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.block.BlockDevice;
import dev.nvme4j.block.BlockDeviceOptions;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockController;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BlockDevice} from many virtual threads: {@value #THREADS} virtual threads each make
 * {@value #READS_EACH} blocking 4 KiB random reads into their own buffer per invocation (a DMA
 * buffer, or with {@code -p mem=direct|heap} a ByteBuffer that goes through the bounce buffers)
 * (one operation is one read, so the score is IOPS). Compare with {@link DriverIoBench} at
 * {@code qd=128} and the same store: the async queue pair the application drives itself.
 * The mock is deterministic (its device work runs inside the owners' doorbell writes).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class BlockDeviceBench {
    static final int THREADS = 128;
    static final int READS_EACH = 64;
    private static final int BLOCKS_4K = 8;
    private static final long NS_BLOCKS = 1L << 31;

    /** The mock's store: {@code null} fills each read with zeros, {@code none} moves no data. */
    @Param({"null", "none"})
    String store;

    /** Queue pairs (each with its owner thread). */
    @Param({"1", "2"})
    int pairs;

    @Param({"POLL", "HYBRID"})
    CompletionMode mode;

    /** The readers' buffers: dma (zero copy), direct or heap ByteBuffers (through the bounce buffers). */
    @Param({"dma"})
    String mem;

    /** DETERMINISTIC: the mock answers inside the doorbell write; THREADED: on its own thread, later. */
    @Param({"DETERMINISTIC"})
    ExecutionMode exec;

    MockController mock;
    Controller ctrl;
    BlockDevice dev;
    DmaBuffer region;
    DmaBuffer[] buffers;
    ByteBuffer[] plain;

    @Setup(Level.Trial)
    public void open() {
        mock = Nvme.createMock(RawHost.config(exec, store));
        ctrl = Nvme.open(mock);
        dev = BlockDevice.open(ctrl, 1, BlockDeviceOptions.builder().queuePairs(pairs).queueDepth(256)
                .requestSlots(256).completionMode(mode).build());
        region = ctrl.allocateBuffer(THREADS * 4096L);
        buffers = new DmaBuffer[THREADS];
        plain = new ByteBuffer[THREADS];
        for (int i = 0; i < THREADS; i++) {
            buffers[i] = region.slice(i * 4096L, 4096);
            plain[i] = switch (mem) {
                case "dma" -> null;
                case "direct" -> ByteBuffer.allocateDirect(4096);
                case "heap" -> ByteBuffer.allocate(4096);
                default -> throw new IllegalArgumentException("mem is dma, direct or heap, got " + mem);
            };
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        var c = dev.counters();
        System.out.printf("%n# %d I/Os, %.3f doorbells per I/O%n", c.completed(),
                (double) c.doorbellsRung() / Math.max(1, c.completed()));
        dev.close();
        region.close();
        ctrl.close();
        mock.assertNoViolations();
        mock.close();
    }

    /**
     * One blocking 4 KiB read at the LBA the xorshift step after {@code x} picks, into {@code buf}
     * or, when given, the plain buffer {@code bb}; returns the new state.
     */
    private long readAtRandom(long x, DmaBuffer buf, ByteBuffer bb) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        long lba = Long.remainderUnsigned(x, NS_BLOCKS / BLOCKS_4K) * BLOCKS_4K;
        if (bb == null) {
            dev.read(lba, BLOCKS_4K, buf);
        } else {
            bb.clear();
            dev.read(lba, bb);
        }
        return x;
    }

    /**
     * For {@link CpuRate}'s steady state: {@value #THREADS} long-lived virtual threads reading
     * as above until {@link Steady#stop()}, so that neither starting threads nor joining them is
     * counted. {@link Steady#completed()} is their reads so far (each thread's own counter,
     * read without stopping them).
     */
    Steady startSteady() {
        Steady s = new Steady();
        for (int t = 0; t < THREADS; t++) {
            DmaBuffer buf = buffers[t];
            ByteBuffer bb = plain[t];
            int slot = t * Steady.STRIDE;
            long seed0 = 0x9E3779B97F4A7C15L * (t + 1);
            s.threads[t] = Thread.ofVirtual().start(() -> {
                long x = seed0;
                while (!s.stop) {
                    x = readAtRandom(x, buf, bb);
                    s.counts.setOpaque(slot, s.counts.getPlain(slot) + 1);
                }
            });
        }
        return s;
    }

    /** The readers of {@link #startSteady()}. */
    static final class Steady {
        static final int STRIDE = 16; // one counter per 128-byte line
        final Thread[] threads = new Thread[THREADS];
        final java.util.concurrent.atomic.AtomicLongArray counts = new java.util.concurrent.atomic.AtomicLongArray(
                THREADS * STRIDE);
        volatile boolean stop;

        long completed() {
            long n = 0;
            for (int t = 0; t < THREADS; t++) {
                n += counts.getOpaque(t * STRIDE);
            }
            return n;
        }

        void stop() throws InterruptedException {
            stop = true;
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * READS_EACH)
    public void blockingReadsFrom128VirtualThreads() throws InterruptedException {
        Thread[] ts = new Thread[THREADS];
        for (int t = 0; t < THREADS; t++) {
            DmaBuffer buf = buffers[t];
            ByteBuffer bb = plain[t];
            long seed0 = 0x9E3779B97F4A7C15L * (t + 1);
            ts[t] = Thread.ofVirtual().start(() -> {
                long x = seed0;
                for (int i = 0; i < READS_EACH; i++) {
                    x = readAtRandom(x, buf, bb);
                }
            });
        }
        for (Thread t : ts) {
            if (!t.join(Duration.ofSeconds(60))) {
                throw new IllegalStateException("a reader did not finish within 60 s");
            }
        }
    }
}
