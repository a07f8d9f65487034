package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's verify methods beyond crc32c/md5/sha256 (every checksum fio names, meta, pattern,
 * pattern_hdr, null), verify_pattern, verify_interval and verify_fatal, on a fake controller
 * with 4 KiB blocks. fio 3.33 on a plain file was the reference for the pattern bytes and for
 * verify_pattern alone meaning verify=pattern.
 */
class FioVerifyMethodsTest {
    private final ObjectMapper json = new ObjectMapper();

    private record Run(ToolRun tool, JsonNode job, FakeController fake) {
        JsonNode verify() {
            return job.get("nvme4j").get("verify");
        }
    }

    private Run run(FakeController fake, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("fio", "--output-format=json"));
        all.addAll(List.of(args));
        ToolRun r = ToolRun.run(() -> fake, all.toArray(String[]::new));
        JsonNode job = r.exit() == 0 || r.exit() == 1 ? json.readTree(r.out()).get("jobs").get(0) : null;
        return new Run(r, job, fake);
    }

    private Run ok(String... args) throws IOException {
        Run r = run(new FakeController(4096, 4096), args);
        assertEquals(0, r.tool().exit(), r.tool().toString());
        return r;
    }

    private static ToolRun refused(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "fio";
        System.arraycopy(args, 0, all, 1, args.length);
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), all);
        assertEquals(2, r.exit(), r.toString());
        return r;
    }

    private static ByteBuffer media(FakeController fake, long lba, int blocks) {
        return ByteBuffer.wrap(fake.mediaAt(lba, blocks)).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void everyChecksumFioNamesVerifiesAndNamesABadBlock() throws IOException {
        for (String alg : List.of("crc32", "crc16", "crc7", "crc64", "xxhash", "sha1", "sha512", "sha3-224",
                "sha3-256", "sha3-384", "sha3-512")) {
            Run r = ok("--rw=randwrite", "--bsrange=4k-16k", "--size=256k", "--verify=" + alg);
            assertEquals(64, r.verify().get("blocks").asLong(), alg);
            assertEquals(0, r.verify().get("bad_blocks").asLong(), alg);
            assertEquals(alg, r.verify().get("type").asText());
            FakeController fake = new FakeController(4096, 4096);
            fake.corruptReadAt(7);
            Run bad = run(fake, "--rw=write", "--size=64k", "--verify=" + alg);
            assertEquals(1, bad.tool().exit(), bad.tool().toString());
            assertTrue(bad.tool().err().contains("first lba 7: " + alg + " mismatch"), bad.tool().err());
        }
        assertTrue(refused("--verify=crc99").err().contains("sha3-512"), "the error lists fio's names");
    }

    @Test
    void verifyPatternAloneWritesAndChecksOnlyThePattern() throws IOException {
        Run r = ok("--rw=write", "--size=64k", "--verify_pattern=0xdeadbeef");
        assertEquals("pattern", r.verify().get("type").asText(), "as fio: verify_pattern alone is verify=pattern");
        assertEquals(16, r.verify().get("blocks").asLong());
        ByteBuffer b = media(r.fake(), 3, 1).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 4096; i += 4) {
            assertEquals(0xdeadbeef, b.getInt(i), "no header, the pattern all through: byte " + i);
        }
        FakeController fake = new FakeController(4096, 4096);
        fake.corruptReadAt(5);
        Run bad = run(fake, "--rw=write", "--size=64k", "--verify_pattern=0xdeadbeef");
        assertEquals(1, bad.tool().exit(), bad.tool().toString());
        assertTrue(bad.tool().err().contains("first lba 5: pattern mismatch at byte 0 (expected 0xde, found 0x21)"),
                bad.tool().err());
        assertEquals(0, bad.verify().get("bad").get(0).get("byte").asInt());
    }

    @Test
    void anOffsetInThePatternIsEachBlocksByteOffset() throws IOException {
        Run r = ok("--rw=randwrite", "--size=64k", "--verify=pattern", "--verify_pattern=%o\"nvme\"");
        for (long lba : new long[] {0, 3, 15}) {
            ByteBuffer b = media(r.fake(), lba, 1);
            assertEquals(lba * 4096, b.getLong(0), "lba " + lba);
            assertEquals(lba * 4096, b.getLong(12), "the pattern (12 bytes) repeats: lba " + lba);
        }
    }

    @Test
    void aChecksumOverAPatternAndTheHeaderOnlyMethods() throws IOException {
        Run r = ok("--rw=write", "--size=64k", "--verify=crc32c", "--verify_pattern=0xab");
        ByteBuffer b = media(r.fake(), 2, 1);
        assertEquals(0x4E344A56, b.getInt(0), "a header");
        assertEquals(2, b.getLong(8), "naming its LBA");
        assertEquals((byte) 0xab, b.get(32), "then the pattern");
        assertEquals((byte) 0xab, b.get(4095));
        for (String m : List.of("meta", "pattern_hdr")) {
            FakeController fake = new FakeController(4096, 4096);
            fake.corruptReadAt(7);
            Run bad = run(fake, "--rw=write", "--size=64k", "--verify=" + m, "--verify_pattern=0xab");
            assertEquals(1, bad.tool().exit(), bad.tool().toString());
            assertTrue(bad.tool().err().contains("first lba 7: no verify header"), m + ": " + bad.tool().err());
            assertEquals(m, ok("--rw=write", "--size=64k", "--verify=" + m, "--verify_pattern=0xab").verify()
                    .get("type").asText());
        }
        assertTrue(refused("--verify=pattern_hdr").err().contains("needs --verify_pattern"));
        assertTrue(refused("--verify_pattern=0xzz").err().contains("verify_pattern"));
    }

    @Test
    void nullRunsBothPassesAndChecksNothing() throws IOException {
        FakeController fake = new FakeController(4096, 4096);
        fake.corruptReadAt(7);
        Run r = run(fake, "--rw=write", "--size=64k", "--verify=null");
        assertEquals(0, r.tool().exit(), r.tool().toString());
        assertEquals(64 * 1024, r.job().get("read").get("io_bytes").asLong(), "the read-back pass ran");
        assertEquals(0, r.verify().get("bad_blocks").asLong());
    }

    @Test
    void verifyIntervalPutsAHeaderEveryIntervalBytes() throws IOException {
        Run r = ok("--rw=write", "--bs=16k", "--size=64k", "--verify=crc32c", "--verify_interval=8k");
        assertEquals(0, r.verify().get("bad_blocks").asLong());
        assertEquals(0x4E344A56, media(r.fake(), 2, 1).getInt(0), "a header at 8k");
        assertEquals(2, media(r.fake(), 2, 1).getLong(8), "naming the unit's first LBA");
        assertTrue(media(r.fake(), 1, 1).getInt(0) != 0x4E344A56, "none at 4k");
        FakeController fake = new FakeController(4096, 4096);
        fake.corruptReadAt(3); // the second block of the unit at LBA 2
        Run bad = run(fake, "--rw=write", "--bs=16k", "--size=64k", "--verify=crc32c", "--verify_interval=8k");
        assertTrue(bad.tool().err().contains("first lba 2: crc32c mismatch"), bad.tool().err());
        assertTrue(refused("--bs=16k", "--verify=md5", "--verify_interval=6k").err().contains("verify_interval"));
        assertTrue(refused("--bs=16k", "--verify=md5", "--verify_interval=32k").err().contains("divides"));
    }

    @Test
    void verifyFatalStopsTheJobAtTheFirstBadBlock() throws IOException {
        for (boolean fatal : new boolean[] {false, true}) {
            FakeController fake = new FakeController(4096, 4096);
            fake.corruptReadAt(3);
            fake.corruptReadAt(12);
            Run r = run(fake, "--rw=write", "--size=64k", "--verify=crc32c", "--verify_fatal=" + (fatal ? 1 : 0));
            assertEquals(1, r.tool().exit(), r.tool().toString());
            long reads = r.job().get("read").get("total_ios").asLong();
            if (fatal) {
                assertEquals(1, r.verify().get("bad_blocks").asLong(), "stopped at lba 3");
                assertTrue(reads >= 4 && reads < 12, "read back up to about lba 3: " + reads);
            } else {
                assertEquals(2, r.verify().get("bad_blocks").asLong());
                assertEquals(16, reads);
            }
        }
    }

    @Test
    void verifyDumpWritesTheBadUnitAsReceivedAndAsExpected(@TempDir Path dir) throws IOException {
        FakeController fake = new FakeController(4096, 4096);
        fake.corruptReadAt(7);
        fake.corruptReadAt(9);
        Run bad = run(fake, "--rw=write", "--bs=8k", "--size=64k", "--verify=md5", "--verify_dump=1",
                "--aux-path=" + dir);
        assertEquals(1, bad.tool().exit(), bad.tool().toString());
        // as fio names them: the file's (here the device's) name, the unit's byte offset, received/expected
        for (long lba : new long[] {7, 9}) {
            Path received = dir.resolve("mock." + lba * 4096 + ".received");
            Path expected = dir.resolve("mock." + lba * 4096 + ".expected");
            assertTrue(bad.tool().err().contains("lba " + lba + ": received data dumped as " + dir.resolve("mock."
                    + lba * 4096) + ".received"), bad.tool().err());
            byte[] media = fake.mediaAt(lba, 1);
            assertArrayEquals(media, Files.readAllBytes(expected), "expected: what the write put there");
            byte[] got = Files.readAllBytes(received);
            assertEquals(4096, got.length);
            assertEquals((byte) ~media[0], got[0], "received: the read's data, its first byte flipped");
            assertArrayEquals(java.util.Arrays.copyOfRange(media, 1, 4096), java.util.Arrays.copyOfRange(got, 1, 4096));
        }
        assertEquals(2, bad.verify().get("bad").size());
        assertEquals(dir.resolve("mock.28672").toString(), bad.verify().get("bad").get(0).get("dump").asText());
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "two files per bad unit, none for the good ones");
        }
        FakeController again = new FakeController(4096, 4096);
        again.corruptReadAt(7);
        Path none = Files.createDirectory(dir.resolve("none"));
        run(again, "--rw=write", "--size=64k", "--verify=md5", "--aux-path=" + none);
        try (var files = Files.list(none)) {
            assertEquals(0, files.count(), "verify_dump is off by default");
        }
    }
}
