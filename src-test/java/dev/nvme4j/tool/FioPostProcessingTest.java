package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fio's own post-processing scripts read nvme4j's output: {@code fio_jsonplus_clat2csv} its
 * json+ report, {@code fio2gnuplot} its bandwidth logs. The scripts are fio's (Debian's fio
 * package installs them in /usr/bin; {@code NVME4J_FIO_TOOLS} may name fio's tools/ directory
 * instead); the test is skipped when they or python3 are not there.
 */
class FioPostProcessingTest {
    @TempDir
    Path dir;

    /** fio's script {@code name}, skipping the test when it or python3 cannot be found. */
    private static Path script(String name) {
        List<String> dirs = new ArrayList<>();
        String tools = System.getenv("NVME4J_FIO_TOOLS");
        if (tools != null) {
            dirs.add(tools);
            dirs.add(tools + "/plot"); // fio2gnuplot's place in fio's source tree
        }
        dirs.addAll(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
        Path found = dirs.stream().map(d -> Path.of(d, name)).filter(Files::isRegularFile).findFirst().orElse(null);
        Assumptions.assumeTrue(found != null, name + " not found (install fio, or set NVME4J_FIO_TOOLS)");
        Assumptions.assumeTrue(run(dir0(), "python3", "--version") == 0, "python3 not found");
        return found;
    }

    private static Path dir0() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static int run(Path cwd, String... command) {
        try {
            Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectOutput(cwd.resolve("script.out").toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static ToolRun fio(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "fio";
        System.arraycopy(args, 0, all, 1, args.length);
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), all);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void fioJsonplusClat2csvReadsTheJsonPlusBins() throws IOException {
        Path script = script("fio_jsonplus_clat2csv");
        ToolRun r = fio("--name=j", "--rw=randrw", "--size=2m", "--iodepth=4", "--output-format=json+");
        Files.writeString(dir.resolve("out.json"), r.out());
        assertEquals(0, run(dir, "python3", script.toString(), "out.json", "clat.csv"),
                () -> read(dir.resolve("script.out")));
        List<String> rows = Files.readAllLines(dir.resolve("clat_job0.csv"));
        List<String> head = List.of(rows.get(0).split(",\\s*"));
        JsonNode job = new ObjectMapper().readTree(r.out()).get("jobs").get(0);
        for (String d : new String[] {"read", "write"}) {
            int count = head.indexOf(d + "_clat_ns_count");
            int cumulative = head.indexOf(d + "_clat_ns_cumulative");
            int percentile = head.indexOf(d + "_clat_ns_percentile");
            assertTrue(count > 0 && cumulative > 0 && percentile > 0, rows.get(0));
            long sum = 0;
            String last = null;
            String lastPct = null;
            for (String row : rows.subList(1, rows.size())) {
                String[] f = row.split(",\\s*", -1);
                if (!f[count].isBlank()) {
                    sum += Long.parseLong(f[count].strip());
                    last = f[cumulative].strip();
                    lastPct = f[percentile].strip();
                    assertTrue(job.get(d).get("clat_ns").get("bins").has(f[0].strip()), "a bin of the report: " + f[0]);
                }
            }
            long n = job.get(d).get("clat_ns").get("N").asLong();
            assertTrue(n > 0, d);
            assertEquals(n, sum, d + ": the script counted every completion");
            assertEquals(Long.toString(n), last, d);
            assertEquals(1.0, Double.parseDouble(lastPct), 1e-9, d + ": the last bin is the 100th percentile");
        }
    }

    @Test
    void fio2gnuplotReadsTheBandwidthLog() throws IOException {
        Path script = script("fio2gnuplot");
        fio("--name=" + dir.resolve("g"), "--rw=randread", "--size=4m", "--runtime=1", "--time_based",
                "--rate_iops=1000", "--write_bw_log", "--log_avg_msec=100", "--output-format=terse");
        List<String> log = Files.readAllLines(dir.resolve("g_bw.1.log"));
        assertTrue(log.size() >= 5, "a row per 100 ms: " + log);
        double mean = log.stream().mapToLong(l -> Long.parseLong(l.split(", ")[1])).average().orElseThrow();
        assertEquals(0, run(dir, "python3", script.toString(), "-b"), () -> read(dir.resolve("script.out")));
        String global = read(dir.resolve("result.global"));
        assertTrue(global.contains("values_count=" + log.size()), "every row read: " + global);
        String avg = global.lines().filter(l -> l.startsWith("avg=")).findFirst().orElseThrow();
        assertEquals(mean, Double.parseDouble(avg.substring(4)), 0.01, global);
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
