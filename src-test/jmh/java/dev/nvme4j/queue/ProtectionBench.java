package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Crc16T10Dif;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
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
 * The cost of host-generated protection information per 4 KiB of data: the CRC-16 T10-DIF guard
 * alone, generating the PI tuples of one 4096-byte block or of eight 512-byte blocks (what a
 * write with {@code Protection.Mode.HOST} adds), and checking them (what such a read adds).
 * Average time per 4 KiB; run with {@code -prof gc} for B/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class ProtectionBench {
    private static final Namespace NS_4K = new Namespace(1, 4096, 8, 1 << 20, 1 << 20, 0, false, false, 0, false, 1,
            true);
    private static final Namespace NS_512 = new Namespace(2, 512, 8, 1 << 20, 1 << 20, 0, false, false, 0, false, 1,
            true);

    private Arena arena;
    private MemorySegment raw;
    private DmaBuffer data;
    private DmaBuffer meta;
    private final Request read4k = new Request(0);
    private final Request read512 = new Request(1);
    private long lba;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofConfined();
        raw = arena.allocate(4096, 4096);
        SplittableRandom r = new SplittableRandom(15);
        for (long i = 0; i < 4096; i += 8) {
            raw.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
        }
        data = new RegionBuffer(new DmaRegion(null, raw, 0x10_0000_0000L));
        meta = new RegionBuffer(new DmaRegion(null, arena.allocate(4096, 4096), 0x20_0000_0000L));
        prepareCheck(read4k, NS_4K);
        prepareCheck(read512, NS_512);
    }

    private void prepareCheck(Request r, Namespace ns) {
        int blocks = 4096 / ns.lbaSize();
        MetadataIo.generate(ns, 0, blocks, data, meta, 0x1234);
        r.hostCheck = Protection.host(Protection.ALL).withAppTag(0x1234, 0xFFFF);
        r.ns = ns;
        r.firstLba = 0;
        r.blocks = blocks;
        r.data = data;
        r.metadata = meta;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    /** The guard of 4 KiB: CRC-16 T10-DIF alone. */
    @Benchmark
    public int crc16Of4k() {
        return Crc16T10Dif.update(0, raw, 0, 4096);
    }

    /** PI of one 4096-byte block (guard, application tag, reference tag). */
    @Benchmark
    public void generateOne4kBlock() {
        MetadataIo.generate(NS_4K, lba++ & 0xFFFF, 1, data, meta, 0x1234);
    }

    /** PI of eight 512-byte blocks (4 KiB of data). */
    @Benchmark
    public void generateEight512Blocks() {
        MetadataIo.generate(NS_512, lba++ & 0xFFFF, 8, data, meta, 0x1234);
    }

    /** Checking the PI of one 4096-byte block after a read. */
    @Benchmark
    public int checkOne4kBlock() {
        return MetadataIo.check(read4k);
    }

    /** Checking the PI of eight 512-byte blocks after a read. */
    @Benchmark
    public int checkEight512Blocks() {
        return MetadataIo.check(read512);
    }
}
