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

    /** Submits {@code n} async reads of 8 blocks from LBA {@code lba}, polls until done (bounded); returns completions per read. */
    private static int[][] readAll(IoQueuePair qp, Namespace ns, DmaBuffer buf, int n, long lba) {
        int[][] done = new int[n][2];
        for (int i = 0; i < n; i++) {
            int k = i;
            assertTrue(qp.read(ns, lba + i * 8L, 8, buf.slice(i * 4096L, 4096), (tag, status) -> {
                done[k][0]++;
                done[k][1] = status;
            }, i));
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (qp.outstanding() > 0 && System.nanoTime() < deadline) {
            qp.process(Duration.ofMillis(10));
        }
        assertEquals(0, qp.outstanding(), "every read completed within 20 s");
        return done;
    }

    @Test
    void aConnectionResetMidIoReconnectsAndResubmits() {
        byte[] data = new byte[4 * 4096];
        new Random(3).nextBytes(data);
        System.arraycopy(data, 0, target.media, 300 * 512, data.length);
        try (Controller c = Nvme.open(uri(), options(), fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4 * 4096)) {
            Namespace ns = c.namespace(1);
            int sockets = target.sockets.size();
            target.closeOnRead = true; // the target drops the I/O connection at the first read
            int[][] done = readAll(qp, ns, buf, 4, 300);
            for (int i = 0; i < 4; i++) {
                assertEquals(1, done[i][0], "read " + i + " completed once");
                assertEquals(0, done[i][1], "read " + i + " succeeded after the reconnect");
            }
            assertArrayEquals(data, buf.segment().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(1, c.counters().resets(), "one reset: the reconnect");
            assertTrue(qp.counters().resubmitted() >= 1, "the lost reads were resubmitted");
            assertTrue(target.sockets.size() >= sockets + 2, "a new admin and I/O connection");
            assertEquals(ControllerState.READY, c.state());
            qp.readSync(ns, 300, 8, buf.slice(0, 4096));
        }
    }

    @Test
    void aTargetThatIsGoneFailsEveryCommandOnceWithATransportErrorWithinTheBound() throws IOException {
        try (Controller c = Nvme.open(uri(), options(), fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4 * 4096)) {
            Namespace ns = c.namespace(1);
            target.noResponseOnRead = true; // the reads stay outstanding at the target
            int[][] done = new int[4][2];
            for (int i = 0; i < 4; i++) {
                int k = i;
                assertTrue(qp.read(ns, i * 8L, 8, buf.slice(i * 4096L, 4096), (tag, status) -> {
                    done[k][0]++;
                    done[k][1] = status;
                }, i));
            }
            qp.poll();
            long start = System.nanoTime();
            target.close(); // every connection reset, the port closed: reconnecting is refused
            while (qp.outstanding() > 0 && System.nanoTime() - start < 20_000_000_000L) {
                qp.process(Duration.ofMillis(10));
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, qp.outstanding(), "every read completed");
            for (int i = 0; i < 4; i++) {
                assertEquals(1, done[i][0], "read " + i + " completed once");
                assertEquals(dev.nvme4j.api.NvmeStatus.HOST_PATHING_ERROR.code(true), done[i][1],
                        "read " + i + ": Host Pathing Error");
            }
            assertEquals(ControllerState.FAILED, c.state());
            assertTrue(c.failureReason().contains("reconnecting failed"), c.failureReason());
            assertTrue(millis < 15_000, "bounded by the 3 s reconnect bound and the watchdog, took " + millis + " ms");
            NvmeException after = assertThrows(NvmeException.class, () -> qp.readSync(ns, 0, 8, buf.slice(0, 4096)));
            assertTrue(after.getMessage().length() > 0);
        }
    }

    @Test
    void transfersLargerThanMdtsAreSplitByTheSharedQueueLayer() {
        try (Controller c = Nvme.open(uri(), options(), fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(512 * 1024)) {
            Namespace ns = c.namespace(1);
            byte[] data = new byte[512 * 1024];
            new Random(4).nextBytes(data);
            buf.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(data));
            int before = target.ioCommands.get();
            qp.writeSync(ns, 1024, 1024, buf); // 512 KiB with MDTS 128 KiB: four commands
            assertEquals(4, target.ioCommands.get() - before, "split at MDTS into four commands");
            assertArrayEquals(data, Arrays.copyOfRange(target.media, 1024 * 512, 1024 * 512 + data.length));
            buf.segment().fill((byte) 0);
            qp.readSync(ns, 1024, 1024, buf);
            assertArrayEquals(data, buf.segment().toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void aReadTheTargetNeverAnswersClimbsTheLadderAbortThenReconnect() {
        ControllerOptions quick = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(2))
                .adminTimeout(Duration.ofSeconds(5)).maxIoQueuePairs(2).ioQueueDepth(8).build();
        try (Controller c = Nvme.open(uri(), quick, fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4096)) {
            Namespace ns = c.namespace(1);
            target.media[50 * 512] = 42;
            target.dropReads.set(1);
            long start = System.nanoTime();
            // late: poll, re-ring, Abort (not aborted), reset = reconnect, resubmit
            int[] done = new int[2];
            assertTrue(qp.read(ns, 50, 8, buf, (tag, status) -> {
                done[0]++;
                done[1] = status;
            }, 0));
            while (qp.outstanding() > 0 && System.nanoTime() - start < 20_000_000_000L) {
                qp.process(Duration.ofMillis(10));
            }
            assertEquals(1, done[0], "completed once");
            assertEquals(0, done[1], "successfully, after the reconnect");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(42, buf.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(target.aborts.get() >= 1, "an Abort went to the target over the admin queue");
            assertEquals(1, c.counters().resets(), "then one reset (reconnect)");
            assertTrue(millis < 20_000, "bounded: " + millis + " ms");
        }
    }

    @Test
    void steadyStateIoThroughTheSharedLayerAllocatesNothingPerCommand() {
        try (Controller c = Nvme.open(uri(), options(), fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4 * 4096)) {
            Namespace ns = c.namespace(1);
            DmaBuffer[] slices = new DmaBuffer[4];
            for (int i = 0; i < 4; i++) {
                slices[i] = buf.slice(i * 4096L, 4096);
            }
            int[] done = {0};
            dev.nvme4j.api.IoCallback cb = (tag, status) -> done[0]++;
            closedLoop(qp, ns, slices, cb, done, 4000);
            var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            long best = Long.MAX_VALUE;
            int ios = 4000;
            for (int round = 0; round < 5 && best > 0; round++) { // best of rounds: the JIT may still compile
                long before = mx.getThreadAllocatedBytes(tid);
                closedLoop(qp, ns, slices, cb, done, ios);
                best = Math.min(best, (mx.getThreadAllocatedBytes(tid) - before) / ios);
            }
            System.out.println("TCP through the shared layer: " + best + " bytes per I/O at best");
            assertTrue(best < 64, "allocated " + best + " bytes per I/O on the owner thread");
        }
    }

    /** Mixed 4 KiB reads and writes at QD 4 until {@code ios} completed. */
    private static void closedLoop(IoQueuePair qp, Namespace ns, DmaBuffer[] slices, dev.nvme4j.api.IoCallback cb,
            int[] done, int ios) {
        done[0] = 0;
        int submitted = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (done[0] < ios && System.nanoTime() < deadline) {
            while (submitted < ios && submitted - done[0] < 4) {
                int i = submitted & 3;
                boolean ok = (submitted & 1) == 0 ? qp.write(ns, i * 8L, 8, slices[i], cb, i)
                        : qp.read(ns, i * 8L, 8, slices[i], cb, i);
                if (!ok) {
                    break;
                }
                submitted++;
            }
            qp.poll();
        }
        assertEquals(ios, done[0]);
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
