package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FabricsOptions;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The public API over NVMe/TCP against the in-process {@link FakeTcpTarget}: {@code Nvme.open(
 * "tcp://...")} gives the same {@link Controller} and {@link IoQueuePair}s as PCIe, run by the same
 * driver code (bring-up over Property Get/Set, trackers, deadlines, teardown).
 */
class TcpControllerApiTest {
    private FakeTcpTarget target;

    @BeforeEach
    void start() throws IOException {
        target = new FakeTcpTarget(4096);
    }

    @AfterEach
    void stop() throws IOException {
        target.close();
        assertEquals(java.util.List.of(), target.errors, "the fake target saw no protocol error from the host");
    }

    String uri() {
        return "tcp://127.0.0.1:" + target.address().getPort() + "/" + FakeTcpTarget.SUBNQN;
    }

    static ControllerOptions options() {
        return ControllerOptions.builder().ioTimeout(Duration.ofSeconds(10)).adminTimeout(Duration.ofSeconds(5))
                .maxIoQueuePairs(4).ioQueueDepth(32).build();
    }

    static FabricsOptions fabrics() {
        return FabricsOptions.builder().connectTimeout(Duration.ofSeconds(5)).reconnectTimeout(Duration.ofSeconds(3))
                .build();
    }

    @Test
    void openBringsTheControllerUpThroughTheSharedDriver() {
        try (Controller c = Nvme.open(uri(), options(), fabrics())) {
            assertEquals(ControllerState.READY, c.state());
            assertEquals(uri(), c.address());
            assertEquals("nvme4j fake tcp target", c.info().modelNumber());
            assertEquals(1, c.namespaces().size(), "namespace 1 from Identify (active namespace list)");
            Namespace ns = c.namespace(1);
            assertEquals(512, ns.lbaSize());
            assertEquals(4096, ns.sizeBlocks());
            assertEquals(128 * 1024, c.info().maxTransferBytes(), "MDTS 5 of 4 KiB pages");
        }
    }

    @Test
    void readsAndWritesThroughAQueuePairLandAtTheirOffsets() {
        try (Controller c = Nvme.open(uri(), options(), fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(64 * 1024)) {
            Namespace ns = c.namespace(1);
            byte[] data = new byte[64 * 1024];
            new Random(14).nextBytes(data);
            buf.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(data));
            qp.writeSync(ns, 100, 8, buf.slice(0, 4096));           // in the capsule
            qp.writeSync(ns, 200, 128, buf);                         // by R2T/H2CData
            assertArrayEquals(Arrays.copyOf(data, 4096), Arrays.copyOfRange(target.media, 100 * 512, 100 * 512 + 4096));
            assertArrayEquals(data, Arrays.copyOfRange(target.media, 200 * 512, 200 * 512 + data.length));
            buf.segment().fill((byte) 0);
            qp.readSync(ns, 200, 128, buf);
            assertArrayEquals(data, buf.segment().toArray(ValueLayout.JAVA_BYTE));
            assertTrue(qp.counters().submitted() >= 3, "counted by the shared queue layer");
        }
    }

    @Test
    void asynchronousIoCompletesEachCommandOnce() {
        try (Controller c = Nvme.open(uri(), options(), fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(16 * 4096)) {
            Namespace ns = c.namespace(1);
            int[] done = new int[16];
            for (int i = 0; i < 16; i++) {
                buf.segment().asSlice(i * 4096L, 4096).fill((byte) i);
                int k = i;
                assertTrue(qp.write(ns, i * 8L, 8, buf.slice(i * 4096L, 4096), (tag, status) -> {
                    assertEquals(0, status);
                    done[k]++;
                }, i));
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (qp.outstanding() > 0 && System.nanoTime() < deadline) {
                qp.process(Duration.ofMillis(10));
            }
            assertEquals(0, qp.outstanding());
            for (int i = 0; i < 16; i++) {
                assertEquals(1, done[i], "write " + i + " completed once");
                assertEquals((byte) i, target.media[i * 4096]);
            }
        }
    }

    @Test
    void badAddressesAreRefusedClearly() {
        IllegalArgumentException noNqn = assertThrows(IllegalArgumentException.class,
                () -> Nvme.open("tcp://127.0.0.1:4420", options(), fabrics()));
        assertTrue(noNqn.getMessage().contains("names no subsystem"), noNqn.getMessage());
        IllegalArgumentException badPort = assertThrows(IllegalArgumentException.class,
                () -> Nvme.open("tcp://127.0.0.1:99999/x", options(), fabrics()));
        assertTrue(badPort.getMessage().contains("port"), badPort.getMessage());
        NvmeException unknown = assertThrows(NvmeException.class,
                () -> Nvme.open("tcp://127.0.0.1:" + target.address().getPort() + "/nqn.2026-12.other:none",
                        options(), fabrics()));
        assertTrue(unknown.getMessage().contains("not offered on this port"), unknown.getMessage());
    }
}
