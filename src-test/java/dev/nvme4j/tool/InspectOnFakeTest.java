package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.tool.inspect.ErrorLogEntry;
import dev.nvme4j.tool.inspect.SmartLog;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Log page parsing (figures 205 and 207) and the inspection commands' output. */
class InspectOnFakeTest {
    private final ObjectMapper json = new ObjectMapper();

    static byte[] smartPage() {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 0x04);            // critical warning: reliability degraded
        b.putShort(1, (short) 310);       // 310 K
        b.put(3, (byte) 97).put(4, (byte) 10).put(5, (byte) 3);
        b.putLong(32, 123456);            // data units read
        b.putLong(40, 1);                 // high half of the 128-bit counter
        b.putLong(48, 2000);              // data units written
        b.putLong(64, 11).putLong(80, 22).putLong(96, 33).putLong(112, 44).putLong(128, 55);
        b.putLong(144, 66).putLong(160, 77).putLong(176, 88);
        b.putInt(192, 5).putInt(196, 6);
        b.putShort(200, (short) 300);
        return b.array();
    }

    static byte[] errorPage() {
        ByteBuffer b = ByteBuffer.allocate(64 * 64).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 9);                  // error count
        b.putShort(8, (short) 1);         // sqid
        b.putShort(10, (short) 0x2a);     // cmdid
        b.putShort(12, (short) ((0x0281 << 1) | 1)); // Unrecovered Read Error, phase 1
        b.putShort(14, (short) 0x28);
        b.putLong(16, 4242);              // lba
        b.putInt(24, 1);                  // nsid
        return b.array();
    }

    @Test
    void smartLogFields() {
        SmartLog s = SmartLog.parse(smartPage());
        assertEquals(4, s.criticalWarning());
        assertEquals(310, s.temperatureKelvin());
        assertEquals(97, s.availableSpare());
        assertEquals(BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(123456)), s.dataUnitsRead());
        assertEquals(BigInteger.valueOf(55), s.powerOnHours());
        assertEquals(BigInteger.valueOf(77), s.mediaErrors());
        assertEquals(BigInteger.valueOf(88), s.numErrLogEntries());
        assertEquals(300, s.temperatureSensors()[0]);
    }

    @Test
    void errorLogEntryFields() {
        ErrorLogEntry e = ErrorLogEntry.parse(errorPage(), 0);
        assertEquals(9, e.errorCount());
        assertEquals(1, e.sqid());
        assertEquals(0x2a, e.cmdid());
        assertEquals(0x0281, e.statusField());
        assertEquals(1, e.phaseTag());
        assertEquals(4242, e.lba());
        assertEquals(1, e.nsid());
    }

    private FakeController fake() {
        FakeController f = new FakeController(4096, 4096);
        f.setLogPages(smartPage(), errorPage());
        return f;
    }

    @Test
    void smartLogCommand() throws Exception {
        ToolRun r = ToolRun.run(this::fake, "smart-log", "--output-format=json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode n = json.readTree(r.out());
        assertEquals(4, n.get("critical_warning").asInt());
        assertEquals(310, n.get("temperature").asInt());
        assertEquals(97, n.get("avail_spare").asInt());
        assertEquals(55, n.get("power_on_hours").asInt());
        assertEquals(66, n.get("unsafe_shutdowns").asInt());
        assertEquals(88, n.get("num_err_log_entries").asInt());
        r = ToolRun.run(this::fake, "smart-log");
        assertTrue(r.out().contains("temperature"), r.out());
        assertTrue(r.out().contains("temperature\t\t\t\t: 37°C (310 Kelvin)"), "nvme-cli's form: " + r.out());
    }

    @Test
    void errorLogCommandShowsTheEntriesAsked() throws Exception {
        ToolRun r = ToolRun.run(this::fake, "error-log", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode errors = json.readTree(r.out()).get("errors");
        assertEquals(64, errors.size(), "without Identify data: 64 entries, empty ones included as nvme-cli");
        r = ToolRun.run(this::fake, "error-log", "-o", "json", "--log-entries=2");
        errors = json.readTree(r.out()).get("errors");
        assertEquals(2, errors.size());
        assertEquals(0, errors.get(1).get("error_count").asInt());
        assertEquals(4242, errors.get(0).get("lba").asLong());
        assertEquals(0x0281, errors.get(0).get("status_field").asInt());
        r = ToolRun.run(this::fake, "error-log");
        assertTrue(r.out().contains("Unrecovered Read Error"), r.out());
    }

    @Test
    void idCtrlFallsBackToTheDriverSummary() throws Exception {
        ToolRun r = ToolRun.run(this::fake, "id-ctrl", "-o", "json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode n = json.readTree(r.out());
        assertEquals(0x1b36, n.get("vid").asInt());
        assertEquals("FAKE0001", n.get("sn").asText());
        assertEquals(5, n.get("mdts").asInt(), "128 KiB over 4 KiB pages is 2^5");
        r = ToolRun.run(this::fake, "list", "--device=mock");
        assertTrue(r.out().contains("fake/ns1"), r.out());
        assertTrue(r.out().contains("FAKE0001"), r.out());
    }
}
