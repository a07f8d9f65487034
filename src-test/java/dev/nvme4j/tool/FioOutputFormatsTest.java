package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fio's json+ (clat bins) and terse (version 3) outputs. */
class FioOutputFormatsTest {
    private static ToolRun run(String... args) {
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /** fio's bin middle for a value (stat.c plat_val_to_idx then plat_idx_to_val, 64 bins per power of 2). */
    private static long fioBinValue(long ns) {
        int msb = 63 - Long.numberOfLeadingZeros(ns);
        if (msb <= 6) {
            return ns;
        }
        int errorBits = msb - 6;
        long base = 1L << (errorBits + 6);
        long k = (ns >> errorBits) & 63;
        return base + (long) ((k + 0.5) * (1L << errorBits));
    }

    @Test
    void jsonPlusAddsFiosClatBins() throws Exception {
        JsonNode job = new ObjectMapper().readTree(run("fio", "--rw=randrw", "--size=1m", "--iodepth=4",
                "--output-format=json+").out()).get("jobs").get(0);
        for (String dir : new String[] {"read", "write"}) {
            JsonNode clat = job.get(dir).get("clat_ns");
            JsonNode bins = clat.get("bins");
            assertTrue(bins != null && bins.size() > 0, dir + ": " + clat);
            long sum = 0;
            for (Map.Entry<String, JsonNode> e : bins.properties()) {
                long key = Long.parseLong(e.getKey());
                assertEquals(fioBinValue(key), key, "a key is the middle of a fio bin: " + key);
                sum += e.getValue().asLong();
            }
            assertEquals(clat.get("N").asLong(), sum, dir + ": the bins hold every I/O");
            assertTrue(clat.get("min").asLong() <= Long.parseLong(bins.fieldNames().next()) * 2);
            assertTrue(job.get(dir).get("lat_ns").get("bins") == null, "as fio: lat bins only with lat percentiles");
        }
        JsonNode plain = new ObjectMapper().readTree(run("fio", "--size=64k", "--output-format=json").out());
        assertTrue(plain.get("jobs").get(0).get("read").get("clat_ns").get("bins") == null, "json has no bins");
    }

    @Test
    void terseIsFiosVersion3Line() {
        String out = run("fio", "--name=t", "--rw=randrw", "--size=1m", "--output-format=terse").out().strip();
        String[] f = out.split(";", -1);
        assertEquals(130, f.length, out); // fio 3.33 terse v3 with one disk: 130 fields
        assertEquals("3", f[0]);
        assertEquals("t", f[2]);
        long readKiB = Long.parseLong(f[5]);
        long writeKiB = Long.parseLong(f[46]);
        assertEquals(1024, readKiB + writeKiB, "read (field 6) and write (field 47) KiB add up to the size");
        assertTrue(f[17].matches("1\\.000000%=\\d+"), "the first clat percentile: " + f[17]);
        assertTrue(f[87].endsWith("%") && f[88].endsWith("%"), "usr and sys CPU at fields 88 and 89");
        double depths = 0;
        for (int i = 92; i < 99; i++) {
            depths += Double.parseDouble(f[i].replace("%", ""));
        }
        assertEquals(100.0, depths, 0.2, "IO depths (fields 93-99)");
        double lat = 0;
        for (int i = 99; i < 121; i++) {
            lat += Double.parseDouble(f[i].replace("%", ""));
        }
        assertEquals(100.0, lat, 0.2, "latency shares in us (fields 100-109) and ms (110-121)");
        String minimal = run("fio", "--name=t", "--rw=randrw", "--size=1m", "--minimal").out().strip();
        assertEquals(130, minimal.split(";", -1).length, "--minimal is terse: " + minimal);
    }

    /** Which reports a run printed: t terse, j JSON, n normal, in the order they appear. */
    private static String reports(String... formatArgs) {
        String[] args = new String[formatArgs.length + 2];
        args[0] = "fio";
        args[1] = "--size=16k";
        System.arraycopy(formatArgs, 0, args, 2, formatArgs.length);
        StringBuilder sb = new StringBuilder();
        for (String line : run(args).out().split("\n")) {
            if (line.startsWith("3;")) {
                sb.append('t');
            } else if (line.equals("{")) {
                sb.append('j');
            } else if (line.startsWith("Run status group")) {
                sb.append('n');
            }
        }
        return sb.toString();
    }

    @Test
    void minimalOutputFormatAndAppendTerseApplyInTheOrderGivenAsInFio() {
        // fio 3.33 (init.c): --minimal sets terse, --output-format sets its list, --append-terse adds
        // terse to what is set so far; the last one given wins. Checked with fio 3.33 on a file.
        assertEquals("j", reports("--minimal", "--output-format=json"));
        assertEquals("t", reports("--output-format=json", "--minimal"));
        assertEquals("j", reports("--append-terse", "--output-format=json"));
        assertEquals("tj", reports("--output-format=json", "--append-terse"));
        assertEquals("t", reports("--output-format=json", "--append-terse", "--minimal"));
        assertEquals("n", reports("--minimal", "--output-format", "normal"));
        assertEquals("tn", reports("--append-terse"));
        assertEquals("t", reports("--output-format=minimal"), "fio's other names for terse");
        assertEquals("tj", reports("--output-format=csv,json"));
    }
}
