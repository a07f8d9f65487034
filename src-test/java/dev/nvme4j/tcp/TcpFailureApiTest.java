package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import dev.nvme4j.api.NvmeStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failures over NVMe/TCP through the public API, against the in-process {@link FakeTcpTarget}: a
 * peer that goes silent (Keep Alive timeout), a target restart, a malformed and an oversized PDU
 * mid-I/O, a wrong port, a peer that does not speak NVMe/TCP. Every outstanding command completes
 * exactly once; reconnecting is bounded; the reasons say what happened.
 */
class TcpFailureApiTest {
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

    private String uri(int port) {
        return "tcp://127.0.0.1:" + port + "/" + FakeTcpTarget.SUBNQN;
    }

    private Controller open(ControllerOptions o, FabricsOptions f) {
        return Nvme.open(uri(target.address().getPort()), o, f);
    }

    /** Submits {@code n} reads of 8 blocks from {@code lba}; returns their [completions, status] slots. */
    private static int[][] submitReads(IoQueuePair qp, Namespace ns, DmaBuffer buf, int n, long lba) {
        int[][] done = new int[n][2];
        for (int i = 0; i < n; i++) {
            int k = i;
            assertTrue(qp.read(ns, lba + i * 8L, 8, buf.slice(i * 4096L, 4096), (tag, status) -> {
                done[k][0]++;
                done[k][1] = status;
            }, i));
        }
        qp.poll();
        return done;
    }

    /** Processes until nothing is outstanding (at most {@code seconds}); returns the milliseconds it took. */
    private static long drain(IoQueuePair qp, int seconds) {
        long start = System.nanoTime();
        while (qp.outstanding() > 0 && System.nanoTime() - start < seconds * 1_000_000_000L) {
            qp.process(Duration.ofMillis(10));
        }
        assertEquals(0, qp.outstanding(), "every command completed within " + seconds + " s");
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void aSilentPeerIsAKeepAliveTimeoutThatFailsEveryCommandOnceWithinTheBound() {
        ControllerOptions o = ControllerOptions.builder().ioTimeout(Duration.ofSeconds(60))
                .adminTimeout(Duration.ofSeconds(5)).maxIoQueuePairs(2).ioQueueDepth(16).build();
        FabricsOptions f = FabricsOptions.builder().keepAlive(Duration.ofSeconds(1))
                .connectTimeout(Duration.ofSeconds(1)).reconnectTimeout(Duration.ofSeconds(2)).build();
        try (Controller c = open(o, f);
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(6 * 4096)) {
            target.silent = true; // the sockets stay open, nothing is answered any more (nor accepted anew)
            int[][] done = submitReads(qp, c.namespace(1), buf, 6, 0);
            long millis = drain(qp, 30);
            for (int i = 0; i < 6; i++) {
                assertEquals(1, done[i][0], "read " + i + " completed once");
                assertEquals(NvmeStatus.HOST_PATHING_ERROR.code(true), done[i][1], "read " + i + ": transport error");
            }
            assertEquals(ControllerState.FAILED, c.state());
            String why = c.failureReason();
            assertTrue(why.contains("keep-alive timeout"), "the reset's cause is named: " + why);
            assertFalse(why.contains("CSTS.CFS"), why);
            assertTrue(why.contains("reconnecting failed"), why);
            // KATO 1 s: Keep Alive at 0.5 s, unanswered at 1.5 s; reconnect bound 2 s (+ one 1 s attempt)
            assertTrue(millis < 10_000, "bounded by the KATO and the reconnect bound, took " + millis + " ms");
            NvmeException after = assertThrows(NvmeException.class, () -> qp.readSync(c.namespace(1), 0, 8,
                    buf.slice(0, 4096)));
            assertTrue(after.getMessage().contains("keep-alive timeout"), after.getMessage());
        }
    }

    @Test
    void aTargetRestartMidIoReconnectsAndResubmitsTheReads() throws IOException {
        byte[] data = new byte[8 * 4096];
        new Random(9).nextBytes(data);
        System.arraycopy(data, 0, target.media, 400 * 512, data.length);
        try (Controller c = open(TcpControllerApiTest.options(), TcpControllerApiTest.fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(8 * 4096)) {
            target.readDelayMillis = 200; // the reads are still in flight when the target goes
            int[][] done = submitReads(qp, c.namespace(1), buf, 8, 400);
            target.restart(1000); // refused for 1 s, then the same target on the same port
            target.readDelayMillis = 0;
            drain(qp, 30);
            for (int i = 0; i < 8; i++) {
                assertEquals(1, done[i][0], "read " + i + " completed once");
                assertEquals(0, done[i][1], "read " + i + " succeeded after the reconnect");
            }
            assertArrayEquals(data, buf.segment().toArray(ValueLayout.JAVA_BYTE));
            assertEquals(ControllerState.READY, c.state());
            assertEquals(1, c.counters().resets(), "one reset: the reconnect");
            assertTrue(qp.counters().resubmitted() >= 1, "the reads in flight were resubmitted: " + qp.counters());
            qp.readSync(c.namespace(1), 400, 8, buf.slice(0, 4096));
        }
    }

    @Test
    void aMalformedPduMidIoTellsTheTargetAndTheReadCompletesOnceAfterTheReconnect() {
        target.media[10 * 512] = 5;
        try (Controller c = open(TcpControllerApiTest.options(), TcpControllerApiTest.fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4096)) {
            target.unknownPduOnRead = true;
            int[][] done = submitReads(qp, c.namespace(1), buf, 1, 10);
            drain(qp, 30);
            assertEquals(1, done[0][0], "completed once");
            assertEquals(0, done[0][1], "succeeded on the new connection");
            assertEquals(5, buf.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(TcpPdu.FES_INVALID_HEADER_FIELD, target.lastH2cTermFes,
                    "H2CTermReq told the target which rule its PDU broke");
            assertEquals(1, c.counters().resets());
        }
    }

    @Test
    void anOversizedPduMidIoIsNotAllocatedAndTheReadCompletesOnce() {
        target.media[20 * 512] = 6;
        try (Controller c = open(TcpControllerApiTest.options(), TcpControllerApiTest.fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4096)) {
            qp.readSync(c.namespace(1), 20, 8, buf); // warm: the steady state allocates nothing
            var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            target.oversizedC2h = true; // a C2HData that claims about 2 GiB
            long before = mx.getThreadAllocatedBytes(tid);
            int[][] done = submitReads(qp, c.namespace(1), buf, 1, 20);
            drain(qp, 30);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertEquals(1, done[0][0], "completed once");
            assertEquals(0, done[0][1], "succeeded on the new connection");
            assertEquals(6, buf.segment().get(ValueLayout.JAVA_BYTE, 0));
            assertTrue(allocated < 4 << 20, "the owner allocated " + allocated + " bytes for a PDU of 2 GiB");
            assertNotEquals(-1, target.lastH2cTermFes, "the target was told");
        }
    }

    @Test
    void aTargetGoneNamesTheConnectionFailureAsTheReason() throws IOException {
        try (Controller c = open(TcpControllerApiTest.options(), TcpControllerApiTest.fabrics());
             IoQueuePair qp = c.createQueuePair();
             DmaBuffer buf = c.allocateBuffer(4096)) {
            target.noResponseOnRead = true;
            int[][] done = submitReads(qp, c.namespace(1), buf, 1, 0);
            target.close(); // connections reset, the port closed
            drain(qp, 30);
            assertEquals(1, done[0][0]);
            String why = c.failureReason();
            assertTrue(why.contains("connection failure: ") && why.contains("closed the connection"), why);
            assertFalse(why.contains("CSTS.CFS"), why);
        }
    }

    @Test
    void aWrongPortIsRefusedClearlyAndAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        long start = System.nanoTime();
        NvmeException e = assertThrows(NvmeException.class, () -> Nvme.open(uri(port),
                TcpControllerApiTest.options(), TcpControllerApiTest.fabrics()));
        assertTrue(e.getMessage().contains("refused") && e.getMessage().contains(":" + port), e.getMessage());
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "no retries for the first connection");
    }

    @Test
    void aPeerThatDoesNotSpeakNvmeTcpIsAClearError() throws Exception {
        try (ServerSocket http = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = http.accept(); OutputStream out = s.getOutputStream()) {
                    out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    s.getInputStream().read(new byte[4096]);
                } catch (IOException ignored) {
                    // the host hung up
                }
            });
            t.setDaemon(true);
            t.start();
            long start = System.nanoTime();
            NvmeException e = assertThrows(NvmeException.class, () -> Nvme.open(uri(http.getLocalPort()),
                    TcpControllerApiTest.options(), TcpControllerApiTest.fabrics()));
            assertTrue(e.getMessage().contains("not an NVMe/TCP"), e.getMessage());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "bounded");
        }
    }

    @Test
    void aPeerThatAcceptsButNeverAnswersTimesOutClearly() {
        target.silentOnIcReq = true;
        FabricsOptions f = FabricsOptions.builder().connectTimeout(Duration.ofSeconds(1))
                .reconnectTimeout(Duration.ofSeconds(2)).build();
        long start = System.nanoTime();
        NvmeException e = assertThrows(NvmeException.class, () -> open(TcpControllerApiTest.options(), f));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("ICResp"), e.getMessage());
        assertTrue(millis < 8_000, "bounded by the timeouts, took " + millis + " ms");
    }
}
