package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Job files in fio's format, one per option group (src-test/resources/fio-jobs): each runs to
 * the end on the mock, and an unsupported option is refused naming file and line.
 */
class FioJobFilesTest {
    private static final List<String> FILES = List.of("seq-then-rand.fio", "verify.fio", "mixed-sizes.fio",
            "paced.fio", "distributions.fio", "logs-and-buffers.fio", "trims-and-loops.fio", "unsupported.fio",
            "logs.inc", "verify-methods.fio", "aliases.fio");
    private final ObjectMapper json = new ObjectMapper();
    @TempDir
    Path dir;

    /** The tool on the mock (16 MiB, RAM) with these words after {@code fio}. */
    private static ToolRun onMock(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "fio";
        all[1] = "--device=mock";
        all[2] = "--mock-capacity=16m";
        System.arraycopy(args, 0, all, 3, args.length);
        return ToolRun.run(new dev.nvme4j.tool.device.DeviceOpener(), all);
    }

    private Path copyJobFiles() throws IOException {
        for (String f : FILES) {
            try (InputStream in = getClass().getResourceAsStream("/fio-jobs/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    private JsonNode run(String file, int jobs) throws IOException {
        copyJobFiles();
        ToolRun r = onMock("--output-format=json", dir.resolve(file).toString());
        assertEquals(0, r.exit(), r.toString());
        JsonNode all = json.readTree(r.out()).get("jobs");
        assertEquals(jobs, all.size(), r.out());
        for (JsonNode j : all) {
            long ios = j.get("read").get("total_ios").asLong() + j.get("write").get("total_ios").asLong()
                    + j.get("trim").get("total_ios").asLong();
            assertTrue(ios > 0, file + ": job " + j.get("jobname") + " did I/O");
            assertEquals(0, j.get("error").asInt(), file + ": " + j);
        }
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"seq-then-rand.fio:2", "mixed-sizes.fio:1", "paced.fio:2", "distributions.fio:4",
        "trims-and-loops.fio:3"})
    void aJobFileRunsEveryJob(String fileAndJobs) throws IOException {
        String[] p = fileAndJobs.split(":");
        run(p[0], Integer.parseInt(p[1]));
    }

    @Test
    void verifyFileWritesChecksAndChecksAgain() throws IOException {
        JsonNode jobs = run("verify.fio", 2);
        for (JsonNode j : jobs) {
            assertEquals(0, j.get("nvme4j").get("verify").get("bad_blocks").asLong(), j.toString());
            assertEquals(1L << 20, j.get("read").get("io_bytes").asLong(), "read back: " + j.get("jobname"));
        }
        assertEquals(0, jobs.get(1).get("write").get("total_ios").asLong(), "verify_only writes nothing");
        assertEquals(1, jobs.get(1).get("groupid").asInt(), "stonewall");
    }

    @Test
    void verifyMethodsFileChecksEachJobWithItsMethod() throws IOException {
        JsonNode jobs = run("verify-methods.fio", 3);
        String[] types = {"sha512", "pattern", "xxhash"};
        for (int i = 0; i < 3; i++) {
            JsonNode v = jobs.get(i).get("nvme4j").get("verify");
            assertEquals(types[i], v.get("type").asText(), jobs.get(i).get("jobname").asText());
            assertEquals(128, v.get("blocks").asLong(), "512k of 4k blocks read back");
            assertEquals(0, v.get("bad_blocks").asLong());
        }
    }

    @Test
    void fiosOtherNamesForOptionsWork() throws IOException {
        JsonNode job = run("aliases.fio", 1).get(0);
        assertEquals(512 * 1024, job.get("read").get("io_bytes").asLong(), "io_limit");
    }

    @Test
    void aJobFileForABigDiskOrSmallBlocksSaysHowToRunItOnTheMock() throws IOException {
        Path big = Files.writeString(dir.resolve("big.fio"), "[big]\nrw=randread\nsize=10g\n");
        ToolRun r = onMock(big.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--mock-capacity=SIZE"), r.err());
        ToolRun ok = onMock("--mock-capacity=20g", "--mock-backing=null", "--number_ios=100", "--output-format=terse",
                big.toString());
        assertEquals(0, ok.exit(), "the hint works: " + ok);
        Path small = Files.writeString(dir.resolve("small.fio"), "[small]\nbssplit=512/50:4k/50\nsize=64k\n");
        r = onMock(small.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--mock-lba-size=512"), r.err());
        assertEquals(0, onMock("--mock-lba-size=512", small.toString()).exit());
    }

    @Test
    void logsOfJobsSharingAPrefixGetFiosJobNumbers() throws IOException {
        copyJobFiles();
        // fio 3.33: two jobs with write_lat_log=lat in [global] log to lat_clat.1.log and lat_clat.2.log
        Files.writeString(dir.resolve("logs.inc"), "write_lat_log=" + dir.resolve("lat") + "\n");
        Files.delete(dir.resolve("verify.fio"));
        ToolRun r = onMock("--output-format=json", dir.resolve("logs-and-buffers.fio").toString());
        assertEquals(0, r.exit(), r.toString());
        long lines1 = Files.readAllLines(dir.resolve("lat_clat.1.log")).size();
        long lines2 = Files.readAllLines(dir.resolve("lat_clat.2.log")).size();
        assertEquals(128, lines1, "job 1: one row per 4k write of 512k");
        assertEquals(128, lines2, "job 2");
    }

    @Test
    void anUnsupportedOptionIsRefusedNamingFileAndLine() throws IOException {
        copyJobFiles();
        ToolRun r = onMock(dir.resolve("unsupported.fio").toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("unsupported.fio:4: fio's option 'zonemode' is not supported"), r.err());
    }
}
