package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Header and data digest errors, and the ICReq/ICResp handshake refusing what it cannot use. */
class PduDigestAndHandshakeTest extends PduQueueFixture {
    @Test
    void missingHeaderDigestFlagFails() throws Exception {
        TcpQueue q = queueWithOutstandingRead(true, false, arena.allocate(4096));
        Outcome o = feedAndPoll(q, C2hPdus.capsuleResp(false, 3, 0, 0));
        assertEquals(TcpTransportException.Kind.PROTOCOL, o.failure().kind());
        assertTrue(o.failure().getMessage().contains("HDGST flag clear"), o.failure().getMessage());
        assertEquals(TcpQueue.STATUS_HOST_PATH_ERROR, o.status());
    }

    @Test
    void headerDigestErrorFailsTheConnectionAndTellsTheController() throws Exception {
        TcpQueue q = queueWithOutstandingRead(true, false, arena.allocate(4096));
        byte[] resp = C2hPdus.capsuleResp(true, 3, 0, 0);
        resp[24] ^= 1;
        Outcome o = feedAndPoll(q, resp);
        assertEquals(TcpTransportException.Kind.DIGEST, o.failure().kind());
        assertTrue(o.failure().getMessage().contains("header digest error"), o.failure().getMessage());
        assertEquals(TcpPdu.FES_HEADER_DIGEST_ERROR, o.fesSent());
        assertEquals(TcpQueue.STATUS_HOST_PATH_ERROR, o.status());
    }

    @Test
    void dataDigestErrorCompletesTheCommandWithATransientTransportError() throws Exception {
        TcpQueue q = queueWithOutstandingRead(false, true, arena.allocate(4096));
        byte[] pdu = C2hPdus.c2hData(false, true, 3, 0, new byte[4096], TcpPdu.FLAG_DATA_LAST, 0);
        pdu[pdu.length - 1] ^= 1;
        Outcome o = feedAndPoll(q, pdu);
        assertEquals(TcpTransportException.Kind.DIGEST, o.failure().kind());
        assertTrue(o.failure().getMessage().contains("data digest error in C2HData for command 3"));
        assertEquals(TcpQueue.STATUS_TRANSIENT_TRANSPORT_ERROR, o.status());
        assertTrue(wire.closed, "the queue is reset");
    }

    @Test
    void icRespWithAnotherVersionOrTooSmallMaxH2cDataIsRefused() {
        wire.feed(C2hPdus.icResp(1, 0, 0, 8192));
        TcpOptions o = TcpOptions.defaults().withTimeouts(1, 1, TimeUnit.SECONDS);
        TcpTransportException e = assertThrows(TcpTransportException.class,
                () -> TcpQueue.negotiate(wire, "t", 0, 8, o));
        assertTrue(e.getMessage().contains("PDU format version 1"), e.getMessage());
        MemoryWire w2 = new MemoryWire();
        w2.feed(C2hPdus.icResp(0, 0, 0, 1024));
        e = assertThrows(TcpTransportException.class, () -> TcpQueue.negotiate(w2, "t", 0, 8, o));
        assertTrue(e.getMessage().contains("MAXH2CDATA 1024"), e.getMessage());
    }

    @Test
    void digestsTheControllerDidNotGrantAreAClearError() {
        wire.feed(C2hPdus.icResp(0, 0, 0, 8192));
        TcpOptions o = TcpOptions.defaults().withDigests(true, true).withTimeouts(1, 1, TimeUnit.SECONDS);
        TcpTransportException e = assertThrows(TcpTransportException.class,
                () -> TcpQueue.negotiate(wire, "t", 0, 8, o));
        assertTrue(e.getMessage().contains("did not accept the digests asked for (asked: header+data, granted: none)"),
                e.getMessage());
    }

    @Test
    void aPeerThatNeverAnswersTheIcReqTimesOut() {
        TcpOptions o = TcpOptions.defaults().withTimeouts(200, 200, TimeUnit.MILLISECONDS);
        MemoryWire silent = new MemoryWire() {
            @Override
            public boolean await(boolean forWrite, long deadlineNanos) {
                return System.nanoTime() < deadlineNanos && forWrite;
            }
        };
        TcpTransportException e = assertThrows(TcpTransportException.class,
                () -> TcpQueue.negotiate(silent, "t", 0, 8, o));
        assertEquals(TcpTransportException.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("does not speak NVMe/TCP"), e.getMessage());
    }
}
