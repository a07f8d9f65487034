package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The fio engine and reports against the in-test fake controller (no driver core needed). */
class FioOnFakeTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void jsonHasTheFieldsFioToolingReads() throws Exception {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--name=jr", "--rw=randread",
                "--bs=8k", "--iodepth=4", "--numjobs=2", "--size=4m", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode root = json.readTree(r.out());
        assertTrue(root.get("fio version").asText().startsWith("nvme4j-"), r.out());
        JsonNode jobs = root.get("jobs");
        assertEquals(2, jobs.size());
        for (JsonNode job : jobs) {
            assertEquals("jr", job.get("jobname").asText());
            JsonNode read = job.get("read");
            assertEquals(4L << 20, read.get("io_bytes").asLong(), "size-based: the whole region once");
            assertEquals(512, read.get("total_ios").asLong());
            assertEquals(read.get("bw_bytes").asLong() / 1024, read.get("bw").asLong());
            assertTrue(read.get("iops").asDouble() > 0);
            assertTrue(read.get("runtime").asLong() >= 0);
            JsonNode clat = read.get("clat_ns");
            assertEquals(512, clat.get("N").asLong());
            assertTrue(clat.get("min").asLong() <= clat.get("max").asLong());
            JsonNode pct = clat.get("percentile");
            for (String k : new String[] {"1.000000", "50.000000", "99.000000", "99.990000"}) {
                assertTrue(pct.has(k), "percentile " + k);
            }
            assertTrue(pct.get("1.000000").asLong() <= pct.get("99.990000").asLong());
            assertTrue(read.get("lat_ns").get("mean").asDouble() >= clat.get("mean").asDouble());
            assertTrue(read.has("slat_ns"));
            assertEquals(0, job.get("write").get("io_bytes").asLong());
            assertTrue(read.has("bw_mean") && read.has("iops_mean") && read.has("bw_samples"));
            double depthSum = 0;
            for (String level : new String[] {"1", "2", "4", "8", "16", "32", ">=64"}) {
                depthSum += job.get("iodepth_level").get(level).asDouble();
            }
            assertEquals(100.0, depthSum, 0.01, "iodepth_level shares add up");
            double latSum = 0;
            for (String unit : new String[] {"latency_ns", "latency_us", "latency_ms"}) {
                for (JsonNode v : job.get(unit)) {
                    latSum += v.asDouble();
                }
            }
            assertEquals(100.0, latSum, 0.01, "latency buckets cover every I/O");
            assertTrue(job.get("usr_cpu").isNumber());
            assertTrue(job.get("sys_cpu").isNumber());
            assertEquals(0, job.get("error").asInt());
        }
    }

    @Test
    void groupReportingMergesJobs() throws Exception {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--rw=write", "--numjobs=2",
                "--size=1m", "--group_reporting", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode jobs = json.readTree(r.out()).get("jobs");
        assertEquals(1, jobs.size());
        assertEquals(2L << 20, jobs.get(0).get("write").get("io_bytes").asLong());
        assertEquals(2, jobs.get(0).get("nvme4j").get("jobs").asInt());
    }

    @Test
    void normalOutputHasFiosLayout() {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--name=mix", "--rw=randrw",
                "--iodepth=8", "--runtime=1", "--time_based");
        assertEquals(0, r.exit(), r.toString());
        String out = r.out();
        assertTrue(out.startsWith("mix: (g=0): rw=randrw, bs=(R) 4096B-4096B"), out);
        assertTrue(out.contains("mix: (groupid=0, jobs=1): err= 0: pid="), out);
        assertTrue(out.matches("(?s).*\\n  read: IOPS=[0-9.]+k?, BW=.*"), out);
        assertTrue(out.matches("(?s).*\\n  write: IOPS=[0-9.]+k?, BW=.*"), out);
        assertTrue(out.matches("(?s).*\\n    clat \\([num]sec\\): min=.*"), out);
        assertTrue(out.contains("clat percentiles ("), out);
        assertTrue(out.contains("99.99th=["), out);
        assertTrue(out.contains("  cpu          : usr="), out);
        assertTrue(out.contains("Run status group 0 (all jobs):"), out);
        assertTrue(out.contains("   READ: bw="), out);
        assertTrue(out.contains("  WRITE: bw="), out);
    }

    @Test
    void rampTimeIsRunButNotRecorded() throws Exception {
        long start = System.nanoTime();
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--rw=randread", "--ramp_time=500ms",
                "--runtime=500ms", "--time_based", "--output-format=json");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(0, r.exit(), r.toString());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        long runtime = job.get("read").get("runtime").asLong();
        assertTrue(runtime >= 500 && runtime < 1000, "recorded run time excludes the ramp: " + runtime);
        assertTrue(elapsedMs >= 1000, "ramp plus run time elapsed: " + elapsedMs);
    }

    @Test
    void aJobThatCannotSetUpFailsTheRunCleanly() {
        FakeController fake = new FakeController(4096, 4096);
        fake.failQueuePairs("Create I/O Completion Queue failed: Invalid Queue Size");
        ToolRun r = ToolRun.run(() -> fake, "fio", "--numjobs=2", "--size=1m");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("job 'read' #0 failed: setting up: Create I/O Completion Queue failed"),
                r.toString());
        assertTrue(r.err().contains("job 'read' #1 failed"), r.toString());
        assertTrue(fake.isClosed());
    }

    @Test
    void verifyPassesOnGoodMedia() {
        ToolRun r = ToolRun.run(() -> new FakeController(1024, 512), "fio", "--rw=randwrite", "--bs=4k",
                "--iodepth=8", "--verify=crc32c", "--size=512k");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify       : crc32c, blocks=1024, bad=0"), r.toString());
    }

    @Test
    void verifyReportsACorruptedLba() {
        FakeController fake = new FakeController(1024, 512);
        fake.corruptReadAt(777);
        ToolRun r = ToolRun.run(() -> fake, "fio", "--rw=write", "--bs=4k", "--iodepth=4", "--verify=crc32c",
                "--size=512k");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.out().contains("bad lba 777: crc32c mismatch"), r.toString());
        assertTrue(r.err().contains("verify failed: 1 bad block(s), first lba 777"), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
        assertTrue(fake.isClosed(), "controller closed after the run");
    }
}
