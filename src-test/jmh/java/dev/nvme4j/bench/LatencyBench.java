package dev.nvme4j.bench;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * QD1 latency of one 4 KiB random read through the driver against the mock (deterministic, the
 * store chosen by {@code DriverIoBench.Device}'s {@code store}): one operation is one read
 * submitted and polled until it completes, so JMH's sample mode gives per-I/O percentiles. Run
 * it with different GCs ({@code -jvmArgsAppend -XX:+UseZGC}) to see what the collector adds to
 * the tail; the I/O path allocates nothing, so what remains is the collector's own work.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class LatencyBench implements IoCallback {
    private static final int BLOCKS_4K = 8; // 512-byte LBAs
    private static final long NS_BLOCKS = 1L << 31;

    private IoQueuePair qp;
    private DriverIoBench.Device device;
    private DmaBuffer buffer;
    private long seed = 0x9E3779B97F4A7C15L;
    private boolean done;
    private int errors;

    @Setup(Level.Trial)
    public void start(DriverIoBench.Device d) {
        device = d;
        qp = d.ctrl.createQueuePair(256, CompletionMode.POLL);
        buffer = d.ctrl.allocateBuffer(4096);
    }

    @Override
    public void onComplete(long tag, int status) {
        done = true;
        if (status != 0) {
            errors++;
        }
    }

    /** One read at QD1: submit, poll until its completion. */
    @Benchmark
    public boolean read4kQd1() {
        long x = seed;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        seed = x;
        done = false;
        if (!qp.read(device.ns, Long.remainderUnsigned(x, NS_BLOCKS / BLOCKS_4K) * BLOCKS_4K, BLOCKS_4K, buffer, this, 0)) {
            throw new IllegalStateException("queue full at QD1");
        }
        while (!done) {
            qp.poll();
        }
        return done;
    }

    @TearDown(Level.Trial)
    public void stop() {
        qp.close();
        buffer.close();
        if (errors != 0) {
            throw new IllegalStateException(errors + " reads failed");
        }
    }
}
