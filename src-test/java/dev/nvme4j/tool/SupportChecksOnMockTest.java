package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import org.junit.jupiter.api.Test;

/**
 * "Not supported by this controller" comes from one place, the driver's {@link OptionalCommand}
 * check of Identify Controller: the typed API, the queue pair's Write Zeroes / Dataset Management
 * and the tool's commands say it the same way, and a format on a controller without Format NVM
 * says so before it looks at --lbaf.
 */
class SupportChecksOnMockTest {
    private static MockController mock(int oacs, int oncs) {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8).oacs(oacs)
                .oncs(oncs).build());
    }

    @Test
    void theDriverSaysWhichFieldRulesACommandOut() {
        try (MockController m = mock(0x1C, 0); Controller c = Nvme.open(m)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> c.management().requireSupported(OptionalCommand.FORMAT_NVM));
            assertEquals("Format NVM is not supported by this controller: Identify Controller OACS = 0x1c, bit 1 is 0",
                    e.getMessage());
            c.management().requireSupported(OptionalCommand.DEVICE_SELF_TEST);
            try (IoQueuePair qp = c.createQueuePair()) {
                e = assertThrows(UnsupportedOperationException.class,
                        () -> qp.writeZeroes(c.namespace(1), 0, 1, (tag, status) -> { }, 0));
                assertEquals("Write Zeroes is not supported by this controller: Identify Controller ONCS = 0x0, bit 3"
                        + " is 0", e.getMessage(), "the queue pair's check is the same one");
            }
        }
    }

    @Test
    void formatSaysNotSupportedBeforeCheckingTheLbaFormat() {
        try (MockController m = mock(0x1C, 0x0C)) {
            ToolRun r = ToolRun.run(() -> Nvme.open(m), "format", "--lbaf=9", "--force");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("format: Format NVM is not supported by this controller: Identify Controller"
                    + " OACS = 0x1c, bit 1 is 0"), r.err());
            r = ToolRun.run(() -> Nvme.open(m), "format", "--lbaf=2", "--force");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("Format NVM is not supported"), r.err());
            r = ToolRun.run(() -> Nvme.open(m), "fw-log");
            assertEquals(0, r.exit(), "the rest of the controller works: " + r);
            try (Controller c = Nvme.open(m)) {
                assertEquals(512, c.namespace(1).lbaSize(), "nothing was formatted");
            }
        }
        try (MockController m = mock(0x1E, 0x0C)) {
            ToolRun r = ToolRun.run(() -> Nvme.open(m), "format", "--lbaf=9", "--force");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Invalid value for option '--lbaf': 9; the namespace has LBA formats 0-4"),
                    "with Format NVM, the index is checked: " + r.err());
        }
    }

    @Test
    void theToolsIoCommandsUseTheDriversCheck() {
        try (MockController m = mock(0x1E, 0x08)) {
            ToolRun r = ToolRun.run(() -> Nvme.open(m), "dsm", "--slbs=0", "--blocks=1", "--ad");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("dsm: Dataset Management is not supported by this controller: Identify"
                    + " Controller ONCS = 0x8, bit 2 is 0"), r.err());
            r = ToolRun.run(() -> Nvme.open(m), "write-zeroes", "-s", "0", "-c", "0");
            assertEquals(0, r.exit(), r.toString());
            r = ToolRun.run(() -> Nvme.open(m), "resv-report", "-n", "1");
            assertTrue(r.err().contains("resv-report: Reservations is not supported by this controller: Identify"
                    + " Controller ONCS = 0x8, bit 5 is 0"), r.err());
        }
    }
}
