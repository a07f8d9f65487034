package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.device.DeviceOpener;
import org.junit.jupiter.api.Test;

/** The tool end to end on the embedded mock controller, through the driver. */
class MockToolTest {
    private final ObjectMapper json = new ObjectMapper();

    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    @Test
    void mainJobCommandPrintsFioStyleResults() {
        ToolRun r = run("fio", "--name=randread", "--rw=randread", "--bs=4k", "--iodepth=32", "--numjobs=1",
                "--runtime=1", "--time_based");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("randread: (groupid=0, jobs=1): err= 0"), r.out());
        assertTrue(r.out().matches("(?s).*\\n  read: IOPS=[0-9.]+k?, BW=[0-9.]+[KMG]iB/s .*"), r.out());
        assertTrue(r.out().contains("clat percentiles"), r.out());
        assertTrue(r.out().contains("   READ: bw="), r.out());
        assertEquals("", r.err().strip(), "nothing on stderr");
    }

    @Test
    void verifyCatchesTheMocksByteFlipAndNamesTheLba() throws Exception {
        ToolRun r = run("fio", "--name=vfy", "--rw=randwrite", "--bs=16k", "--iodepth=8", "--size=8m",
                "--verify=crc32c", "--mock-capacity=64m", "--mock-lba-size=512", "--fault-corrupt-lba=4099",
                "--output-format=json");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("verify failed: 1 bad block(s), first lba 4099: crc32c mismatch"), r.toString());
        assertFalse(r.err().contains("\tat "), "no stack trace");
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        assertEquals(84, job.get("error").asInt(), "EILSEQ like fio's verify failures");
        JsonNode verify = job.get("nvme4j").get("verify");
        assertEquals(16384, verify.get("blocks").asLong(), "8 MiB of 512-byte blocks checked");
        assertEquals(1, verify.get("bad_blocks").asLong());
        assertEquals(4099, verify.get("bad").get(0).get("lba").asLong());
        assertEquals(8L << 20, job.get("write").get("io_bytes").asLong());
        assertEquals(8L << 20, job.get("read").get("io_bytes").asLong());
    }

    @Test
    void verifyWithoutFaultsPassesAndAReadOnlyVerifyOfBlankMediaFails() {
        ToolRun r = run("fio", "--rw=write", "--bs=4k", "--iodepth=4", "--size=1m", "--verify=crc32c",
                "--mock-capacity=16m", "--numjobs=2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("verify       : crc32c, blocks=256, bad=0"), r.out());
        r = run("fio", "--rw=read", "--size=64k", "--verify=crc32c", "--mock-capacity=16m");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("first lba 0: no verify header"), r.toString());
    }

    @Test
    void jsonFromTheMockParsesBackWithFiosFields() throws Exception {
        ToolRun r = run("fio", "--name=j", "--rw=randrw", "--rwmixread=70", "--bs=4k", "--iodepth=16",
                "--runtime=1", "--time_based", "--mode=hybrid", "--output-format=json", "--mock-capacity=64m");
        assertEquals(0, r.exit(), r.toString());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        assertEquals("j", job.get("jobname").asText());
        long reads = job.get("read").get("total_ios").asLong();
        long writes = job.get("write").get("total_ios").asLong();
        assertTrue(reads > 0 && writes > 0);
        double share = (double) reads / (reads + writes);
        assertTrue(share > 0.6 && share < 0.8, "rwmixread=70 gives about 70% reads: " + share);
        assertEquals(reads * 4096, job.get("read").get("io_bytes").asLong());
        assertTrue(job.get("read").get("clat_ns").get("percentile").has("99.900000"));
        assertTrue(job.get("job_runtime").asLong() >= 1000);
    }

    @Test
    void theSubmitAndCompleteLoopAllocatesNothing() throws Exception {
        // Fixed numbers of I/Os, not a time, and the difference of two lengths: the bound is about
        // allocation per I/O, whatever the speed and whatever a run allocates once (warm-up, set-up).
        long shortRun = hotPathAllocBytes(25_000);
        long longRun = hotPathAllocBytes(100_000);
        long extraIos = 75_000;
        assertTrue(longRun - shortRun < extraIos / 10, (longRun - shortRun) + " more bytes allocated for "
                + extraIos + " more I/Os (" + shortRun + " for 25000, " + longRun + " for 100000; job thread, "
                + "driver and deterministic mock included)");
    }

    /** Bytes the job's recorded submit-and-complete loop allocated for {@code n} randrw I/Os. */
    private long hotPathAllocBytes(int n) throws Exception {
        ToolRun r = run("fio", "--rw=randrw", "--iodepth=16", "--number_ios=" + n, "--io_size=1g",
                // null backing: the RAM store's pages, allocated on first write, are no per-I/O cost
                "--mock-backing=null", "--verify=none", "--mock-capacity=16m", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        long ios = job.get("read").get("total_ios").asLong() + job.get("write").get("total_ios").asLong();
        assertEquals(n, ios, "every I/O of --number_ios measured");
        return job.get("nvme4j").get("hot_path_alloc_bytes").asLong();
    }

    @Test
    void recoveryCountersShowWhenFaultsFire() throws Exception {
        ToolRun r = run("fio", "--rw=randread", "--iodepth=1", "--runtime=1", "--time_based", "--mode=irq",
                "--fault-drop-interrupts=0.05", "--mock-exec=threaded", "--mock-capacity=16m", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode qc = json.readTree(r.out()).get("jobs").get(0).get("nvme4j").get("queue_counters");
        assertTrue(qc.get("missed_interrupts").asLong() > 0, "dropped interrupts were recovered: " + qc);
    }

    @Test
    void lostDoorbellsAreRecoveredWithinTheIoTimeout() throws Exception {
        long start = System.nanoTime();
        ToolRun r = run("fio", "--rw=randread", "--iodepth=4", "--runtime=1", "--time_based",
                "--fault-lost-doorbells=0.02", "--io-timeout=50ms", "--mock-capacity=16m", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "bounded by --io-timeout, not the default 30 s");
        JsonNode qc = json.readTree(r.out()).get("jobs").get(0).get("nvme4j").get("queue_counters");
        assertTrue(qc.get("lost_doorbells").asLong() > 0, "lost doorbells were recovered: " + qc);
    }

    @Test
    void shadowDoorbellsOnAndOff() throws Exception {
        for (String onOff : new String[] {"on", "off"}) {
            ToolRun r = run("fio", "--rw=randread", "--iodepth=8", "--size=1m", "--shadow-doorbells=" + onOff,
                    "--mock-capacity=16m", "--output-format=json");
            assertEquals(0, r.exit(), r.toString());
            JsonNode qc = json.readTree(r.out()).get("jobs").get(0).get("nvme4j").get("queue_counters");
            long avoided = qc.get("doorbells_avoided").asLong();
            assertTrue(onOff.equals("on") ? avoided > 0 : avoided == 0, onOff + ": " + qc);
            assertTrue(qc.get("completed").asLong() >= 256, onOff + ": " + qc);
        }
        ToolRun bad = run("fio", "--rw=randread", "--size=1m", "--shadow-doorbells=maybe");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("expected one of [on, off] but was 'maybe'"), bad.toString());
    }

    @Test
    void anIoErrorStopsTheJobAndIsReported() throws Exception {
        ToolRun r = run("fio", "--rw=randread", "--iodepth=4", "--runtime=5", "--time_based",
                "--fault-media-errors=0.01", "--mock-capacity=16m", "--output-format=json");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().matches("(?s).*I/O error\\(s\\), first: read error at lba \\d+ \\(1 blocks\\): "
                + "Unrecovered Read Error \\(SCT 0x2, SC 0x81, DNR\\).*"), r.toString());
        JsonNode job = json.readTree(r.out()).get("jobs").get(0);
        assertEquals(5, job.get("error").asInt(), "EIO like fio");
        assertTrue(job.get("nvme4j").get("io_errors").asLong() >= 1);
        assertTrue(job.get("read").get("runtime").asLong() < 5000, "stopped at the first error");
    }

    @Test
    void inspectionCommandsOnTheMock() throws Exception {
        ToolRun r = run("id-ctrl", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode ctrl = json.readTree(r.out());
        assertEquals(0x4E56, ctrl.get("vid").asInt());
        assertEquals("NVME4J-MOCK-0001    ", ctrl.get("sn").asText(), "20 bytes, space padded, as nvme-cli prints");
        assertEquals(16, ctrl.get("nn").asInt(), "room for create-ns: NSIDs up to 16");
        r = run("id-ns", "--mock-capacity=64m", "--mock-lba-size=512", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode ns = json.readTree(r.out());
        assertEquals(131072, ns.get("nsze").asLong());
        r = run("smart-log", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(json.readTree(r.out()).has("critical_warning"));
        r = run("error-log", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(json.readTree(r.out()).get("errors").isArray());
        r = run("list", "--mock-namespaces=2");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("mock") && r.out().contains("/ns2"), r.out());
    }
}
