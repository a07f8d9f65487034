package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.fio.JobFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fio job files: the format, how they combine with the command line, and their errors. */
class JobFileTest {
    private final ObjectMapper json = new ObjectMapper();
    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines));
        return p;
    }

    private static ToolRun onFake(String... args) {
        return ToolRun.run(() -> new FakeController(4096, 4096), args);
    }

    private static ToolRun withoutDevice(String... args) {
        AtomicBoolean opened = new AtomicBoolean();
        ToolRun r = ToolRun.run((d, o) -> {
            opened.set(true);
            throw new AssertionError("the device must not be opened for this input");
        }, args);
        assertFalse(opened.get(), "the device must not be opened for this input");
        return r;
    }

    private JsonNode jobs(ToolRun r) throws IOException {
        assertEquals(0, r.exit(), r.toString());
        return json.readTree(r.out()).get("jobs");
    }

    @Test
    void theFormatAsFioReadsIt() throws IOException {
        file("common.inc", "iodepth=8   ; from the included file");
        Path job = file("a.fio",
                "; a comment", "# another", "",
                "[global]",
                "  bs = ${BS}  # the value from the environment",
                "size=1m",
                "time_based",
                "include common.inc",
                "[first job]",
                "rw=randread",
                "direct=1\t; inline comment after a tab");
        List<JobFile.Section> sections = new JobFile(Map.of("BS", "8k")::get).read(job);
        assertEquals(2, sections.size());
        assertTrue(sections.get(0).global());
        List<String> args = new ArrayList<>();
        sections.get(0).entries().forEach(e -> args.add(e.asArg()));
        assertEquals(List.of("--bs=8k", "--size=1m", "--time_based", "--iodepth=8"), args,
                "${VAR} from the environment, bare flags, include");
        Path unset = file("b.fio", "[job]", "bs=${UNSET_BS}");
        // fio 3.33: "failed parsing bs=${UNSET_BS}", the job is dropped
        ToolException e = assertThrows(ToolException.class, () -> new JobFile(Map.of("BS", "8k")::get).read(unset));
        assertTrue(e.getMessage().contains("b.fio:2: ${UNSET_BS} is not set in the environment"), e.getMessage());
        assertEquals("first job", sections.get(1).name());
        assertEquals("direct", sections.get(1).entries().get(1).key());
        assertEquals("1", sections.get(1).entries().get(1).value());
        assertNull(sections.get(0).entries().get(2).value(), "a bare flag has no value");
        assertTrue(sections.get(1).entries().get(0).origin().endsWith("a.fio:10"), "file:line");
    }

    @Test
    void formatErrorsNameFileAndLine() throws IOException {
        JobFile reader = new JobFile(k -> null);
        Path outside = file("o.fio", "; x", "bs=4k", "[j]");
        ToolException e = assertThrows(ToolException.class, () -> reader.read(outside));
        assertTrue(e.getMessage().contains("o.fio:2: option 'bs=4k' outside of a [section]"), e.getMessage());
        file("sect.inc", "[nested]");
        Path inc = file("i.fio", "[j]", "include sect.inc");
        e = assertThrows(ToolException.class, () -> reader.read(inc));
        assertTrue(e.getMessage().contains("sect.inc:1: an included file may not start a new section"), e.getMessage());
        e = assertThrows(ToolException.class, () -> reader.read(dir.resolve("missing.fio")));
        assertTrue(e.getMessage().contains("missing.fio: it does not exist"), e.getMessage());
        assertEquals(ToolException.USAGE, e.exitCode());
    }

    @Test
    void sectionsAreJobsAndGlobalAppliesToTheSectionsAfterIt() throws IOException {
        Path job = file("jobs.fio",
                "[global]", "size=256k", "bs=8k", "ioengine=libaio", "direct=1",
                "[writer]", "rw=write", "iodepth=4",
                "[reader]", "stonewall", "rw=randread", "bs=16k");
        ToolRun r = onFake("fio", "--output-format=json", job.toString());
        JsonNode jobs = jobs(r);
        assertEquals(2, jobs.size(), r.out());
        JsonNode w = jobs.get(0);
        JsonNode rd = jobs.get(1);
        assertEquals("writer", w.get("jobname").asText());
        assertEquals(0, w.get("groupid").asInt());
        assertEquals(256 * 1024, w.get("write").get("io_bytes").asLong());
        assertEquals(32, w.get("write").get("total_ios").asLong(), "bs=8k from [global]");
        assertEquals("4", w.get("job options").get("iodepth").asText());
        assertEquals("reader", rd.get("jobname").asText());
        assertEquals(1, rd.get("groupid").asInt(), "a stonewall starts a new group");
        assertEquals(16, rd.get("read").get("total_ios").asLong(), "the section's bs=16k wins over [global]");
        assertTrue(r.err().contains("nvme4j: note: ioengine=libaio does not apply"), r.err());
    }

    @Test
    void commandLineOptionsAreDefaultsThatTheJobFileOverrides() throws IOException {
        // As in fio: options before the job file change the defaults; what the file says wins.
        Path job = file("d.fio", "[global]", "bs=8k", "[j]", "rw=write");
        JsonNode j = jobs(onFake("fio", "--bs=16k", "--size=128k", "--output-format=json", job.toString())).get(0);
        assertEquals(16, j.get("write").get("total_ios").asLong(), "size from the command line, bs from the file");
    }

    @Test
    void commandLineDefaultsApplyToTheFirstJobFileOnly() throws IOException {
        // fio 3.33: "fio --bs=8k a.fio b.fio" runs a with bs=8k and b with the default 4k (fio
        // resets its defaults before each job file after the first).
        Path a = file("a.fio", "[a]", "rw=write", "size=64k");
        Path b = file("b.fio", "[b]", "rw=write", "size=64k");
        JsonNode jobs = jobs(onFake("fio", "--bs=8k", "--output-format=json", a.toString(), b.toString()));
        assertEquals(8, jobs.get(0).get("write").get("total_ios").asLong(), "bs=8k from the command line");
        assertEquals(16, jobs.get(1).get("write").get("total_ios").asLong(), "the second file: fio's default bs=4k");
    }

    @Test
    void namesOnTheCommandLineStartJobs() throws IOException {
        JsonNode jobs = jobs(onFake("fio", "--size=64k", "--name=a", "--readwrite=write", "--name=b",
                "--rw=readwrite", "--blocksize=8k", "--output-format=json"));
        assertEquals(2, jobs.size());
        assertEquals("a", jobs.get(0).get("jobname").asText());
        assertEquals(16, jobs.get(0).get("write").get("total_ios").asLong(), "--size before --name applies to both");
        assertEquals("b", jobs.get(1).get("jobname").asText());
        assertEquals("rw", jobs.get(1).get("job options").get("rw").asText(), "readwrite is fio's rw");
        assertEquals(8, jobs.get(1).get("read").get("total_ios").asLong() + jobs.get(1).get("write")
                .get("total_ios").asLong(), "blocksize=8k");
    }

    @Test
    void sectionPicksJobsAndShowcmdPrintsTheCommandLine() throws IOException {
        Path job = file("s.fio", "[global]", "size=64k", "[one]", "rw=write", "[two]", "rw=read", "time_based=0");
        JsonNode jobs = jobs(onFake("fio", "--section=two", "--output-format=json", job.toString()));
        assertEquals(1, jobs.size());
        assertEquals("two", jobs.get(0).get("jobname").asText());
        ToolRun r = withoutDevice("fio", "--section=three", job.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("no job is called three (--section)"), r.toString());
        r = withoutDevice("fio", "--showcmd", job.toString());
        assertEquals(0, r.exit(), r.toString());
        assertEquals("nvme4j fio --size=64k --name=one --rw=write --name=two --rw=read --time_based=0",
                r.out().strip());
    }

    @Test
    void unknownAndUnsupportedOptionsFailNamingFileLineAndWhy() throws IOException {
        Path job = file("u.fio", "[j]", "rw=read", "iodpeth=4");
        ToolRun r = withoutDevice("fio", job.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("u.fio:3: unknown option 'iodpeth'"), r.toString());
        job = file("v.fio", "[j]", "zonemode=zbd");
        r = withoutDevice("fio", job.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("v.fio:2: fio's option 'zonemode' is not supported: "), r.toString());
        job = file("w.fio", "[j]", "bs=4q");
        r = withoutDevice("fio", job.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("w.fio:2: Invalid value for option '--bs'"), r.toString());
        job = file("x.fio", "[j]", "mock-capacity=1g");
        r = withoutDevice("fio", job.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("x.fio:2: unknown option 'mock-capacity' in a job file (give it on the command "
                + "line)"), r.toString());
    }

    @Test
    void filenameNamesTheDeviceUnlessDeviceIsGiven() throws IOException {
        Path job = file("f.fio", "[j]", "filename=/dev/nvme0n1", "size=64k");
        ToolRun r = withoutDevice("fio", job.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--filename': expected 'mock', the PCI address"),
                r.toString());
        assertTrue(r.err().contains("--device=mock"), "says how to run it on the mock: " + r);
        assertEquals(0, onFake("fio", "--device=mock", job.toString()).exit(), "--device wins over filename=");
        Path two = file("g.fio", "[a]", "filename=0000:01:00.0", "[b]", "filename=mock");
        r = withoutDevice("fio", two.toString());
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("the jobs name different devices"), r.toString());
    }

    @Test
    void outputWritesTheReportToAFile() throws IOException {
        Path out = dir.resolve("report.json");
        ToolRun r = onFake("fio", "--size=64k", "--output-format=json", "--output=" + out);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("", r.out().strip(), "nothing on stdout");
        assertEquals(16, json.readTree(out.toFile()).get("jobs").get(0).get("read").get("total_ios").asLong());
    }
}
