package dev.nvme4j.bench;

import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.spec.Opcodes;
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
 * Raw command throughput of the mock controller (deterministic mode, null store): 4 KiB random
 * reads written straight into the SQ by {@link RawHost}, no driver. One operation is one command.
 * <ul>
 *   <li>{@code qd1}: one SQ doorbell and one CQ doorbell per command;
 *   <li>{@code batch32}, {@code batch128}: 32 or 128 SQEs, one SQ doorbell, all completions
 *       reaped, one CQ doorbell.
 * </ul>
 * Target: well over 5 M commands/s, so the mock is not what limits the driver benchmarks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class MockCommandBench {
    private static final int ENTRIES = 256;
    private static final int BLOCKS_4K = 8; // 512-byte LBAs
    private static final long LBA_SLOTS = (1L << 31) / BLOCKS_4K;

    /** The mock's store: {@code null} fills each read with zeros, {@code none} moves no data. */
    @Param({"null", "none"})
    String store;

    private RawHost host;
    private RawHost.Queue q;
    private long[] bufIova;
    private long seed = 0x9E3779B97F4A7C15L;

    @Setup(Level.Trial)
    public void setUp() {
        host = new RawHost(RawHost.config(ExecutionMode.DETERMINISTIC, store));
        q = host.ioQueue(1, ENTRIES);
        DmaRegion buf = host.buffer(128 * 4096L);
        bufIova = new long[128];
        for (int i = 0; i < 128; i++) {
            bufIova[i] = buf.iova() + i * 4096L;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        host.close();
    }

    private long nextLba() {
        long x = seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        return Long.remainderUnsigned(x, LBA_SLOTS) * BLOCKS_4K;
    }

    private void push(int slot) {
        long lba = nextLba();
        q.push(Opcodes.NVM_READ, 1, bufIova[slot], 0, (int) lba, (int) (lba >>> 32), BLOCKS_4K - 1);
    }

    private int batch(int n) {
        for (int i = 0; i < n; i++) {
            push(i);
        }
        q.ring();
        int done = q.reap();
        if (done != n) {
            throw new IllegalStateException("expected " + n + " completions, got " + done);
        }
        q.release();
        return done;
    }

    @Benchmark
    public int qd1() {
        return batch(1);
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public int batch32() {
        return batch(32);
    }

    @Benchmark
    @OperationsPerInvocation(128)
    public int batch128() {
        return batch(128);
    }
}
