package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.inspect.Fields;
import dev.nvme4j.tool.inspect.Identify;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * nvme4j's id-ctrl, id-ns, smart-log and error-log against nvme-cli 2.3's own output of the same
 * bytes: QEMU 7.2's controller, captured in the VM through the kernel driver (the fixture's
 * README says how). The raw structures go through the tool; the normal, {@code -H} and JSON
 * output must equal nvme-cli's line for line and field for field.
 */
class NvmeCliParityTest {
    private static final String DIR = "/nvme-cli/qemu-7.2/";
    private final ObjectMapper json = new ObjectMapper();

    static byte[] bytes(String name) {
        try (InputStream in = NvmeCliParityTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    private FakeController qemu() {
        FakeController f = new FakeController(131072, 512);
        f.setIdentify(bytes("id-ctrl.bin"), bytes("id-ns1.bin"));
        byte[] errors = new byte[64 * 64];
        System.arraycopy(bytes("error-log.bin"), 0, errors, 0, 64);
        f.setLogPages(bytes("smart-log.bin"), errors);
        return f;
    }

    private String tool(String... args) {
        ToolRun r = ToolRun.run(this::qemu, args);
        assertEquals(0, r.exit(), r.toString());
        return r.out().replace("device:fake", "device:nvme0");
    }

    /** Line by line, so a failure names the first differing line. */
    static void assertSameLines(String expected, String actual, String what) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < Math.min(e.length, a.length); i++) {
            assertEquals(e[i], a[i], what + ": line " + (i + 1));
        }
        assertEquals(e.length, a.length, what + ": line count\n" + actual);
    }

    /** Every field of nvme-cli's JSON is in ours with the same JSON type and value, and ours has no other. */
    static void assertSameJson(JsonNode expected, JsonNode actual, String path) {
        assertSameJson(expected, actual, path, true);
    }

    /** As above; without {@code values}, only the names, JSON types and array sizes must match. */
    static void assertSameJson(JsonNode expected, JsonNode actual, String path, boolean values) {
        assertEquals(expected.getNodeType(), actual.getNodeType(), path + ": JSON type");
        if (expected.isObject()) {
            List<String> names = new ArrayList<>();
            expected.fieldNames().forEachRemaining(names::add);
            List<String> ours = new ArrayList<>();
            actual.fieldNames().forEachRemaining(ours::add);
            assertEquals(names.stream().sorted().toList(), ours.stream().sorted().toList(), path + ": field names");
            for (String n : names) {
                assertSameJson(expected.get(n), actual.get(n), path + "." + n, values);
            }
        } else if (expected.isArray()) {
            assertEquals(expected.size(), actual.size(), path + ": entries");
            Iterator<JsonNode> a = actual.elements();
            int i = 0;
            for (JsonNode e : expected) {
                assertSameJson(e, a.next(), path + "[" + i++ + "]", values);
            }
        } else if (!values) {
            return;
        } else if (expected.isNumber()) {
            assertTrue(actual.isIntegralNumber(), path + ": a number, was " + actual);
            assertEquals(expected.bigIntegerValue(), actual.bigIntegerValue(), path);
        } else {
            assertEquals(expected, actual, path);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"id-ctrl", "id-ns", "smart-log", "error-log"})
    void jsonEqualsNvmeCli(String command) throws Exception {
        String fixture = command.equals("id-ns") ? "id-ns1" : command;
        JsonNode expected = json.readTree(text(fixture + ".json"));
        JsonNode actual = json.readTree(tool(command, "-o", "json"));
        assertSameJson(expected, actual, command);
    }

    @Test
    void smartLogHumanJsonDecodesCriticalWarning() throws Exception {
        assertSameJson(json.readTree(text("smart-log.H.json")), json.readTree(tool("smart-log", "-o", "json", "-H")),
                "smart-log -H");
    }

    @ParameterizedTest
    @ValueSource(strings = {"id-ctrl", "id-ns", "smart-log", "error-log"})
    void normalOutputEqualsNvmeCli(String command) {
        String fixture = command.equals("id-ns") ? "id-ns1" : command;
        assertSameLines(text(fixture + ".normal"), tool(command), command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id-ctrl", "id-ns", "smart-log"})
    void humanReadableEqualsNvmeCli(String command) {
        String fixture = command.equals("id-ns") ? "id-ns1" : command;
        assertSameLines(text(fixture + ".H"), tool(command, "-H"), command + " -H");
    }

    @Test
    void fourKiBNamespaceWithOtherFormatInUse() throws Exception {
        byte[] ns2 = bytes("id-ns2.bin");
        Fields f = Identify.namespace(ns2);
        StringWriter s = new StringWriter();
        PrintWriter out = new PrintWriter(s);
        out.print("NVME Identify Namespace 2:\n");
        f.printText(out, 8, false);
        out.flush();
        assertSameLines(text("id-ns2.normal"), s.toString(), "id-ns 2");
        s.getBuffer().setLength(0);
        out.print("NVME Identify Namespace 2:\n");
        f.printText(out, 8, true);
        out.flush();
        assertSameLines(text("id-ns2.H"), s.toString(), "id-ns 2 -H");
        assertSameJson(json.readTree(text("id-ns2.json")), f.json(), "id-ns 2");
        assertTrue(s.toString().contains("lbaf  4") || s.toString().contains("LBA Format  4"));
    }
}
