package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.C2hPdus.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * A queue over a {@link MemoryWire} with one outstanding 4096-byte read (CID 3), for feeding it
 * controller PDUs and checking how the connection and the command end.
 */
abstract class PduQueueFixture {
    final Arena arena = Arena.ofConfined();
    final MemoryWire wire = new MemoryWire();

    @AfterEach
    void close() {
        arena.close();
    }

    TcpQueue queueWithOutstandingRead(boolean hd, boolean dd, MemorySegment buf) throws Exception {
        wire.feed(C2hPdus.icResp(0, 0, (hd ? 1 : 0) | (dd ? 2 : 0), 8192));
        TcpOptions o = TcpOptions.defaults().withDigests(hd, dd).withTimeouts(2, 2, TimeUnit.SECONDS)
                .withBufferBytes(4096);
        TcpQueue q = TcpQueue.negotiate(wire, "test", 1, 8, o);
        wire.takeWritten();
        q.submit(3, arena.allocate(64), 0, buf, 0, (int) buf.byteSize(), TcpQueue.DIR_FROM_CONTROLLER);
        q.flush();
        assertEquals(TcpPdu.CAPSULE_CMD, wire.takeWritten()[0]);
        return q;
    }

    record Outcome(TcpTransportException failure, int status, int fesSent) {
    }

    Outcome feedAndPoll(TcpQueue q, byte[] pdu) {
        int[] status = {-1};
        int[] count = {0};
        q.completionHandler((cid, st, dw0, dw1) -> {
            status[0] = st;
            count[0]++;
        });
        wire.feed(pdu);
        for (int i = 0; i < 10; i++) {
            q.poll();
        }
        assertTrue(count[0] <= 1, "completed once");
        byte[] sent = wire.takeWritten();
        int fes = sent.length >= 24 && sent[0] == TcpPdu.H2C_TERM_REQ ? le(sent).getShort(8) : -1;
        return new Outcome(q.failure(), count[0] == 1 ? status[0] : -1, fes);
    }

    void assertProtocolFailure(byte[] pdu, int fes, String messagePart) throws Exception {
        TcpQueue q = queueWithOutstandingRead(false, false, arena.allocate(4096));
        Outcome o = feedAndPoll(q, pdu);
        assertNotNull(o.failure(), "the connection failed");
        assertEquals(TcpTransportException.Kind.PROTOCOL, o.failure().kind(), o.failure().getMessage());
        assertTrue(o.failure().getMessage().contains(messagePart), o.failure().getMessage());
        assertEquals(fes, o.failure().fes());
        assertEquals(fes, o.fesSent(), "H2CTermReq with the FES");
        assertEquals(TcpQueue.STATUS_HOST_PATH_ERROR, o.status(), "the read completed with a transport error");
        assertTrue(wire.closed);
        assertEquals(0, q.outstanding());
    }

    static byte[] patch(byte[] pdu, int offset, int value) {
        byte[] b = pdu.clone();
        b[offset] = (byte) value;
        return b;
    }

    static byte[] patchInt(byte[] pdu, int offset, int value) {
        byte[] b = pdu.clone();
        le(b).putInt(offset, value);
        return b;
    }
}
