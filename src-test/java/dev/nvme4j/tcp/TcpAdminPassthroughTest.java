package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admin passthrough over NVMe/TCP with buffers larger than the command's transfer: as on PCIe,
 * where the controller moves only what the command defines, the transport sends the command's own
 * length in its SGL (a target such as nvmet, and {@link FakeTcpTarget}, refuses any other length
 * with Data SGL Length Invalid).
 */
class TcpAdminPassthroughTest {
    private FakeTcpTarget target;
    private Controller c;

    @BeforeEach
    void start() throws IOException {
        target = new FakeTcpTarget(4096);
        c = Nvme.open("tcp://127.0.0.1:" + target.address().getPort() + "/" + FakeTcpTarget.SUBNQN,
                TcpControllerApiTest.options(), TcpControllerApiTest.fabrics());
    }

    @AfterEach
    void stop() throws IOException {
        c.close();
        target.close();
        assertEquals(java.util.List.of(), target.errors, "the fake target saw no protocol error from the host");
    }

    private Completion run(RawCommand cmd, DmaBuffer buf) throws Exception {
        return c.adminPassthrough(cmd, buf).get(10, TimeUnit.SECONDS);
    }

    @Test
    void identifyIntoALargerBufferMovesItsFourKilobytes() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(16 * 1024)) {
            Completion done = run(RawCommand.of(0x06, 0).withCdw10(1), buf);
            assertEquals(0, done.status(), "Identify Controller into a 16 KiB buffer");
            assertEquals('n', buf.segment().get(ValueLayout.JAVA_BYTE, 24), "the model number arrived");
        }
    }

    @Test
    void getLogPageIntoALargerBufferMovesNumdDwords() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(8192)) {
            // NUMD 0's based in CDW10 bits 31:16: 256 dwords = 1 KiB
            Completion done = run(RawCommand.of(0x02, 0).withCdw10(0x70 | (255 << 16)), buf);
            assertEquals(0, done.status(), "Get Log Page of 1 KiB into an 8 KiB buffer");
        }
    }

    @Test
    void getFeaturesWithoutDataIgnoresTheBuffer() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(4096)) {
            Completion done = run(RawCommand.of(0x0A, 0).withCdw10(0x07), buf);
            assertEquals(0, done.status(), "Get Features Number of Queues with a 4 KiB buffer: no data moves");
        }
    }

    @Test
    void getFeaturesHostIdentifierMovesItsSixteenBytes() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(4096)) {
            buf.segment().fill((byte) 0);
            Completion done = run(RawCommand.of(0x0A, 0).withCdw10(0x81).withCdw11(1), buf);
            assertEquals(0, done.status(), "Get Features Host Identifier (EXHID: 16 bytes) into 4 KiB");
            assertEquals((byte) 0x81, buf.segment().get(ValueLayout.JAVA_BYTE, 15));
            assertEquals(0, buf.segment().get(ValueLayout.JAVA_BYTE, 16), "nothing beyond the 16 bytes");
        }
    }

    @Test
    void firmwareImageDownloadSendsNumdDwords() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(8192)) {
            Completion done = run(RawCommand.of(0x11, 0).withCdw10(1023), buf); // 1024 dwords = 4 KiB
            assertEquals(0, done.status(), "4 KiB of image from an 8 KiB buffer");
        }
    }

    @Test
    void securityReceiveMovesTheAllocationLength() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(4096)) {
            Completion done = run(RawCommand.of(0x82, 0).withCdw11(512), buf);
            assertEquals(0, done.status(), "Security Receive of AL 512 into a 4 KiB buffer");
        }
    }

    @Test
    void aBufferSmallerThanTheTransferIsRefusedByTheTarget() throws Exception {
        try (DmaBuffer buf = c.allocateBuffer(4096)) {
            Completion done = run(RawCommand.of(0x02, 0).withCdw10(0x70 | (2047 << 16)), buf); // 8 KiB into 4 KiB
            assertTrue(done.status() != 0, "refused, not overrun: status 0x" + Integer.toHexString(done.status()));
        }
    }
}
