package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * fio's latency percentile options (slat_percentiles, clat_percentiles, lat_percentiles,
 * percentile_list) in the normal, JSON and terse reports, and several output formats at once.
 * The layouts were seen with fio 3.33 on a plain file: percentiles sorted, as many decimals as the
 * list's most precise entry ({@code 50th}, {@code 50.0th}, the default list's {@code 1.00th}),
 * terse giving lat's percentiles with lat_percentiles, and {@code --output-format=normal,json}
 * printing the header, then the JSON, then the normal report.
 */
class FioPercentilesTest {
    private final ObjectMapper json = new ObjectMapper();

    private static ToolRun run(String... args) {
        List<String> all = new ArrayList<>(List.of("fio", "--rw=randrw", "--size=256k", "--iodepth=4"));
        all.addAll(List.of(args));
        ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), all.toArray(String[]::new));
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    private static List<String> percentileLines(String out, String name) {
        List<String> lines = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^    " + name + " percentiles \\((nsec|usec|msec)\\):\\n((     \\|.*\\n)+)")
                .matcher(out);
        while (m.find()) {
            lines.add(m.group(2));
        }
        return lines;
    }

    @Test
    void normalReportShowsTheLatenciesAskedFor() {
        String out = run("--slat_percentiles=1", "--clat_percentiles=0", "--lat_percentiles=1",
                "--percentile_list=99:50").out();
        assertEquals(2, percentileLines(out, "slat").size(), "read and write: " + out);
        assertEquals(2, percentileLines(out, "lat").size(), out);
        assertEquals(List.of(), percentileLines(out, "clat"), "clat_percentiles=0");
        String line = percentileLines(out, "lat").get(0);
        assertTrue(line.matches("     \\|  50th=\\[ *\\d+\\],  99th=\\[ *\\d+\\]\\n"), "sorted, no decimals: " + line);
        String def = run().out();
        assertEquals(2, percentileLines(def, "clat").size(), "clat's by default");
        assertEquals(List.of(), percentileLines(def, "lat"));
        assertTrue(percentileLines(def, "clat").get(0).startsWith("     |  1.00th=["), def);
        assertTrue(percentileLines(run("--percentile_list=99.9:50").out(), "clat").get(0)
                .startsWith("     | 50.0th=["), "one decimal, as the list has");
    }

    @Test
    void jsonPutsPercentilesAndJsonPlusBinsWhereAskedFor() throws Exception {
        JsonNode read = json.readTree(run("--output-format=json+", "--slat_percentiles", "--lat_percentiles",
                "--clat_percentiles=0", "--percentile_list=50:99:99.9").out()).get("jobs").get(0).get("read");
        for (String lat : new String[] {"slat_ns", "lat_ns"}) {
            JsonNode p = read.get(lat).get("percentile");
            assertEquals(List.of("50.000000", "99.000000", "99.900000"), fieldNames(p), lat);
            assertTrue(read.get(lat).get("bins").size() > 0, lat + " bins (json+)");
        }
        assertNull(read.get("clat_ns").get("percentile"));
        assertNull(read.get("clat_ns").get("bins"), "as fio: bins only where the percentiles are");
        JsonNode plain = json.readTree(run("--output-format=json", "--lat_percentiles").out()).get("jobs").get(0)
                .get("write");
        assertEquals(17, plain.get("clat_ns").get("percentile").size(), "clat's stay on");
        assertEquals(17, plain.get("lat_ns").get("percentile").size());
        assertNull(plain.get("lat_ns").get("bins"), "json has no bins");
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The terse line and the JSON report of one run. */
    private record TerseAndJson(String[] terse, JsonNode read) {
    }

    private TerseAndJson terseAndJson(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--output-format=terse,json"));
        all.addAll(List.of(args));
        String out = run(all.toArray(String[]::new)).out();
        int json = out.indexOf("{");
        return new TerseAndJson(out.substring(0, json).strip().split(";", -1),
                this.json.readTree(out.substring(json)).get("jobs").get(0).get("read"));
    }

    @Test
    void terseGivesLatPercentilesWithLatPercentilesAndNoneWithout() throws Exception {
        TerseAndJson lat = terseAndJson("--lat_percentiles", "--percentile_list=50:99");
        TerseAndJson clat = terseAndJson("--percentile_list=50:99");
        assertEquals(130, lat.terse().length);
        for (int i = 0; i < 2; i++) {
            String key = i == 0 ? "50.000000" : "99.000000";
            assertEquals(key + "%=" + lat.read().get("lat_ns").get("percentile").get(key).asLong() / 1000,
                    lat.terse()[17 + i], "lat_percentiles: lat's, in us (field " + (18 + i) + ")");
            assertEquals(key + "%=" + clat.read().get("clat_ns").get("percentile").get(key).asLong() / 1000,
                    clat.terse()[17 + i], "else clat's");
        }
        String[] none = terseAndJson("--clat_percentiles=0").terse();
        for (int i = 17; i < 37; i++) {
            assertEquals("0%=0", none[i], "clat_percentiles=0: field " + (i + 1));
        }
    }

    @Test
    void percentileListIsCheckedAsFioDoes() {
        for (String bad : new String[] {"0:50", "101", "50:abc"}) {
            ToolRun r = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--percentile_list=" + bad);
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("'--percentile_list'"), r.err());
        }
        ToolRun zero = ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--percentile_list=0:50");
        assertTrue(zero.err().contains("fio ends the list at a 0"), zero.err());
    }

    @Test
    void severalOutputFormatsPrintEachOnceInFiosOrder() throws Exception {
        String out = run("--name=both", "--output-format=json,normal,terse").out();
        int header = out.indexOf("both: (g=0): rw=randrw");
        int terse = out.indexOf("\n3;");
        int jsonStart = out.indexOf("\n{\n");
        int jsonEnd = out.indexOf("\n}\n");
        int normal = out.indexOf("both: (groupid=0");
        assertTrue(header == 0 && header < terse && terse < jsonStart && jsonEnd < normal, out);
        JsonNode job = json.readTree(out.substring(jsonStart, jsonEnd + 2)).get("jobs").get(0);
        assertEquals("both", job.get("jobname").asText());
        assertNull(job.get("read").get("clat_ns").get("bins"));
        assertTrue(out.contains("Run status group 0 (all jobs):"), out);
        String plus = run("--output-format=json,json+").out();
        assertEquals(1, plus.split("\"fio version\"", -1).length - 1, "one JSON report: " + plus);
        assertTrue(plus.contains("\"bins\""), "with json+'s bins");
        String appended = run("--name=t", "--append-terse").out();
        assertTrue(appended.contains("\n3;" + dev.nvme4j.tool.Main.VERSION + ";t;")
                && appended.contains("t: (groupid=0"), appended);
        assertFalse(ToolRun.run(() -> new FakeController(4096, 4096), "fio", "--output-format=normal,xml").exit() == 0);
    }
}
