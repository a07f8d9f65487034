package dev.nvme4j.bench;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.MockController;
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
 * The driver's cost per I/O against the mock controller (deterministic mode, null store): 4 KiB
 * random reads in a closed loop at a fixed queue depth, like fio: every completion callback
 * submits the next read, and the benchmark thread polls. One operation is one completed I/O, so
 * the score is IOPS and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per I/O.
 *
 * <p>The mock does its device work inside the doorbell writes on the polling thread, so the
 * figure is driver plus device on one core. With {@code -t 2} two threads each own a queue pair
 * of the same controller (two jobs); JMH then reports their sum.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DriverIoBench {
    /** I/Os completed per benchmark invocation (operations per invocation). */
    static final int IOS_PER_INVOCATION = 128;
    private static final int BLOCKS_4K = 8; // 512-byte LBAs
    private static final long NS_BLOCKS = 1L << 31; // 1 TiB of 512-byte blocks

    /** One mock controller opened through the driver, shared by every job (thread). */
    @State(Scope.Benchmark)
    public static class Device {
        /** The mock's store: {@code null} fills each read with zeros, {@code none} moves no data. */
        @Param({"null", "none"})
        String store;

        MockController mock;
        Controller ctrl;
        Namespace ns;

        @Setup(Level.Trial)
        public void open() {
            mock = Nvme.createMock(RawHost.config(ExecutionMode.DETERMINISTIC, store));
            ctrl = Nvme.open(mock);
            ns = ctrl.namespace(1);
        }

        @TearDown(Level.Trial)
        public void close() {
            ctrl.close();
            mock.assertNoViolations();
            mock.close();
        }
    }

    /** One job: a queue pair of its own, {@code qd} reads kept in flight, one 4 KiB buffer each. */
    @State(Scope.Thread)
    public static class Job implements IoCallback {
        @Param({"1", "32", "128"})
        int qd;

        IoQueuePair qp;
        Namespace ns;
        DmaBuffer region;
        DmaBuffer[] buffers;
        long seed;
        int completed;
        int errors;
        boolean stopping;

        @Setup(Level.Trial)
        public void start(Device d) {
            ns = d.ns;
            qp = d.ctrl.createQueuePair(Math.max(256, Integer.highestOneBit(qd) * 4), CompletionMode.POLL);
            region = d.ctrl.allocateBuffer(qd * 4096L);
            buffers = new DmaBuffer[qd];
            for (int i = 0; i < qd; i++) {
                buffers[i] = region.slice(i * 4096L, 4096);
            }
            seed = 0x9E3779B97F4A7C15L ^ System.identityHashCode(this);
            for (int i = 0; i < qd; i++) {
                submit(i);
            }
        }

        private void submit(int slot) {
            long x = seed;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            seed = x;
            long lba = Long.remainderUnsigned(x, NS_BLOCKS / BLOCKS_4K) * BLOCKS_4K;
            if (!qp.read(ns, lba, BLOCKS_4K, buffers[slot], this, slot)) {
                throw new IllegalStateException("queue full at QD " + qd);
            }
        }

        @Override
        public void onComplete(long tag, int status) {
            if (stopping) {
                return;
            }
            completed++;
            if (status != 0) {
                errors++;
            }
            submit((int) tag);
        }

        @TearDown(Level.Trial)
        public void stop() {
            stopping = true;
            qp.drain(java.time.Duration.ofSeconds(5));
            qp.close();
            region.close();
            if (errors != 0) {
                throw new IllegalStateException(errors + " reads failed");
            }
        }
    }

    /** 4 KiB random read, closed loop at {@code qd}: polls until 128 more reads completed. */
    @Benchmark
    @OperationsPerInvocation(IOS_PER_INVOCATION)
    public int randRead4k(Job j) {
        int target = j.completed + IOS_PER_INVOCATION;
        while (j.completed - target < 0) {
            j.qp.poll();
        }
        return j.completed;
    }
}
