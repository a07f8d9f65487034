package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * fio's options for where sequential runs go (rw=...:N), what the write data is (zero_buffers,
 * refill_buffers, buffer_compress_percentage), how much is written (fill_device) and which
 * verify passes run (do_verify, verify_only). The expected orders were seen with fio 3.33 on a
 * plain file (write_lat_log with log_offset).
 */
class FioDataOptionsTest {
    private final ObjectMapper json = new ObjectMapper();

    private record Run(ToolRun tool, List<long[]> ios, JsonNode job, FakeController fake) {
        /** The first LBA of every I/O, in submission order. */
        List<Long> lbas() {
            List<Long> l = new ArrayList<>();
            ios.forEach(io -> l.add(io[1]));
            return l;
        }
    }

    private Run run(FakeController fake, String... args) throws IOException {
        List<long[]> ios = fake.recordIos();
        List<String> all = new ArrayList<>(List.of("fio", "--output-format=json"));
        all.addAll(List.of(args));
        ToolRun r = ToolRun.run(() -> fake, all.toArray(String[]::new));
        JsonNode job = r.exit() == 0 ? json.readTree(r.out()).get("jobs").get(0) : null;
        return new Run(r, new ArrayList<>(ios), job, fake);
    }

    private Run run(String... args) throws IOException {
        Run r = run(new FakeController(4096, 4096), args);
        assertEquals(0, r.tool().exit(), r.tool().toString());
        return r;
    }

    @Test
    void sequentialWithAnIncrementLeavesHolesAndEndsAtTheRegionsEnd() throws IOException {
        // fio 3.33, rw=read:8k bs=4k size=64k: 0 3 6 9 12 15, then the job ends
        assertEquals(List.of(0L, 3L, 6L, 9L, 12L, 15L), run("--rw=read:8k", "--size=64k").lbas());
    }

    @Test
    void aNegativeIncrementGoesBackwards() throws IOException {
        // fio 3.33, rw=read:-8k bs=4k size=64k number_ios=12: 0 14 13 12 11 10 9 8 7 6 5 4
        assertEquals(List.of(0L, 14L, 13L, 12L, 11L, 10L, 9L, 8L, 7L, 6L, 5L, 4L),
                run("--rw=read:-8k", "--size=64k", "--number_ios=12").lbas());
    }

    @Test
    void aRandomModeWithNIssuesRunsOfNSequentialIos() throws IOException {
        List<Long> lbas = run("--rw=randread:4", "--number_ios=64").lbas();
        assertTrue(lbas.size() > 8, lbas.toString());
        int runs = 0;
        for (int i = 0; i < lbas.size(); i++) {
            if (i % 4 != 0) {
                assertEquals(lbas.get(i - 1) + 1, lbas.get(i), "I/O " + i + " continues the run: " + lbas);
            } else if (i > 0 && lbas.get(i) != lbas.get(i - 1) + 1) {
                runs++;
            }
        }
        assertTrue(runs > lbas.size() / 8, "every 4th I/O starts at a new random offset: " + lbas);
    }

    @Test
    void badModifiersAreRefusedNamingTheOption() throws IOException {
        Run r = run(new FakeController(4096, 4096), "--rw=randread:0");
        assertEquals(2, r.tool().exit(), r.tool().toString());
        assertTrue(r.tool().err().contains("'--rw'") && r.tool().err().contains("randread:0"), r.tool().err());
        r = run(new FakeController(4096, 4096), "--rw=read:5000");
        assertEquals(2, r.tool().exit(), r.tool().toString());
        assertTrue(r.tool().err().contains("'--rw'") && r.tool().err().contains("multiple of"), r.tool().err());
    }

    @Test
    void bsTakesAValuePerDirection() throws IOException {
        // fio: bs=4k,16k means 4k reads, 16k writes (and trims)
        Run r = run("--rw=randrw", "--bs=4k,16k", "--size=1m", "--iodepth=4");
        for (long[] io : r.ios()) {
            assertEquals(io[0] == 1 ? 4 : 1, io[2], "write 16k (4 blocks), read 4k (1 block)");
        }
        assertTrue(r.tool().err().isEmpty() || !r.tool().err().contains("error"), r.tool().err());
        // the verify pass reads back with the writes' sizes
        r = run("--rw=randwrite", "--bsrange=4k-4k,4k-32k", "--size=1m", "--verify=crc32c");
        assertEquals(1L << 20, r.job().get("read").get("io_bytes").asLong());
        assertEquals(0, r.job().get("nvme4j").get("verify").get("bad_blocks").asLong());
        Run split = run("--rw=randrw", "--bssplit=4k/100,8k/50:16k/50", "--size=1m");
        for (long[] io : split.ios()) {
            assertTrue(io[0] == 1 ? io[2] == 2 || io[2] == 4 : io[2] == 1, "bssplit per direction: " + io[2]);
        }
    }

    @Test
    void blockalignAlignsRandomOffsetsFinerThanTheIoSize() throws IOException {
        Run r = run("--rw=randread", "--bs=16k", "--blockalign=4k", "--size=1m", "--norandommap");
        boolean unaligned = false;
        for (long[] io : r.ios()) {
            assertEquals(4, io[2]);
            unaligned |= io[1] % 4 != 0;
            assertTrue(io[1] + io[2] <= 256, "inside the region");
        }
        assertTrue(unaligned, "offsets on 4k, not only 16k boundaries");
        Run bad = run(new FakeController(4096, 4096), "--bs=4k", "--blockalign=8k");
        assertEquals(2, bad.tool().exit(), bad.tool().toString());
        assertTrue(bad.tool().err().contains("Invalid value for option '--blockalign'"), bad.tool().err());
    }

    @Test
    void rateMinStopsAJobThatFallsBelowIt() throws IOException {
        Run slow = run(new FakeController(4096, 4096), "--rw=randread", "--rate_iops=50", "--rate_iops_min=5000",
                "--ratecycle=200", "--runtime=10", "--time_based");
        assertEquals(1, slow.tool().exit(), slow.tool().toString());
        assertTrue(slow.tool().err().contains("rate_iops_min=5000 not met"), slow.tool().err());
        // fio 3.33 (rate=1250 ratemin=1024, fio's 1mbs_clients example): one 4k read every 3.3 s
        // meets the minimum, the rate counting from the check before
        Run ok = run("--rw=read", "--rate=1250", "--rate_min=1024", "--runtime=8", "--time_based",
                "--rate_process=linear");
        assertTrue(ok.job().get("read").get("total_ios").asLong() > 0);
    }

    @Test
    void rateProcessIsLinearOnly() throws IOException {
        Run r = run(new FakeController(4096, 4096), "--rate_iops=100", "--rate_process=poisson");
        assertEquals(2, r.tool().exit(), r.tool().toString());
        assertTrue(r.tool().err().contains("Invalid value for option '--rate_process': only linear"), r.tool().err());
    }

    @Test
    void zeroBuffersWritesZeros() throws IOException {
        Run r = run("--rw=write", "--size=64k", "--zero_buffers");
        assertTrue(allZero(r.fake().mediaAt(0, 16)), "zero_buffers");
        r = run("--rw=write", "--size=64k");
        assertTrue(!allZero(r.fake().mediaAt(0, 1)), "the default data is random");
    }

    @Test
    void refillBuffersGivesEveryWriteNewData() throws IOException {
        // iodepth=1: one buffer; without refill every block holds the same data
        Run same = run("--rw=write", "--size=64k");
        assertTrue(Arrays.equals(same.fake().mediaAt(0, 1), same.fake().mediaAt(5, 1)), "written once");
        Run refilled = run("--rw=write", "--size=64k", "--refill_buffers");
        assertTrue(!Arrays.equals(refilled.fake().mediaAt(0, 1), refilled.fake().mediaAt(5, 1)), "refilled");
    }

    @Test
    void bufferCompressPercentageMakesTheDataCompressThatMuch() throws IOException {
        Run r = run("--rw=write", "--size=256k", "--buffer_compress_percentage=70");
        double ratio = compressedShare(r.fake().mediaAt(0, 64));
        assertTrue(ratio > 0.25 && ratio < 0.40, "about 30% left after compression: " + ratio);
        double random = compressedShare(run("--rw=write", "--size=256k", "--refill_buffers").fake().mediaAt(0, 64));
        assertTrue(random > 0.95, "random data does not compress: " + random);
    }

    @Test
    void fillDeviceWritesToTheEndOfTheNamespace() throws IOException {
        Run r = run("--rw=write", "--bs=1m", "--size=1m", "--offset=4m", "--fill_device=1");
        assertEquals(12L << 20, r.job().get("write").get("io_bytes").asLong(), "from 4m to the end of 16m");
    }

    @Test
    void doVerifyZeroWritesWithoutReadingBack() throws IOException {
        Run r = run("--rw=write", "--size=64k", "--verify=crc32c", "--do_verify=0");
        assertEquals(16, r.job().get("write").get("total_ios").asLong());
        assertEquals(0, r.job().get("read").get("total_ios").asLong(), "no verify pass");
    }

    @Test
    void verifyOnlyChecksWhatAnEarlierRunWrote() throws IOException {
        FakeController fake = new FakeController(4096, 4096);
        Run w = run(fake, "--rw=randwrite", "--bsrange=4k-16k", "--size=256k", "--verify=crc32c", "--do_verify=0");
        assertEquals(0, w.tool().exit(), w.tool().toString());
        Run v = run(fake, "--rw=randwrite", "--bsrange=4k-16k", "--size=256k", "--verify=crc32c", "--verify_only");
        assertEquals(0, v.tool().exit(), v.tool().toString());
        assertEquals(0, v.job().get("write").get("total_ios").asLong(), "verify_only writes nothing");
        assertEquals(256 * 1024, v.job().get("read").get("io_bytes").asLong());
        assertEquals(64, v.job().get("nvme4j").get("verify").get("blocks").asLong());
        fake.corruptReadAt(7);
        Run bad = run(fake, "--rw=randwrite", "--bsrange=4k-16k", "--size=256k", "--verify=crc32c", "--verify_only");
        assertEquals(1, bad.tool().exit(), bad.tool().toString());
        assertTrue(bad.tool().err().contains("verify failed: ") && bad.tool().err().contains("first lba 7: crc32c"),
                bad.tool().err()); // (random I/Os of several sizes may overlap: lba 7 may be read twice)
    }

    @Test
    void md5AndSha256VerifyAndNameTheAlgorithmOfABadBlock() throws IOException {
        for (String alg : List.of("md5", "sha256", "crc32c-intel")) {
            Run r = run("--rw=randwrite", "--bsrange=4k-16k", "--size=256k", "--verify=" + alg);
            assertEquals(64, r.job().get("nvme4j").get("verify").get("blocks").asLong(), alg);
            assertEquals(0, r.job().get("nvme4j").get("verify").get("bad_blocks").asLong(), alg);
            assertEquals(alg, r.job().get("nvme4j").get("verify").get("type").asText());
            FakeController fake = new FakeController(4096, 4096);
            fake.corruptReadAt(7);
            Run bad = run(fake, "--rw=write", "--size=64k", "--verify=" + alg);
            assertEquals(1, bad.tool().exit(), bad.tool().toString());
            assertTrue(bad.tool().err().contains("first lba 7: " + alg.replace("-intel", "") + " mismatch"),
                    bad.tool().err());
        }
    }

    @Test
    void bufferPatternFillsEveryWrite() throws IOException {
        // fio 3.33, buffer_pattern=0xdeadbeef: the file holds de ad be ef throughout; %o is refused
        byte[] media = run("--rw=randwrite", "--size=64k", "--buffer_pattern=0xdeadbeef").fake().mediaAt(0, 16);
        for (int i = 0; i < media.length; i += 4) {
            assertEquals(0xdeadbeef, java.nio.ByteBuffer.wrap(media, i, 4).getInt(), "byte " + i);
        }
        Run r = run(new FakeController(4096, 4096), "--rw=write", "--buffer_pattern=%o");
        assertEquals(2, r.tool().exit(), r.tool().toString());
        assertTrue(r.tool().err().contains("'--buffer_pattern': %o"), r.tool().err());
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static double compressedShare(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        return (double) out.size() / data.length;
    }
}
