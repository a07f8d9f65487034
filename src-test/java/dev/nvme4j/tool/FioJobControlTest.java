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
 * fio's options that order and end jobs (wait_for, exitall with exit_what) and the options of
 * fio's io_uring_cmd examples for NVMe (cmd_type=nvme, io_uring's flags, io_submit_mode=inline),
 * in job files on the fake controller.
 */
class FioJobControlTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path dir;

    private ToolRun run(String jobFile, String... args) throws IOException {
        Path f = Files.writeString(dir.resolve("jobs.fio"), jobFile);
        List<String> all = new ArrayList<>(List.of("fio", "--output-format=json"));
        all.addAll(List.of(args));
        all.add(f.toString());
        return ToolRun.run(() -> new FakeController(4096, 4096), all.toArray(String[]::new));
    }

    private JsonNode jobs(ToolRun r) throws IOException {
        assertEquals(0, r.exit(), r.toString());
        return json.readTree(r.out()).get("jobs");
    }

    @Test
    void waitForStartsAJobWhenTheJobItNamesHasFinished() throws IOException {
        // The reader checks every block it reads: run alongside the (paced) writer, it would find
        // blocks not written yet; waiting for the writer, it finds every block written.
        String file = "[global]\nsize=512k\nbs=4k\nverify=crc32c\n"
                + "[writer]\nrw=write\ndo_verify=0\nrate_iops=2000\n"
                + "[reader]\nrw=read\n%s\n";
        JsonNode waited = jobs(run(String.format(file, "wait_for=writer")));
        assertEquals(0, waited.get(1).get("nvme4j").get("verify").get("bad_blocks").asLong(), waited.toString());
        assertEquals(128, waited.get(1).get("read").get("total_ios").asLong());
        ToolRun together = run(String.format(file, ""));
        assertEquals(1, together.exit(), "without wait_for the reader runs ahead of the writer: " + together);
        ToolRun forward = run("[reader]\nrw=read\nsize=64k\nwait_for=writer\n[writer]\nrw=write\nsize=64k\n");
        assertEquals(2, forward.exit(), forward.toString());
        assertTrue(forward.err().contains("no job called 'writer' before it"), forward.err());
    }

    @Test
    void exitallStopsTheOtherJobsAsExitWhatSays() throws IOException {
        String file = "[global]\nexitall\nexit_what=%s\n"
                + "[short]\nrw=read\nsize=64k\n"
                + "[long]\nrw=randread\nsize=1m\ntime_based\nruntime=60\n"
                + "[later]\nstonewall\nrw=read\nsize=64k\n";
        for (String what : new String[] {"group", "stonewall", "all"}) {
            long t0 = System.nanoTime();
            JsonNode jobs = jobs(run(String.format(file, what)));
            long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
            assertTrue(seconds < 30, what + ": the 60 s job was stopped when 'short' finished (" + seconds + " s)");
            assertEquals(16, jobs.get(0).get("read").get("total_ios").asLong(), what);
            assertEquals("long", jobs.get(1).get("jobname").asText());
            assertEquals(what.equals("all") ? 2 : 3, jobs.size(), what + ": exit_what=all runs no later job");
        }
        ToolRun bad = run("[j]\nrw=read\nsize=64k\nexitall\nexit_what=some\n");
        assertEquals(2, bad.exit(), bad.toString());
        assertTrue(bad.err().contains("exit_what"), bad.err());
    }

    @Test
    void fiosIoUringCmdOptionsForNvmeAreAcceptedWithANote() throws IOException {
        ToolRun r = run("[global]\nioengine=io_uring_cmd\ncmd_type=nvme\nsize=256k\niodepth=8\nbs=4k\n"
                + "io_submit_mode=inline\n[rw]\nrw=randwrite\nsqthread_poll=1\nsqthread_poll_cpu=0\n"
                + "nonvectored=1\nregisterfiles=1\nfixedbufs\nhipri\n");
        assertEquals(64, jobs(r).get(0).get("write").get("total_ios").asLong());
        assertTrue(r.err().contains("note: sqthread_poll is io_uring's and does not apply"), r.err());
        ToolRun other = run("[j]\ncmd_type=scsi\nsize=64k\n");
        assertEquals(2, other.exit(), other.toString());
        assertTrue(other.err().contains("jobs.fio:2:") && other.err().contains("NVMe commands only"), other.err());
        ToolRun offload = run("[j]\nio_submit_mode=offload\nsize=64k\n");
        assertEquals(2, offload.exit(), offload.toString());
        assertTrue(offload.err().contains("jobs.fio:2: Invalid value for option '--io_submit_mode': nvme4j submits "
                + "inline"), offload.err());
        ToolRun rates = run("[j]\nrw=randrw\nrate=300,300,300\nsize=64k\n");
        assertEquals(2, rates.exit(), rates.toString());
        assertTrue(rates.err().contains("jobs.fio:3: Invalid value for option '--rate': per-direction rates"),
                rates.err());
    }

    @Test
    void aKernelNvmeDeviceAsFilenameIsRefusedUnlessDeviceIsGiven() throws IOException {
        ToolRun r = run("[j]\nfilename=/dev/nvme0n1\nrw=read\nsize=64k\n");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("/dev/nvme0n1") && r.err().contains("--device=mock"), r.err());
        assertEquals(16, jobs(run("[j]\nfilename=/dev/nvme0n1\nrw=read\nsize=64k\n", "--device=mock")).get(0)
                .get("read").get("total_ios").asLong(), "--device wins over filename");
    }
}
