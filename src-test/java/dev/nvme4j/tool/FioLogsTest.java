package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fio's I/O logs (write_lat_log, write_bw_log, write_iops_log, log_avg_msec) and --status-interval. */
class FioLogsTest {
    @TempDir
    Path dir;

    private static ToolRun onFake(String... args) {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private static List<String[]> rows(Path p) throws IOException {
        assertTrue(Files.exists(p), p + " written");
        return Files.readAllLines(p).stream().map(l -> l.split(", ")).toList();
    }

    @Test
    void everyIoIsARowInFiosFormat() throws IOException {
        String prefix = dir.resolve("lg").toString();
        onFake("fio", "--rw=write", "--size=64k", "--write_lat_log=" + prefix, "--write_bw_log=" + prefix,
                "--write_iops_log=" + prefix, "--log_offset=1");
        for (String type : new String[] {"slat", "clat", "lat", "bw", "iops"}) {
            List<String[]> rows = rows(dir.resolve("lg_" + type + ".1.log"));
            assertEquals(16, rows.size(), type + ": one row per I/O");
            for (int i = 0; i < rows.size(); i++) {
                String[] r = rows.get(i);
                assertEquals(6, r.length, "time, value, direction, bs, offset, priority");
                assertEquals("1", r[2], "a write");
                assertEquals("4096", r[3]);
                assertEquals(Long.toString(i * 4096L), r[4], "sequential offsets");
                assertEquals("0", r[5]);
                assertTrue(Long.parseLong(r[1]) >= 0 && Long.parseLong(r[0]) >= 0);
            }
        }
        assertEquals("1", rows(dir.resolve("lg_iops.1.log")).get(0)[1], "fio's per-I/O IOPS value");
    }

    @Test
    void windowedLogsAverageAndTheDefaultPrefixIsTheJobName() throws IOException {
        String name = dir.resolve("job").toString();
        onFake("fio", "--name=" + name, "--rw=randread", "--runtime=600ms", "--time_based", "--rate_iops=500",
                "--write_iops_log", "--write_bw_log", "--log_avg_msec=100", "--per_job_logs=0");
        // The pacer issues I/O k no earlier than (k - 1) / 500 s into the run and nothing at or after
        // 600 ms: 300 I/Os at most in the whole run.
        long budgetIos = 500 * 600 / 1000;
        long maxWindowIops = budgetIos * 1000 / 100;
        List<String[]> iops = rows(dir.resolve("job_iops.log"));
        assertTrue(iops.size() >= 3, "a row per 100 ms window: " + iops.size());
        long sum = 0;
        for (String[] r : iops) {
            assertEquals(5, r.length, "time, value, direction, bs, priority");
            assertEquals(0, Long.parseLong(r[0]) % 100, "window ends");
            assertEquals("0", r[3], "block size 0 in windowed rows, as fio");
            // A window after the job thread was descheduled may catch up (as fio's rate limit does), but
            // no window can hold more than the whole run's budget, whatever the scheduling.
            assertTrue(Long.parseLong(r[1]) <= maxWindowIops, "at most the run's " + budgetIos
                    + " I/Os in one window: " + r[1]);
            sum += Long.parseLong(r[1]);
        }
        // Each row is its window's I/Os per second: the rows together count the run's I/Os, at most its
        // budget (plus the I/Os of one window edge), however many windows the scheduling left.
        long loggedIos = sum * 100 / 1000;
        assertTrue(loggedIos <= budgetIos + 50, "the 500 IOPS cap: " + loggedIos + " I/Os in the windows");
        List<String[]> bw = rows(dir.resolve("job_bw.log"));
        long kib = 0;
        for (String[] r : bw) {
            assertTrue(Long.parseLong(r[1]) <= maxWindowIops * 4, "at most the run's " + budgetIos
                    + " x 4 KiB in one window: " + r[1]);
            kib += Long.parseLong(r[1]);
        }
        long loggedKib = kib * 100 / 1000;
        assertTrue(loggedKib <= (budgetIos + 50) * 4, "500 x 4 KiB per second: " + loggedKib + " KiB in the windows");
    }

    @Test
    void statusIntervalPrintsCumulativeStatus() {
        ToolRun r = onFake("fio", "--name=st", "--runtime=1", "--time_based", "--rate_iops=200",
                "--status-interval=200ms");
        long lines = r.out().lines().filter(l -> l.matches("st: \\(groupid=0\\): status at [0-9.]+s: read: "
                + "IOPS=\\d+, BW=.*")).count();
        assertTrue(lines >= 2, "a status line every 200 ms: " + r.out());
    }
}
