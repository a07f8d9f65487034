package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.Opcodes;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * format with nvme-cli 2.3's options: --lbaf defaulting to the namespace's current format,
 * --pi/--pil/--ms as values 0-1 (the bare flags meaning 1), --reset, --timeout/-t.
 */
class FormatOptionsOnMockTest {
    private static MockController mock(ExecutionMode mode) {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(256, 512)).mode(mode).build());
    }

    private static ToolRun on(MockController m, String... args) {
        return ToolRun.run((d, o) -> Nvme.open(m, o), args);
    }

    private static Namespace ns(MockController m) {
        try (Controller c = Nvme.open(m)) {
            return c.namespace(1);
        }
    }

    @Test
    void withoutLbafTheCurrentFormatIsKeptAndTheNamespaceErased() {
        try (MockController m = mock(ExecutionMode.DETERMINISTIC)) {
            byte[] block = new byte[4096];
            Arrays.fill(block, (byte) 0x6B);
            assertEquals(0, on(m, "format", "--block-size=4096", "--force").exit());
            assertEquals(0, ToolRun.run((d, o) -> Nvme.open(m, o), block, "write", "-s", "3").exit());
            ToolRun r = on(m, "format", "--force");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("Success formatting namespace:1\n", r.out());
            assertEquals(4096, ns(m).lbaSize(), "still LBA format 2, the current one");
            r = on(m, "read", "-s", "3");
            assertArrayEquals(new byte[4096], r.binary(), "erased");
            r = on(m, "format", "-n", "0xffffffff", "--force");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("Success formatting namespace:ffffffff\n", r.out());
            assertEquals(512, ns(m).lbaSize(), "all namespaces without --lbaf: format 0, as nvme-cli");
        }
    }

    @Test
    void protectionAndExtendedLbaTakeValuesAsNvmeCli() {
        try (MockController m = mock(ExecutionMode.DETERMINISTIC)) {
            ToolRun r = on(m, "format", "-l", "1", "--pi=1", "--pil=1", "--ms=1", "--force");
            assertEquals(0, r.exit(), r.toString());
            Namespace ns = ns(m);
            assertEquals(1, ns.protectionType());
            assertTrue(ns.protectionFirst(), "--pil=1: first 8 bytes");
            assertTrue(ns.extendedLba(), "--ms=1");
            r = on(m, "format", "-l", "1", "-i", "3", "--pil", "0", "--ms=0", "--force");
            assertEquals(0, r.exit(), r.toString());
            ns = ns(m);
            assertEquals(3, ns.protectionType());
            assertTrue(!ns.protectionFirst() && !ns.extendedLba(), ns.describeFormat());
            r = on(m, "format", "-l", "1", "-i", "1", "-p", "-m", "--force");
            assertEquals(0, r.exit(), "the bare flags mean 1: " + r);
            ns = ns(m);
            assertTrue(ns.protectionFirst() && ns.extendedLba(), ns.describeFormat());
            r = on(m, "format", "-l", "1", "--pil=2", "--force");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--pil and --ms are 0 or 1; got 2 and 0"), r.err());
            assertEquals(1, ns(m).protectionType(), "nothing changed");
        }
    }

    @Test
    void resetAfterTheFormat() {
        try (MockController m = mock(ExecutionMode.DETERMINISTIC)) {
            AtomicReference<Controller> opened = new AtomicReference<>();
            ToolRun r = ToolRun.run((d, o) -> {
                Controller c = Nvme.open(m, o);
                opened.set(c);
                return c;
            }, "format", "-l", "2", "--reset", "--force");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("Success formatting namespace:1\n", r.out());
            assertEquals(1, opened.get().counters().resets(), "--reset: one controller reset");
            r = ToolRun.run((d, o) -> {
                Controller c = Nvme.open(m, o);
                opened.set(c);
                return c;
            }, "format", "-l", "0", "--force");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(0, opened.get().counters().resets(), "no reset without --reset");
        }
    }

    @Test
    void timeoutBoundsTheFormatCommand() {
        try (MockController m = mock(ExecutionMode.THREADED)) {
            m.faults().hangCommands(FaultMatch.any().queue(0).opcode(Opcodes.ADMIN_FORMAT_NVM), false);
            long start = System.nanoTime();
            ToolRun r = on(m, "format", "-l", "2", "-t", "200", "--force");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("nvme4j: format: "), r.err());
            assertTrue(millis < 8_000, "the format's own 200 ms, not the driver's 10 s admin timeout: " + millis);
            m.faults().clear();
            assertEquals(512, ns(m).lbaSize(), "the format that timed out changed nothing");
            r = on(m, "format", "-l", "2", "--timeout=0", "--force");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Invalid value for option '--timeout': 0 (1-4294967295 ms)"), r.err());
        }
    }
}
