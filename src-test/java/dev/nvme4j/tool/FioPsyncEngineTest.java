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
    void psyncJobsPrintStatusLinesAndTheLiveProgressLine() {
        ToolRun r = run("fio", "--name=st", "--rw=randread", "--bs=4k", "--ioengine=psync", "--numjobs=2",
                "--runtime=2", "--time_based", "--status-interval=300ms", "--eta=always");
        assertEquals(0, r.exit(), r.toString());
        long status = java.util.regex.Pattern.compile("st: \\(groupid=0\\): status at [0-9.]+s: read: "
                + "IOPS=[0-9.]+[kM]?, BW=[0-9.]+[KMG]iB/s \\(io=[0-9.]+[KMG]iB\\)\n").matcher(r.out()).results().count();
        assertTrue(status >= 4, "a status line per job every 300 ms: " + r.out());
        assertTrue(r.out().matches("(?s).*\rJobs: 2 \\(f=2\\): \\[r\\(2\\)]\\[[0-9.]+%]\\[r=[^]]+]\\[r=[0-9.]+[kM]? IOPS]"
                + "\\[eta \\d+m:\\d+s].*"), "the progress line: " + r.out());
    }

    @Test
    void psyncReportsHaveTheAsyncEnginesLayoutWithRateSamplesAndCpu() throws Exception {
        String[] common = {"fio", "--name=lay", "--rw=randread", "--bs=4k", "--numjobs=2", "--runtime=2",
            "--time_based"};
        ToolRun async = run(concat(common, "--ioengine=nvme4j", "--iodepth=4"));
        ToolRun psync = run(concat(common, "--ioengine=psync"));
        assertEquals(0, async.exit(), async.toString());
        assertEquals(0, psync.exit(), psync.toString());
        assertEquals(layout(async.out()), layout(psync.out()), "async:\n" + async.out() + "\npsync:\n" + psync.out());
        for (String line : psync.out().split("\n")) {
            if (line.startsWith("  cpu          : usr=")) {
                double usr = Double.parseDouble(line.replaceAll(".*usr=([0-9.]+)%.*", "$1"));
                assertTrue(usr > 0, "the jobs' share of the process's CPU: " + line);
            }
        }
        // 3 s (the last option wins): a sample needs two sampler ticks 500 ms apart inside the run, which a
        // loaded host's late ticks leave short of in 2 s.
        JsonNode job = json.readTree(run(concat(common, "--ioengine=psync", "--output-format=json", "--runtime=3"))
                .out()).get("jobs").get(0);
        assertTrue(job.get("read").get("bw_samples").asLong() >= 2, job.toString());
        assertTrue(job.get("read").get("iops_samples").asLong() >= 2, job.toString());
        assertTrue(job.get("usr_cpu").asDouble() > 0, job.toString());
    }

    @Test
    void theRunTimeCountsFromWhereRecordingBeganAsWithTheNvme4jEngine() throws Exception {
        // 300 ms per I/O: the I/O under way when the ramp ends finishes 200 ms late, and recording
        // begins then; the job still records a whole second (fio and the nvme4j engine do).
        for (String engine : new String[] {"psync", "nvme4j"}) {
            ToolRun r = run("fio", "--mock-latency=300ms", "--name=ramp", "--rw=randread", "--bs=4k",
                    "--ioengine=" + engine, "--ramp_time=1", "--runtime=1", "--time_based", "--output-format=json");
            assertEquals(0, r.exit(), r.toString());
            long runtime = json.readTree(r.out()).get("jobs").get(0).get("read").get("runtime").asLong();
            assertTrue(runtime >= 1000, engine + ": recorded " + runtime + " ms of a 1 s run time");
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * The report's lines from the first job's on, each cut before its first figure, with the
     * latency and bandwidth units taken out, leaving out the latency bucket lines (which of them
     * appear depends on the latencies) and the queue pair line, and the percentile lines as one
     * (how many figures fit a line depends on their widths).
     */
    private static java.util.List<String> layout(String out) {
        java.util.List<String> labels = new java.util.ArrayList<>();
        out.substring(out.indexOf("lay: (groupid=")).lines()
                .filter(l -> !l.matches("  lat \\((nsec|usec|msec|sec)\\) +: .*") && !l.contains("queue pair :"))
                .map(l -> l.replaceAll("\\((nsec|usec|msec|sec)\\)", "(U)").replaceAll("\\( *[KMG]i?B/s\\)", "(B/s)")
                        .replaceAll("[0-9].*", "").replaceAll("^ +\\|.*", "|").stripTrailing())
                .forEach(l -> {
                    if (labels.isEmpty() || !l.equals("|") || !labels.get(labels.size() - 1).equals(l)) {
                        labels.add(l);
                    }
                });
        return labels;
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
