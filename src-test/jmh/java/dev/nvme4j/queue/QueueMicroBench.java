package dev.nvme4j.queue;

import dev.nvme4j.spec.Le;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pieces of the driver's I/O path in isolation, without a device: building PRPs for the common
 * transfer shapes, and processing completion entries (phase check, CID to tracker, CQ head
 * doorbell, callback). Average time per operation; run with {@code -prof gc} for B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class QueueMicroBench {
    private static final int PAGE = 4096;
    private static final long DATA_IOVA = 0x20_0000_0000L;
    private static final int BATCH = 128;
    private static final VarHandle DW3 = Le.INT_ALIGNED.varHandle();

    private Arena arena;
    private MemorySegment list;
    private long listIova;

    private CommandQueue queue;
    private MemorySegment cqRing;
    private int deviceTail;
    private int devicePhase = 1;
    private int depth;
    private long completions;
    private final CompletionSink sink = (t, status, dw0, dw1) -> completions += status == 0 ? 1 : 2;

    /** Memory that stands in for DMA memory: no device ever reads it. */
    private static final class HeapDma implements DmaAllocator {
        private final Arena arena;
        private long nextIova = 0x10_0000_0000L;

        HeapDma(Arena arena) {
            this.arena = arena;
        }

        @Override
        public DmaRegion allocate(long bytes) {
            long size = (bytes + PAGE - 1) & -PAGE;
            DmaRegion r = new DmaRegion(this, arena.allocate(size, PAGE), nextIova);
            nextIova += size + PAGE;
            return r;
        }

        @Override
        public void free(DmaRegion region) {
            region.markFreed();
        }

        @Override
        public long pageSize() {
            return PAGE;
        }

        @Override
        public void close() {
        }
    }

    private static final RegisterSpace NO_REGISTERS = new RegisterSpace() {
        @Override
        public int read32(long offset) {
            return 0;
        }

        @Override
        public long read64(long offset) {
            return 0;
        }

        @Override
        public void write32(long offset, int value) {
        }

        @Override
        public void write64(long offset, long value) {
        }

        @Override
        public void writeDoorbell(long offset, int value) {
        }
    };

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        HeapDma dma = new HeapDma(arena);
        // A PRP list area big enough for a chained list: 4 MiB transfer = 1024 pages.
        long area = PrpBuilder.areaBytes(4L << 20, PAGE);
        DmaRegion lists = dma.allocate(area);
        list = lists.segment();
        listIova = lists.iova();

        depth = 256;
        DmaRegion sq = dma.allocate(depth * 64L);
        DmaRegion cq = dma.allocate(depth * 16L);
        TrackerPool pool = new TrackerPool(depth - 1, dma.allocate((depth - 1) * 64L), 64);
        queue = new CommandQueue(1, depth, NO_REGISTERS, 0, sq, cq, pool, new QueueStats(), BATCH);
        cqRing = cq.segment();
        // BATCH commands stay outstanding for good: the fake device completes their CIDs over and over.
        for (int i = 0; i < BATCH; i++) {
            Tracker t = queue.acquire();
            queue.startEntry(t, Opcodes.NVM_READ, 1);
            queue.finishEntry(t, Long.MAX_VALUE);
        }
        queue.ringSubmissions();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** 4 KiB at a page boundary: PRP1 only. */
    @Benchmark
    public long prpOnePage() {
        return PrpBuilder.prp2(DATA_IOVA, 4096, PAGE, list, listIova);
    }

    /** 8 KiB at a page boundary: PRP2 is the second page. */
    @Benchmark
    public long prpTwoPages() {
        return PrpBuilder.prp2(DATA_IOVA, 8192, PAGE, list, listIova);
    }

    /** 128 KiB (a typical MDTS): a PRP list of 31 entries. */
    @Benchmark
    public long prpList128k() {
        return PrpBuilder.prp2(DATA_IOVA, 128 << 10, PAGE, list, listIova);
    }

    /** 4 MiB: 1023 list entries over two chained list pages. */
    @Benchmark
    public long prpChainedList4m() {
        return PrpBuilder.prp2(DATA_IOVA, 4L << 20, PAGE, list, listIova);
    }

    /**
     * One completion: the fake device writes 128 entries (three stores each, phase last), then
     * one reap handles them: phase checks, CID lookups, one CQ head doorbell, 128 callbacks.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long complete() {
        for (int cid = 0; cid < BATCH; cid++) {
            long b = (long) deviceTail * Cqe.SIZE;
            cqRing.set(ValueLayout.JAVA_INT_UNALIGNED, b + Cqe.OFF_DW0, 0);
            cqRing.set(ValueLayout.JAVA_INT_UNALIGNED, b + Cqe.OFF_DW2, Cqe.dw2(BATCH, 1));
            DW3.setRelease(cqRing, b + Cqe.OFF_DW3, Cqe.dw3(cid, devicePhase, 0));
            if (++deviceTail == depth) {
                deviceTail = 0;
                devicePhase ^= 1;
            }
        }
        int n = queue.reap(BATCH, sink);
        if (n != BATCH) {
            throw new IllegalStateException("reaped " + n);
        }
        return completions;
    }
}
