package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Management;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.tool.admin.ResvReportCommand;
import dev.nvme4j.tool.device.DeviceOpener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The normal, -v/-H and JSON output of self-test-log, device-self-test --wait, sanitize-log,
 * id-ns-granularity, list-ctrl, list-ns and resv-report in nvme-cli 2.3's layouts, on the mock.
 */
class ManagementOutputOnMockTest {
    private static final String DEV = "mock:NVME4J-MOCK-0001";
    private final ObjectMapper json = new ObjectMapper();

    private static ToolRun run(String... args) {
        return ToolRun.run(new DeviceOpener(), args);
    }

    private static MockController mock() {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8).build());
    }

    /** Runs the tool on a new controller of {@code m}: the mock's state carries over from run to run. */
    private static ToolRun on(MockController m, String... args) {
        ToolRun r = ToolRun.run(() -> Nvme.open(m), args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    @Test
    void selfTestLogListsEveryEntryAsNvmeCli() throws Exception {
        ToolRun r = run("self-test-log");
        assertEquals(0, r.exit(), r.toString());
        StringBuilder expected = new StringBuilder("Device Self Test Log for NVME device:" + DEV
                + "\nCurrent operation  : 0\nCurrent Completion : 0%\n");
        for (int i = 0; i < 20; i++) {
            expected.append("Self Test Result[").append(i).append("]:\n  Operation Result             : 0xf\n");
        }
        assertEquals(expected.toString(), r.out(), "nvme-cli shows all 20 entries, unused ones by their result");
        r = run("self-test-log", "-e", "2", "-o", "json");
        JsonNode root = json.readTree(r.out());
        assertEquals(0, root.get("Current Device Self-Test Operation").asInt(), r.out());
        assertEquals(0, root.get("Current Device Self-Test Completion").asInt(), r.out());
        assertEquals("[{\"Self test result\":15},{\"Self test result\":15}]",
                root.get("List of Valid Reports").toString());
    }

    @Test
    void selfTestResultsInNvmeCliLayout() throws Exception {
        try (MockController m = mock()) {
            ToolRun r = on(m, "device-self-test", "-s", "1", "-n", "0xffffffff", "--wait");
            assertTrue(r.out().startsWith("Short Device self-test started\nWaiting for self test completion...\n"),
                    r.out());
            assertTrue(r.out().endsWith("\r[" + "=".repeat(50) + "] 100%\n"), r.out());
            r = on(m, "device-self-test", "--self-test-code=0");
            assertEquals("no self test running\n", r.out());
            r = on(m, "self-test-log", "--dst-entries=2", "--verbose");
            assertEquals("Device Self Test Log for NVME device:" + DEV + "\nCurrent operation  : 0\n"
                    + "Current Completion : 0%\nSelf Test Result[0]:\n"
                    + "  Operation Result             : 0 Operation completed without error\n"
                    + "  Self Test Code               : 1 Short device self-test operation\n"
                    + "  Valid Diagnostic Information : 0x1\n"
                    + "  Power on hours (POH)         : 0\n"
                    + "  Namespace Identifier         : 0xffffffff\n"
                    + "  Vendor Specific              : 0 0\n"
                    + "Self Test Result[1]:\n  Operation Result             : 0xf Entry not used\n", r.out());
            r = on(m, "self-test-log", "-e", "1", "-o", "json");
            JsonNode e = json.readTree(r.out()).get("List of Valid Reports").get(0);
            assertEquals("{\"Self test result\":0,\"Self test code\":1,\"Segment number\":0,"
                    + "\"Valid Diagnostic Information\":1,\"Power on hours\":0,\"Namespace Identifier\":4294967295,"
                    + "\"Vendor Specific\":0}", e.toString(), "nvme-cli's keys, in its order");
        }
    }

    @Test
    void sanitizeLogNormalHumanAndJson() throws Exception {
        try (MockController m = mock()) {
            ToolRun r = on(m, "sanitize-log");
            assertEquals("Sanitize Progress                      (SPROG) :  65535\n"
                    + "Sanitize Status                        (SSTAT) :  0\n"
                    + "Sanitize Command Dword 10 Information (SCDW10) :  0\n"
                    + "Estimated Time For Overwrite                   :  4294967295 (No time period reported)\n"
                    + "Estimated Time For Block Erase                 :  0\n"
                    + "Estimated Time For Crypto Erase                :  4294967295 (No time period reported)\n"
                    + "Estimated Time For Overwrite (No-Deallocate)   :  4294967295 (No time period reported)\n"
                    + "Estimated Time For Block Erase (No-Deallocate) :  0\n"
                    + "Estimated Time For Crypto Erase (No-Deallocate):  4294967295 (No time period reported)\n",
                    r.out(), "SPROG is FFFFh whenever no sanitize is in progress");
            r = on(m, "sanitize", "--sanact=start-block-erase", "--no-dealloc", "--force");
            assertEquals("", r.out());
            r = on(m, "sanitize-log", "-H");
            assertTrue(r.out().contains("(SSTAT) :  0x4\n\t[2:0]\tMost Recent Sanitize Command (No-Deallocate After"
                    + " Sanitize) Completed Successfully.\n\t[7:3]\tNumber of completed passes if most recent"
                    + " operation was overwrite:\t0\n\t  [8]\tGlobal Data Erased cleared"), r.out());
            assertTrue(r.out().contains("(SCDW10) :  0x202\n"), r.out());
            r = on(m, "sanitize-log", "-o", "json");
            JsonNode dev = json.readTree(r.out()).get(DEV);
            assertEquals(65535, dev.get("sprog").asInt(), r.out());
            assertEquals("{\"global_erased\":0,\"no_cmplted_passes\":0,\"status\":\"(4) Most Recent Sanitize Command"
                    + " (No-Deallocate After Sanitize) Completed Successfully.\"}", dev.get("sstat").toString());
            assertEquals(0x202, dev.get("cdw10_info").asInt());
            assertEquals(4294967295L, dev.get("time_over_write").asLong());
            assertEquals(0, dev.get("time_block_erase_no_dealloc").asLong());
            assertEquals(9, dev.size(), "sprog, sstat, cdw10_info and the six estimates: " + r.out());
        }
        ToolRun r = run("sanitize", "-a", "start-block-erase", "-n", "2", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("--owpass, --oipbp and --ovrpat apply to --sanact=start-overwrite (3) only"),
                r.err());
        r = run("sanitize", "-a", "erase-it-all", "--force");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("Invalid value for option '--sanact': erase-it-all"), r.err());
    }

    @Test
    void granularityListCtrlAndListNs() throws Exception {
        ToolRun r = run("id-ns-granularity");
        assertEquals("Identify Namespace Granularity List:\n"
                + "   ATTR        : Namespace Granularity Attributes: 0x0\n"
                + "   NUMD        : Number of Descriptors           : 0\n"
                + "\n     Entry[ 0] :\n................\n"
                + "     NSG       : Namespace Size Granularity     : 0x100000\n"
                + "     NCG       : Namespace Capacity Granularity : 0x100000\n", r.out(), "NUMD is 0-based");
        r = run("id-ns-granularity", "-o", "json");
        assertEquals("{\"attributes\":0,\"num-descriptors\":0,\"namespace-granularity-list\":[{"
                + "\"namespace-size-granularity\":1048576,\"namespace-capacity-granularity\":1048576}]}",
                json.readTree(r.out()).toString());
        r = run("list-ctrl", "-o", "json");
        assertEquals("{\"num_ctrl\":1,\"ctrl_list\":[{\"ctrl_id\":1}]}", json.readTree(r.out()).toString());
        r = run("list-ctrl", "--cntid=2");
        assertEquals("num of ctrls present: 0\n", r.out());
        r = run("list-ns", "--mock-namespaces=3", "-n", "2");
        assertEquals("[   0]:0x2\n[   1]:0x3\n", r.out(), "from NSID 2 up");
        r = run("list-ns", "-n", "0");
        assertEquals(2, r.exit(), r.toString());
    }

    @Test
    void reservationStatusAsNvmeCli() throws Exception {
        byte[] data = new byte[24 + 2 * 24];
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 7);
        data[4] = 1; // write exclusive
        b.putShort(5, (short) 3); // three registrants, the buffer holds two
        data[9] = 1;
        b.putShort(24, (short) 1);
        data[26] = 1; // holds the reservation
        b.putLong(32, 0xABCDL);
        b.putLong(40, -1L);
        b.putShort(48, (short) 2);
        String text = render(data, false, false);
        assertEquals("\nNVME Reservation status:\n\ngen       : 7\nrtype     : 1\nregctl    : 3\nptpls     : 1\n"
                + "regctl[0] :\n  cntlid  : 1\n  rcsts   : 1\n  hostid  : abcd\n  rkey    : ffffffffffffffff\n"
                + "regctl[1] :\n  cntlid  : 2\n  rcsts   : 0\n  hostid  : 0\n  rkey    : 0\n\n", text,
                "only the registrants the transferred bytes hold");
        assertEquals("{\"gen\":7,\"rtype\":1,\"regctl\":3,\"ptpls\":1,\"regctls\":[{\"cntlid\":1,\"rcsts\":1,"
                + "\"hostid\":43981,\"rkey\":18446744073709551615},{\"cntlid\":2,\"rcsts\":0,\"hostid\":0,\"rkey\":0}]}",
                json.readTree(render(data, false, true)).toString());
        byte[] ext = new byte[64 + 64];
        ByteBuffer e = ByteBuffer.wrap(ext).order(ByteOrder.LITTLE_ENDIAN);
        e.putShort(5, (short) 1);
        e.putShort(64, (short) 5);
        e.putLong(80, 0x10L);
        for (int i = 0; i < 16; i++) {
            ext[96 + i] = (byte) (0xF0 + i);
        }
        assertTrue(render(ext, true, false).contains("regctlext[0] :\n  cntlid     : 5\n  rcsts      : 0\n"
                + "  rkey       : 10\n  hostid     : f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\n"), render(ext, true, false));
        assertEquals("[{\"cntlid\":5,\"rcsts\":0,\"rkey\":16,\"hostid\":\"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\"}]",
                json.readTree(render(ext, true, true)).get("regctlext").toString());
    }

    private static String render(byte[] data, boolean eds, boolean asJson) {
        StringWriter w = new StringWriter();
        ResvReportCommand.print(data, eds, asJson, new PrintWriter(w, true));
        return w.toString();
    }

    @Test
    void sanitizeStatusTypedThroughTheApi() {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            mg.sanitize(Management.SanitizeAction.BLOCK_ERASE, false, false, 0, false, 0, Confirm.DESTRUCTIVE);
            Management.SanitizeStatus st = mg.sanitizeStatus();
            assertEquals(new Management.SanitizeEstimates(Management.SanitizeStatus.NO_ESTIMATE, 0,
                    Management.SanitizeStatus.NO_ESTIMATE, Management.SanitizeStatus.NO_ESTIMATE, 0,
                    Management.SanitizeStatus.NO_ESTIMATE), st.estimates());
            assertEquals(0, st.completedPasses());
            assertEquals(false, st.globalDataErased());
        }
    }
}
