package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.fio.OffsetGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * fio's options for sizes, amounts, order and pacing of I/O: bssplit, bsrange, io_size,
 * number_ios, loops, norandommap, randrepeat, thinktime, rate_iops, rate, percentile_list.
 */
class FioFlowOptionsTest {
    private final ObjectMapper json = new ObjectMapper();

    private record Run(ToolRun tool, List<long[]> ios, JsonNode job) {
    }

    private Run run(String... args) throws IOException {
        FakeController fake = new FakeController(4096, 4096); // 16 MiB of 4 KiB blocks
        List<long[]> ios = fake.recordIos();
        List<String> all = new ArrayList<>(List.of("fio", "--output-format=json"));
        all.addAll(List.of(args));
        ToolRun r = ToolRun.run(() -> fake, all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return new Run(r, new ArrayList<>(ios), json.readTree(r.out()).get("jobs").get(0));
    }

    private static ToolRun bad(String... args) {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), args);
        assertEquals(2, r.exit(), r.toString());
        return r;
    }

    @Test
    void bssplitUsesTheSizesInTheirShares() throws IOException {
        Run r = run("--rw=randread", "--bssplit=4k/75:16k/25", "--size=8m", "--iodepth=8");
        Map<Long, Integer> counts = new HashMap<>();
        long bytes = 0;
        for (long[] io : r.ios()) {
            if (io != r.ios().get(r.ios().size() - 1)) { // the last may be cut to end at the size
                counts.merge(io[2], 1, Integer::sum);
            }
            bytes += io[2] * 4096;
            assertTrue(io[1] + io[2] <= 2048, "inside the 8 MiB region: lba " + io[1] + " + " + io[2]);
        }
        assertEquals(Map.of(1L, counts.get(1L), 4L, counts.get(4L)), counts, "only 4k and 16k: " + counts);
        double share = (double) counts.get(1L) / r.ios().size();
        assertTrue(share > 0.65 && share < 0.85, "about 75% of 4k: " + share);
        assertEquals(8L << 20, bytes, "the region's size in all, the last I/O cut to fit");
        assertEquals(bytes, r.job().get("read").get("io_bytes").asLong());
        assertEquals("4k/75:16k/25", r.job().get("job options").get("bssplit").asText());
    }

    @Test
    void bsrangeUsesMultiplesOfTheMinimumAndAVerifyOfThemPasses() throws IOException {
        Run r = run("--rw=randwrite", "--bsrange=4k-32k", "--size=4m", "--iodepth=4", "--verify=crc32c");
        BitSet sizes = new BitSet();
        for (long[] io : r.ios()) {
            assertTrue(io[2] >= 1 && io[2] <= 8, "4k to 32k: " + io[2] + " blocks");
            sizes.set((int) io[2]);
        }
        assertTrue(sizes.cardinality() >= 6, "several sizes used: " + sizes);
        assertEquals(4L << 20, r.job().get("write").get("io_bytes").asLong());
        assertEquals(4L << 20, r.job().get("read").get("io_bytes").asLong(), "read back with the same sizes");
        assertEquals(0, r.job().get("nvme4j").get("verify").get("bad_blocks").asLong());
    }

    @Test
    void ioSizeNumberIosAndLoopsSetTheAmount() throws IOException {
        assertEquals(48, run("--size=64k", "--loops=3").job().get("read").get("total_ios").asLong(),
                "3 loops of 16 blocks");
        assertEquals(32, run("--size=64k", "--io_size=128k").job().get("read").get("total_ios").asLong(),
                "io_size beyond size wraps around");
        assertEquals(7, run("--size=64k", "--number_ios=7", "--loops=3").job().get("read").get("total_ios")
                .asLong());
    }

    @Test
    void norandommapDrawsUnitsIndependently() {
        OffsetGenerator mapped = new OffsetGenerator(4096, true, true, 5);
        OffsetGenerator free = new OffsetGenerator(4096, true, false, 5);
        BitSet a = new BitSet();
        BitSet b = new BitSet();
        for (int i = 0; i < 4096; i++) {
            a.set((int) mapped.next());
            b.set((int) free.next());
        }
        assertEquals(4096, a.cardinality(), "the random map visits every unit once per pass");
        assertTrue(b.cardinality() < 3000, "drawn with repeats (about 63% distinct): " + b.cardinality());
        free.rewind();
        long first = free.next();
        free.rewind();
        assertEquals(first, free.next(), "rewind repeats the draws");
    }

    @Test
    void randrepeatZeroGivesANewSequenceEachRun() throws IOException {
        List<long[]> one = run("--rw=randread", "--size=1m").ios();
        List<long[]> two = run("--rw=randread", "--size=1m").ios();
        assertEquals(one.get(0)[1], two.get(0)[1], "randrepeat=1 (default): the same offsets");
        List<Long> a = new ArrayList<>();
        List<Long> b = new ArrayList<>();
        run("--rw=randread", "--size=1m", "--randrepeat=0").ios().forEach(io -> a.add(io[1]));
        run("--rw=randread", "--size=1m", "--randrepeat=0").ios().forEach(io -> b.add(io[1]));
        assertNotEquals(a, b, "randrepeat=0: another order");
    }

    @Test
    void thinktimeAndRatesPace() throws IOException {
        long start = System.nanoTime();
        Run r = run("--size=40k", "--thinktime=20ms", "--thinktime_blocks=2");
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(10, r.job().get("read").get("total_ios").asLong());
        assertTrue(r.job().get("read").get("runtime").asLong() >= 80, "4 pauses of 20 ms at least: " + r.job());
        assertTrue(tookMs >= 80, tookMs + " ms");
        // A cap can only be undercut by a loaded machine, never exceeded.
        r = run("--rate_iops=100", "--runtime=1", "--time_based", "--iodepth=4");
        long ios = r.job().get("read").get("total_ios").asLong();
        assertTrue(ios > 0 && ios <= 100 + 4, "at most 100 IOPS for 1 s: " + ios);
        r = run("--rate=400k", "--runtime=1", "--time_based", "--iodepth=4");
        ios = r.job().get("read").get("total_ios").asLong();
        assertTrue(ios > 0 && ios <= 100 + 4, "400 KiB/s of 4 KiB is 100 IOPS: " + ios);
    }

    @Test
    void percentileListChoosesTheReportedPercentiles() throws IOException {
        JsonNode pct = run("--size=64k", "--percentile_list=50:99.5").job().get("read").get("clat_ns").get("percentile");
        List<String> keys = new ArrayList<>();
        pct.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("50.000000", "99.500000"), keys);
        assertFalse(run("--size=64k", "--clat_percentiles=0").job().get("read").get("clat_ns").has("percentile"));
        ToolRun normal = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--size=64k",
                "--percentile_list=50:99.5");
        // fio 3.33 prints this list with one decimal, as many as its most precise entry
        assertTrue(normal.out().matches("(?s).*clat percentiles \\(.sec\\):\\n     \\| 50\\.0th=\\[ *\\d+\\], "
                + "99\\.5th=\\[ *\\d+\\]\\n.*"), normal.out());
    }

    @Test
    void trimDeallocatesAndIsReportedAsFiosThirdDirection(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        ToolRun r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "fio", "--rw=randtrim", "--size=1m",
                "--mock-capacity=16m", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode trim = json.readTree(r.out()).get("jobs").get(0).get("trim");
        assertEquals(256, trim.get("total_ios").asLong());
        assertEquals(1L << 20, trim.get("io_bytes").asLong());
        r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "fio", "--rw=trim", "--size=64k",
                "--mock-capacity=16m");
        assertTrue(r.out().contains("  trim: IOPS=") && r.out().contains("   TRIM: bw="), r.out());
        assertTrue(r.out().contains("issued rwts: total=0,0,16,0"), r.out());
        // Written and verified, then trimmed: a read-only verify finds the blocks deallocated (zeros).
        java.nio.file.Path job = dir.resolve("t.fio");
        java.nio.file.Files.write(job, List.of("[global]", "size=64k", "[fill]", "rw=write", "verify=crc32c",
                "[trim]", "stonewall", "rw=trim", "[check]", "stonewall", "rw=read", "verify=crc32c"));
        r = ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), "fio", "--mock-capacity=16m", job.toString());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("job 'check' #0: verify failed: 16 bad block(s), first lba 0: no verify header"),
                r.toString());
        assertTrue(bad("fio", "--rw=trim", "--verify=crc32c").err().contains("--verify cannot check a trim workload"));
    }

    @Test
    void sizeAndOffsetTakeSharesOfTheNamespaceAndOffsetIncrementSpacesTheJobs() throws IOException {
        Run r = run("--size=25%", "--offset=50%");
        assertEquals(1024, r.ios().size(), "25% of 4096 blocks");
        for (long[] io : r.ios()) {
            assertTrue(io[1] >= 2048 && io[1] < 3072, "inside the region from 50%: lba " + io[1]);
        }
        r = run("--rw=write", "--size=64k", "--numjobs=2", "--offset_increment=4m", "--offset=8k");
        long[] lowest = {Long.MAX_VALUE, Long.MAX_VALUE};
        for (long[] io : r.ios()) {
            int job = io[1] >= 1024 ? 1 : 0;
            lowest[job] = Math.min(lowest[job], io[1]);
        }
        assertEquals(2, lowest[0], "job 0 at --offset (8k = block 2)");
        assertEquals(1026, lowest[1], "job 1 at --offset plus 4m");
        assertTrue(bad("fio", "--size=101%").err().contains("Invalid value for option '--size'"));
    }

    @Test
    void startdelayStartsAJobLater() throws IOException {
        long start = System.nanoTime();
        Run r = run("--size=16k", "--startdelay=300ms");
        assertTrue(System.nanoTime() - start >= 300_000_000L, "waited the start delay");
        assertTrue(r.job().get("read").get("runtime").asLong() < 300, "the delay is not run time: " + r.job());
    }

    @Test
    void badValuesNameTheOption() {
        assertTrue(bad("fio", "--bssplit=4k/50:8k/40").err().contains(
                "Invalid value for option '--bssplit': the shares add up to 90% instead of 100%"));
        assertTrue(bad("fio", "--bsrange=64k-4k").err().contains(
                "Invalid value for option '--bsrange': the maximum is below the minimum"));
        assertTrue(bad("fio", "--bsrange=4k-64k", "--bssplit=4k/100").err().contains("give one"));
        assertTrue(bad("fio", "--percentile_list=50:101").err().contains(
                "Invalid value for option '--percentile_list'"));
        assertTrue(bad("fio", "--rate_iops=0").err().contains("'--rate_iops': must be more than 0 but was 0"));
        assertTrue(bad("fio", "--loops=0").err().contains("'--loops': must be between 1"));
        assertTrue(bad("fio", "--bssplit=1000/100").err().contains("1000 is not a multiple of the LBA size"));
    }

    /** The highest LBA past the last one the run touched. */
    private static long end(Run r) {
        return r.ios().stream().mapToLong(io -> io[1] + io[2]).max().orElse(0);
    }

    @Test
    void filesizeSizesTheRegionAndSizeOnlyCapsTheBytesAsInFio() throws IOException {
        // fio 3.33 on one file: filesize=64k with size=128k reads 64k, with size=32k 32k, with
        // io_size=128k 128k (wrapping); filesize=10k-64k with randseed=5 gave a 61440-byte file.
        Run big = run("--rw=read", "--filesize=64k", "--size=128k");
        assertEquals(65536, big.job().get("read").get("io_bytes").asLong(), "size is clamped to the file's");
        Run capped = run("--rw=randread", "--filesize=64k", "--size=32k");
        assertEquals(32768, capped.job().get("read").get("io_bytes").asLong());
        assertTrue(end(capped) <= 16, "random offsets over the 64k region");
        Run wraps = run("--rw=read", "--filesize=64k", "--io_size=128k");
        assertEquals(131072, wraps.job().get("read").get("io_bytes").asLong());
        assertEquals(16, end(wraps), "within the 64k region");
        Run alone = run("--rw=write", "--filesize=48k");
        assertEquals(49152, alone.job().get("write").get("io_bytes").asLong());
        for (long seed = 1; seed <= 4; seed++) {
            Run range = run("--rw=write", "--filesize=10k-64k", "--randseed=" + seed);
            long bytes = range.job().get("write").get("io_bytes").asLong();
            assertTrue(bytes >= 8192 && bytes < 65536 && bytes % 4096 == 0, "in the range, whole blocks: " + bytes);
        }
        assertTrue(bad("fio", "--filesize=64k-32k").err().contains("--filesize"));
        assertTrue(bad("fio", "--filesize=2k").err().contains("--filesize"), "less than one block");
    }

    @Test
    void randomOffsetsMayBeAlignedAboveTheIoSizeAsInFio() throws IOException {
        // JESD219's job (fio's examples/jesd219.fio): bssplit from 512 bytes with blockalign=4k
        FakeController fake = new FakeController(32768, 512);
        List<long[]> ios = fake.recordIos();
        ToolRun r = ToolRun.run(() -> fake, "fio", "--rw=randrw", "--bssplit=512/40:1536/10:4k/30:8k/20",
                "--blockalign=4k", "--size=4m", "--io_size=64m", "--norandommap", "--iodepth=4", "--number_ios=2000",
                "--output-format=terse");
        assertEquals(0, r.exit(), r.toString());
        assertEquals(2000, ios.size());
        boolean small = false;
        for (long[] io : ios) {
            assertEquals(0, io[1] % 8, "every offset on a 4k boundary: lba " + io[1]);
            small |= io[2] == 1;
        }
        assertTrue(small, "512-byte I/Os were issued");
        ToolRun seq = ToolRun.run(() -> new FakeController(32768, 512), "fio", "--rw=read", "--bs=512",
                "--blockalign=4k", "--size=64k");
        assertEquals(2, seq.exit(), seq.toString());
        assertTrue(seq.err().contains("--blockalign"), seq.err());
    }
}
