package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.DeviceOpener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code fio --ioengine=psync}: jobs as virtual threads through one shared BlockDevice, with {@code --mem}. */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FioPsyncEngineTest {
    private final ObjectMapper json = new ObjectMapper();

    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    @Test
    void twoHundredFiftySixJobsRunAsVirtualThreadsOnTheDevicesFewQueuePairs() {
        // 256 jobs on a controller opened with one queue pair per core: only a shared BlockDevice fits.
        ToolRun r = run("fio", "--name=ps", "--rw=randread", "--bs=4k", "--ioengine=psync", "--numjobs=256",
                "--runtime=1", "--time_based", "--group_reporting");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("ps: (g=0): rw=randread, bs=(R) 4096B-4096B, (W) 4096B-4096B, (T) 4096B-4096B, "
                + "ioengine=psync, iodepth=1"), r.out());
        assertTrue(r.out().contains("ps: (groupid=0, jobs=256): err= 0"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  read: IOPS=[0-9.]+k?, BW=.*"), r.out());
        assertTrue(r.out().contains("IO depths    : 1=100.0%"), r.out());
    }

    @Test
    void sizeBasedJobsMoveExactlyTheSizeWithEveryBufferKind() throws Exception {
        for (String mem : new String[] {"dma", "direct", "heap"}) {
            ToolRun r = run("fio", "--name=w", "--rw=write", "--bs=8k", "--size=1m", "--ioengine=psync",
                    "--mem=" + mem, "--numjobs=4", "--output-format=json");
            assertEquals(0, r.exit(), mem + ": " + r);
            assertEquals("psync", json.readTree(r.out()).get("global options").get("ioengine").asText());
            JsonNode jobs = json.readTree(r.out()).get("jobs");
            assertEquals(4, jobs.size(), mem);
            for (JsonNode job : jobs) {
                assertEquals(1L << 20, job.get("write").get("io_bytes").asLong(), mem + " " + job);
                assertEquals(0, job.get("read").get("io_bytes").asLong(), mem);
                assertEquals(0, job.get("error").asInt(), mem);
            }
            r = run("fio", "--name=m", "--rw=randrw", "--rwmixread=50", "--bs=4k", "--size=512k",
                    "--ioengine=psync", "--mem=" + mem, "--output-format=json");
            assertEquals(0, r.exit(), mem + ": " + r);
            JsonNode job = json.readTree(r.out()).get("jobs").get(0);
            long rd = job.get("read").get("io_bytes").asLong();
            long wr = job.get("write").get("io_bytes").asLong();
            assertEquals(512L << 10, rd + wr, mem);
            assertTrue(rd > 0 && wr > 0, "a mix of reads and writes: " + rd + "/" + wr);
        }
    }

    @Test
    void whatPsyncCannotDoIsRefusedWithAClearError() {
        String[][] cases = {
            {"--mem=heap", "--mem': heap needs --ioengine=psync"},
            {"--ioengine=psync --mem=pinned", "--mem': expected dma, direct or heap but was 'pinned'"},
            {"--ioengine=psync --rw=randtrim", "psync does reads and writes only"},
            {"--ioengine=psync --rw=write --verify=crc32c", "psync does not verify"},
            {"--ioengine=psync --bsrange=4k-16k", "psync needs one block size"},
            {"--ioengine=psync --rate_iops=100", "psync does not pace"},
            {"--ioengine=psync --numjobs=257", "--numjobs'"},
        };
        for (String[] c : cases) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("fio", "--name=x", "--size=64k",
                    "--runtime=1"));
            args.addAll(java.util.List.of(c[0].split(" ")));
            ToolRun r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), c[0] + ": " + r);
            assertTrue(r.err().contains(c[1]), c[0] + ": " + r.err());
            assertTrue(!r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }
}
