package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FabricsOptions;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.tool.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The public API and the tool over NVMe/TCP against the Linux kernel's nvmet-tcp in the VM
 * ({@code tools/vm-run --nvmet}): {@code Nvme.open("tcp://...")} and {@code nvme4j fio
 * --device=tcp://...}, the data checked in the target's backing file, and the subsystem removed
 * from its port mid-I/O and added back (reconnect, resubmit) or not (failed, bounded).
 */
@Tag("vfio")
class NvmeTcpApiOverNvmetTest {
    private static final String NQN = "nqn.2026-12.dev.nvme4j:nvmet-api";
    private static final int PORT = 4430;
    private static final int FLAKY_PORT = 4431;
    private static final long NS_BYTES = 32L << 20;
    private static NvmetConfig target;

    @BeforeAll
    static void setUpTarget() throws IOException {
        assumeTrue(Files.isDirectory(NvmetConfig.NVMET), "needs the kernel's nvmet-tcp target with configfs at "
                + NvmetConfig.NVMET + " (run in the VM: tools/vm-test, or tools/vm-run --nvmet)");
        target = new NvmetConfig(NQN, Path.of("/dev/shm/nvme4j-nvmet-api.img"), NS_BYTES);
        target.port(11, PORT);
        target.port(12, FLAKY_PORT);
    }

    @AfterAll
    static void tearDownTarget() throws IOException {
        if (target != null) {
            target.tearDown();
        }
    }

    private static byte[] backingBytes(long offset, int length) throws IOException {
        return target.backingBytes(offset, length);
    }

    private static void link(int portId) throws IOException {
        target.link(portId);
    }

    private static void unlink(int portId) throws IOException {
        target.unlink(portId);
    }

    private static String uri(int port) {
        return "tcp://127.0.0.1:" + port + "/" + NQN;
    }

    private static ControllerOptions options() {
        return ControllerOptions.builder().ioTimeout(Duration.ofSeconds(30)).adminTimeout(Duration.ofSeconds(20))
                .maxIoQueuePairs(4).ioQueueDepth(32).build();
    }

    private static FabricsOptions fabrics(boolean digests, Duration reconnect) {
        return FabricsOptions.builder().headerDigest(digests).dataDigest(digests).connectTimeout(Duration.ofSeconds(10))
                .reconnectTimeout(reconnect).build();
    }

    @ParameterizedTest(name = "digests {0}")
    @CsvSource({"false", "true"})
    void theControllerApiWritesLandAtTheirOffsetsInTheBackingFile(boolean digests) throws IOException {
        try (Controller c = Nvme.open(uri(PORT), options(), fabrics(digests, Duration.ofSeconds(10)));
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(256 * 1024)) {
            assertEquals(ControllerState.READY, c.state());
            assertEquals("Linux", c.info().modelNumber());
            Namespace ns = c.namespace(1);
            int lba = ns.lbaSize();
            assertEquals(NS_BYTES / lba, ns.sizeBlocks(), "NSZE of the file-backed namespace");
            byte[] data = new byte[256 * 1024];
            new Random(digests ? 2 : 1).nextBytes(data);
            buf.segment().copyFrom(MemorySegment.ofArray(data));
            long small = (1L << 20) / lba;
            long large = (5L << 20) / lba;
            qp.writeSync(ns, small, 4096 / lba, buf.slice(0, 4096));            // in the capsule
            qp.writeSync(ns, large, data.length / lba, buf);                     // R2T/H2CData (split at MDTS if any)
            assertArrayEquals(Arrays.copyOf(data, 4096), backingBytes(small * lba, 4096), "4 KiB at 1 MiB");
            assertArrayEquals(data, backingBytes(large * lba, data.length), "256 KiB at 5 MiB");
            buf.segment().fill((byte) 0);
            // async reads at QD 16 through the shared queue layer, each completed once
            int[] done = new int[16];
            for (int i = 0; i < 16; i++) {
                int k = i;
                assertTrue(qp.read(ns, large + (long) i * 16384 / lba, 16384 / lba, buf.slice(i * 16384L, 16384),
                        (tag, status) -> {
                            assertEquals(0, status, "read " + k);
                            done[k]++;
                        }, i));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (qp.outstanding() > 0 && System.nanoTime() < deadline) {
                qp.process(Duration.ofMillis(10));
            }
            for (int i = 0; i < 16; i++) {
                assertEquals(1, done[i], "read " + i + " completed once");
            }
            assertArrayEquals(data, buf.segment().toArray(ValueLayout.JAVA_BYTE), "read back what was written");
        }
    }

    @Test
    void theToolsFioVerifyRunsOverTcp() throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.run(new Main(), new PrintWriter(out, true), new PrintWriter(err, true), "fio",
                "--device=" + uri(PORT), "--name=tcpverify", "--rw=randwrite", "--bs=16k", "--iodepth=8", "--size=4m",
                "--verify=crc32c");
        assertEquals(0, exit, out + "\n" + err);
        assertTrue(out.toString().contains("bad=0"), out.toString());
        boolean stamped = false;
        for (byte b : backingBytes(0, 4 << 20)) {
            stamped |= b != 0;
        }
        assertTrue(stamped, "the verify stamps are in the backing file");
        StringWriter idOut = new StringWriter();
        assertEquals(0, Main.run(new Main(), new PrintWriter(idOut, true), new PrintWriter(err, true), "id-ctrl",
                "--device=" + uri(PORT)), err.toString());
        assertTrue(idOut.toString().contains(NQN), idOut.toString());
    }

    /** Runs reads at QD 8 until {@code total} completed; returns completions per read index and the first error status. */
    private static int[] readLoop(IoQueuePair qp, Namespace ns, DmaBuffer buf, int total, Runnable midway)
            throws IOException {
        int lba = ns.lbaSize();
        int[] perRead = new int[total];
        int[] status = {0, 0}; // errors, first error
        int submitted = 0;
        long deadline = System.nanoTime() + 90_000_000_000L;
        while ((submitted < total || qp.outstanding() > 0) && System.nanoTime() < deadline) {
            while (submitted < total && qp.outstanding() < 8) {
                int k = submitted;
                int slot = k % 8;
                if (!qp.read(ns, (long) slot * 4096 / lba, 4096 / lba, buf.slice(slot * 4096L, 4096), (tag, s) -> {
                    perRead[k]++;
                    if (s != 0 && status[0]++ == 0) {
                        status[1] = s;
                    }
                }, k)) {
                    break;
                }
                submitted++;
                if (submitted == total / 4) {
                    midway.run();
                }
            }
            qp.process(Duration.ofMillis(5));
        }
        int[] r = Arrays.copyOf(perRead, total + 2);
        r[total] = status[0];
        r[total + 1] = status[1];
        return r;
    }

    @Test
    void theSubsystemRemovedFromThePortMidIoAndAddedBackReconnectsAndResubmits() throws Exception {
        try (Controller c = Nvme.open(uri(FLAKY_PORT), options(), fabrics(false, Duration.ofSeconds(30)));
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(8 * 4096)) {
            Namespace ns = c.namespace(1);
            byte[] pattern = new byte[8 * 4096];
            new Random(5).nextBytes(pattern);
            buf.segment().copyFrom(MemorySegment.ofArray(pattern));
            qp.writeSync(ns, 0, 8 * 4096 / ns.lbaSize(), buf);
            Thread readd = new Thread(() -> {
                try {
                    Thread.sleep(2000);
                    link(12);
                } catch (InterruptedException | IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            int total = 400;
            int[] r = readLoop(qp, ns, buf, total, () -> {
                try {
                    unlink(12);
                    readd.start();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            readd.join(10_000);
            for (int i = 0; i < total; i++) {
                assertEquals(1, r[i], "read " + i + " completed exactly once");
            }
            assertEquals(0, r[total], "no read failed (first error status 0x" + Integer.toHexString(r[total + 1]) + ")");
            assertTrue(c.counters().resets() >= 1, "the lost connections were noticed and the controller reset");
            assertTrue(qp.counters().resubmitted() >= 1, "reads in flight were resubmitted after the reconnect");
            assertEquals(ControllerState.READY, c.state(), c.failureReason());
            assertArrayEquals(pattern, buf.segment().toArray(ValueLayout.JAVA_BYTE));
        } finally {
            link(12);
        }
    }

    @Test
    void theSubsystemRemovedForGoodFailsEveryReadOnceWithinTheBound() throws Exception {
        try (Controller c = Nvme.open(uri(FLAKY_PORT), options(), fabrics(false, Duration.ofSeconds(3)));
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(8 * 4096)) {
            Namespace ns = c.namespace(1);
            long[] removedAt = {0};
            int total = 200;
            int[] r = readLoop(qp, ns, buf, total, () -> {
                try {
                    unlink(12);
                    removedAt[0] = System.nanoTime();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long millis = (System.nanoTime() - removedAt[0]) / 1_000_000;
            for (int i = 0; i < total; i++) {
                assertEquals(1, r[i], "read " + i + " completed exactly once");
            }
            assertTrue(r[total] >= 1, "reads failed once the controller gave up");
            assertEquals(NvmeStatus.HOST_PATHING_ERROR.code(true), r[total + 1], "with Host Pathing Error");
            assertEquals(ControllerState.FAILED, c.state());
            assertTrue(c.failureReason().contains("reconnecting failed"), c.failureReason());
            assertTrue(millis < 60_000, "bounded: " + millis + " ms");
        } finally {
            link(12);
        }
    }
}
