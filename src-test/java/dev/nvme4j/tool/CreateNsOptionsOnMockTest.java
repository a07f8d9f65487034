package dev.nvme4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultMatch;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * create-ns with nvme-cli 2.3's --nsze-si/--ncap-si, --flbas as the FLBAS byte, --anagrp-id,
 * --nvmset-id, --csi, --lbstm and --timeout: the values reach the controller (the mock, with no
 * ANA, no NVM Sets and only the NVM Command Set, refuses the others) and a refused create
 * allocates nothing.
 */
class CreateNsOptionsOnMockTest {
    private static MockController mock(ExecutionMode mode) {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8).mode(mode)
                .build());
    }

    private static ToolRun on(MockController m, String... args) {
        return ToolRun.run((d, o) -> Nvme.open(m, o), args);
    }

    private static byte[] allocated(MockController m, int nsid) {
        try (Controller c = Nvme.open(m)) {
            return c.management().identifyAllocatedNamespace(nsid);
        }
    }

    @Test
    void siSizesAndTheFlbasByte() {
        try (MockController m = mock(ExecutionMode.DETERMINISTIC)) {
            ToolRun r = on(m, "create-ns", "--nsze-si=1M", "--flbas=0");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("create-ns: Success, created nsid:2\n", r.out());
            ByteBuffer id = ByteBuffer.wrap(allocated(m, 2)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(1_000_000 / 512, id.getLong(IdentifyLayout.NS_NSZE), "1M bytes in 512-byte blocks");
            assertEquals(1_000_000 / 512, id.getLong(IdentifyLayout.NS_NCAP), "the capacity defaults to the size");
            r = on(m, "create-ns", "-S", "0.5M", "-C", "0.5M", "-f", "0x11");
            assertEquals(0, r.exit(), r.toString());
            id = ByteBuffer.wrap(allocated(m, 3)).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0x11, id.get(IdentifyLayout.NS_FLBAS) & 0xFF, "format 1 (512+8) with bit 4, extended");
            assertEquals(500_000 / 520, id.getLong(IdentifyLayout.NS_NSZE), "divided by block and metadata size");
            r = on(m, "create-ns", "--nsze-si=100", "--flbas=0");
            assertEquals(0, r.exit(), r.toString());
            assertEquals(100, ByteBuffer.wrap(allocated(m, 4)).order(ByteOrder.LITTLE_ENDIAN)
                    .getLong(IdentifyLayout.NS_NSZE), "no suffix: blocks");

            r = on(m, "create-ns", "--nsze=10", "--nsze-si=1M");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Invalid specification of both nsze and its SI argument"), r.err());
            r = on(m, "create-ns", "--nsze-si=1X");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("Expected long suffixed integer argument for '--nsze-si' but got '1X'!"),
                    r.err());
            r = on(m, "create-ns", "--ncap=10");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("give the size: --nsze=BLOCKS or --nsze-si=SIZE"), r.err());
            r = on(m, "list-ns", "--all");
            assertEquals("[   0]:0x1\n[   1]:0x2\n[   2]:0x3\n[   3]:0x4\n", r.out(), "the refused ones made nothing");
        }
    }

    @Test
    void anaGroupNvmSetAndCommandSetReachTheController() {
        try (MockController m = mock(ExecutionMode.DETERMINISTIC)) {
            ToolRun r = on(m, "create-ns", "-s", "64", "--anagrp-id=1");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("create-ns: NVMe status: ANA Group Identifier Invalid"), r.err());
            r = on(m, "create-ns", "-s", "64", "-i", "1");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("create-ns: NVMe status: Invalid Field in Command"), "no NVM Sets: " + r);
            r = on(m, "create-ns", "-s", "64", "-y", "2");
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().contains("create-ns: NVMe status: I/O Command Set Not Supported"), r.err());
            r = on(m, "create-ns", "-s", "64", "-a", "0", "-i", "0", "-y", "0", "--lbstm=0");
            assertEquals(0, r.exit(), r.toString());
            assertEquals("create-ns: Success, created nsid:2\n", r.out(), "only this one was created");
            r = on(m, "create-ns", "-s", "64", "--nvmset-id=0x10000");
            assertEquals(2, r.exit(), r.toString());
            assertTrue(r.err().contains("--anagrp-id is 32 bits, --nvmset-id 16 and --csi 8"), r.err());
        }
    }

    @Test
    void timeoutBoundsTheCommand() {
        try (MockController m = mock(ExecutionMode.THREADED)) {
            m.faults().hangCommands(FaultMatch.any().queue(0).opcode(Opcodes.ADMIN_NAMESPACE_MANAGEMENT), false);
            long start = System.nanoTime();
            ToolRun r = on(m, "create-ns", "-s", "64", "-t", "200");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(1, r.exit(), r.toString());
            assertTrue(r.err().startsWith("nvme4j: create-ns: "), r.err());
            assertTrue(millis < 8_000, "the command's 200 ms, not the driver's 10 s: " + millis + " ms");
        }
    }
}
