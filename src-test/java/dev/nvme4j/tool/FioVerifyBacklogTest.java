package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's verify_backlog and verify_backlog_batch: a verifying job reads back and checks what it
 * wrote while it runs, not only at the end. The order of reads and writes is compared with fio
 * 3.33's on a plain file ({@code fio --filename=F --size=256k --bs=4k --rw=write --verify=crc32c
 * --verify_backlog=16 --verify_backlog_batch=B --write_lat_log=P}, the direction column of
 * P_clat.1.log at iodepth 1).
 */
class FioVerifyBacklogTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    /** fio 3.33's order: W a write, R a verify read. */
    private static final String FIO_BATCH_16 = "WWWWWWWWWWWWWWWWRRRRRRRRRRRRRRRRWWWWWWWWWWWWWWWWRRRRRRRRRRRRRRRR"
            + "WWWWWWWWWWWWWWWWRRRRRRRRRRRRRRRRWWWWWWWWWWWWWWWWRRRRRRRRRRRRRRRR";
    private static final String FIO_BATCH_8 = "WWWWWWWWWWWWWWWWRRRRRRRRWWWWWWWWRRRRRRRRWWWWWWWWRRRRRRRRWWWWWWWW"
            + "RRRRRRRRWWWWWWWWRRRRRRRRWWWWWWWWRRRRRRRRWWWWWWWWRRRRRRRRRRRRRRRR";
    private static final String FIO_BATCH_32 = "WWWWWWWWWWWWWWWWRRRRRRRRRRRRRRRRWRWRWRWRWRWRWRWRWRWRWRWRWRWRWRWR"
            + "WWWWWWWWWWWWWWWWRRRRRRRRRRRRRRRRWRWRWRWRWRWRWRWRWRWRWRWRWRWRWRWR";

    private ToolRun run(FakeController fake, String... args) {
        List<String> all = new ArrayList<>(List.of("fio", "--output-format=json"));
        all.addAll(List.of(args));
        return ToolRun.run(() -> fake, all.toArray(String[]::new));
    }

    /** The directions of the job's I/Os in completion order, from its clat log. */
    private String order(String... args) throws IOException {
        String prefix = dir.resolve("o").toString();
        List<String> all = new ArrayList<>(List.of("--rw=write", "--size=256k", "--bs=4k", "--verify=crc32c",
                "--verify_backlog=16", "--write_lat_log=" + prefix));
        all.addAll(List.of(args));
        ToolRun r = run(new FakeController(4096, 4096), all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(dir.resolve("o_clat.1.log"))) {
            sb.append(line.split(", ")[2].equals("0") ? 'R' : 'W');
        }
        return sb.toString();
    }

    @Test
    void readsBackEveryBacklogOfWritesAsFioDoes() throws IOException {
        assertEquals(FIO_BATCH_16, order(), "verify_backlog_batch defaults to verify_backlog");
        assertEquals(FIO_BATCH_16, order("--verify_backlog_batch=16"));
        assertEquals(FIO_BATCH_8, order("--verify_backlog_batch=8"),
                "a smaller batch leaves blocks for later batches and the end");
        assertEquals(FIO_BATCH_32, order("--verify_backlog_batch=32"),
                "a larger batch reads each further write back as soon as it completed");
    }

    @Test
    void everyWriteIsCheckedOnceAndTheReportCountsTheReads() throws IOException {
        ToolRun r = run(new FakeController(4096, 4096), "--rw=randwrite", "--size=1m", "--bs=8k", "--iodepth=8",
                "--verify=md5", "--verify_backlog=10", "--verify_backlog_batch=3");
        assertEquals(0, r.exit(), r.toString());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        assertEquals(128, job.get("write").get("total_ios").asLong());
        assertEquals(128, job.get("read").get("total_ios").asLong(), "every write read back once");
        assertEquals(256, job.get("nvme4j").get("verify").get("blocks").asLong());
        assertEquals(0, job.get("nvme4j").get("verify").get("bad_blocks").asLong());
    }

    @Test
    void aBadBlockIsFoundWhileTheJobStillWrites() throws IOException {
        FakeController fake = new FakeController(4096, 4096);
        fake.corruptReadAt(3);
        ToolRun r = run(fake, "--rw=write", "--size=1m", "--verify=crc32c", "--verify_backlog=16",
                "--verify_fatal=1");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("first lba 3: crc32c mismatch"), r.err());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        assertEquals(16, job.get("write").get("total_ios").asLong(),
                "verify_fatal stopped the job at the first backlog, long before its 256 writes");
        FakeController later = new FakeController(4096, 4096);
        later.corruptReadAt(3);
        ToolRun atEnd = run(later, "--rw=write", "--size=1m", "--verify=crc32c", "--verify_fatal=1");
        assertEquals(256, json.readTree(atEnd.out()).get("jobs").get(0).get("write").get("total_ios").asLong(),
                "without a backlog the check comes after the whole write pass");
    }

    @Test
    void timeBasedKeepsWritingAndVerifyingForTheWholeRuntime() throws IOException {
        ToolRun r = run(new FakeController(4096, 4096), "--rw=write", "--size=64k", "--verify=crc32c",
                "--verify_backlog=4", "--time_based", "--runtime=300ms", "--rate_iops=400");
        assertEquals(0, r.exit(), r.toString());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        long writes = job.get("write").get("total_ios").asLong();
        assertTrue(writes > 16, "as fio: time_based wraps the 16-block region until the runtime: " + writes);
        assertEquals(writes, job.get("read").get("total_ios").asLong(), "and every write is checked");
        assertEquals(0, job.get("nvme4j").get("verify").get("bad_blocks").asLong());
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        ToolRun r = run(new FakeController(4096, 4096), "--rw=write", "--verify=crc32c", "--verify_backlog=-1");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--verify_backlog"), r.err());
        ToolRun big = run(new FakeController(4096, 4096), "--rw=write", "--verify=crc32c",
                "--verify_backlog=1g");
        assertEquals(2, big.exit(), big.toString());
        assertTrue(big.err().contains("--verify_backlog") && big.err().contains("1048576"), big.err());
    }
}
