package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.DeviceOpener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile input and failing setups: each gives exit code 2 (bad option) or 1 (run-time failure)
 * with one message naming the option or the cause, promptly, and no stack trace.
 */
class ToolFailurePathsTest {
    /** Far below the 60 s drain wait and the 30 s I/O timeout the failures used to sit through. */
    private static final long PROMPT_NS = TimeUnit.SECONDS.toNanos(20);
    private final ObjectMapper json = new ObjectMapper();

    private static ToolRun onMock(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    private static void assertNoStackTrace(ToolRun r) {
        assertFalse(r.err().contains("\tat ") || r.out().contains("\tat "), "no stack trace: " + r);
        assertFalse(r.err().contains("Exception"), "no exception class names: " + r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--runtime", "--ramp_time", "--io-timeout", "--mock-latency", "--fault-delay"})
    void aDurationTooLargeIsABadValueOfItsOption(String option) {
        ToolRun r = onMock("fio", option + "=200000d", "--size=64k");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '" + option + "'"), r.toString());
        assertTrue(r.err().contains("200000d"), "the value as typed: " + r);
        assertFalse(r.err().contains("overflow"), r.toString());
        assertNoStackTrace(r);
    }

    @Test
    void aZeroIoTimeoutNamesTheOptionAsTyped() {
        ToolRun r = onMock("fio", "--io-timeout=0", "--size=64k");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--io-timeout': must be more than 0 but was '0'"),
                r.toString());
        assertFalse(r.err().contains("PT0S") || r.err().contains("ioTimeout"), r.toString());
        r = onMock("id-ctrl", "--admin-timeout=0s");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--admin-timeout': must be more than 0 but was '0s'"), r.toString());
    }

    @Test
    void aJobWhoseBuffersCannotBeAllocatedFailsAtOnce() {
        long start = System.nanoTime();
        ToolRun r = onMock("fio", "--bs=64m", "--iodepth=512", "--size=1g", "--mock-capacity=2g");
        long took = System.nanoTime() - start;
        assertEquals(1, r.exit(), r.toString());
        assertTrue(took < PROMPT_NS, "failed after " + took / 1_000_000 + " ms");
        assertTrue(r.err().contains("--iodepth=512") && r.err().contains("--bs=64MiB"),
                "says which options ask for the memory: " + r);
        assertNoStackTrace(r);
    }

    @Test
    void aFileBackedMockOnAFullDiskFailsTheJobWithWriteFault() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "/dev/full is needed");
        for (String exec : new String[] {"deterministic", "threaded"}) {
            long start = System.nanoTime();
            ToolRun r = onMock("fio", "--rw=write", "--size=1m", "--mock-backing=file", "--mock-file=/dev/full",
                    "--mock-exec=" + exec, "--output-format=json");
            long took = System.nanoTime() - start;
            assertEquals(1, r.exit(), r.toString());
            assertTrue(took < PROMPT_NS, exec + ": failed after " + took / 1_000_000 + " ms");
            assertTrue(r.err().contains("write error at lba 0 (1 blocks): Write Fault"), r.toString());
            assertNoStackTrace(r);
            JsonNode job = json.readTree(r.out()).get("jobs").get(0);
            assertEquals(5, job.get("error").asInt(), "EIO like fio");
            assertEquals(0, json.readTree(r.out()).get("nvme4j controller").get("resets").asLong(),
                    exec + ": no recovery: " + r.out());
        }
    }

    @Test
    void aMissingOrDirectoryMockFileSaysWhy(@TempDir Path dir) {
        ToolRun r = onMock("fio", "--mock-backing=file", "--mock-file=" + dir.resolve("no/such/dir/ns"), "--size=64k");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--mock-file'") && r.err().contains("does not exist"),
                r.toString());
        r = onMock("fio", "--mock-backing=file", "--mock-file=" + dir, "--size=64k");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--mock-file'") && r.err().contains("is a directory"),
                r.toString());
        assertNoStackTrace(r);
        // A file that can be used is created, as before.
        r = onMock("fio", "--rw=write", "--mock-backing=file", "--mock-file=" + dir.resolve("ns"), "--size=64k",
                "--mock-capacity=1m");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(Files.exists(dir.resolve("ns")));
    }

    @Test
    void aNegativeOrOutOfRangeCorruptLbaIsRefused() {
        ToolRun r = onMock("fio", "--fault-corrupt-lba=-1", "--size=64k");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--fault-corrupt-lba': must be 0 or more but was -1"),
                r.toString());
        r = onMock("fio", "--fault-corrupt-lba=4096", "--mock-capacity=16m", "--size=64k");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("'--fault-corrupt-lba': LBA 4096 is beyond the mock's namespaces (4096 blocks"),
                r.toString());
    }

    @Test
    void aBlockSizeTooLargeSaysTheLimitInBothForms() {
        ToolRun r = onMock("fio", "--bs=2g");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--bs': must be at most 1GiB (1073741824 bytes) "
                + "but was 2GiB (2147483648 bytes)"), r.toString());
    }

    @Test
    void timeBasedTakesFiosNumericForm() throws Exception {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--rw=read", "--size=64k",
                "--runtime=300ms", "--time_based=1", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode read = json.readTree(r.out()).get("jobs").get(0).get("read");
        assertTrue(read.get("runtime").asLong() >= 250, "ran for the runtime: " + read.get("runtime"));
        assertTrue(read.get("io_bytes").asLong() > 64 * 1024, "wrapped around the 64 KiB region");
        r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--rw=read", "--size=64k",
                "--runtime=30", "--time_based=0", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        read = json.readTree(r.out()).get("jobs").get(0).get("read");
        assertEquals(64 * 1024, read.get("io_bytes").asLong(), "size-based: the region once");
        r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--time_based=maybe");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--time_based'"), r.toString());
    }
}
