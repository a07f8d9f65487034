package dev.nvme4j.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PDU codec of NVMe/TCP 1.0: the layouts the host writes, the PDUs it parses (whole, split
 * into single bytes, many in one read), and every malformed PDU failing the connection with the
 * right fatal error status while the outstanding command completes once with a transport error.
 */
class PduCodecTest {
    private static final long DEADLINE = Long.MAX_VALUE / 2;
    private final Arena arena = Arena.ofConfined();
    private final MemoryWire wire = new MemoryWire();

    @AfterEach
    void close() {
        arena.close();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---- what the host sends ----

    @Test
    void icReqCarriesVersionZeroHpdaDigestsAndMaxR2t() throws Exception {
        PduSender s = new PduSender(wire, () -> true, 4096);
        s.icReq(0, TcpPdu.IC_DGST_HEADER | TcpPdu.IC_DGST_DATA, 0, DEADLINE);
        s.flush(DEADLINE);
        ByteBuffer b = le(wire.takeWritten());
        assertEquals(128, b.capacity());
        assertEquals(TcpPdu.ICREQ, b.get(0));
        assertEquals(128, b.get(2) & 0xFF, "HLEN");
        assertEquals(0, b.get(3), "PDO");
        assertEquals(128, b.getInt(4), "PLEN");
        assertEquals(0, b.getShort(8), "PFV");
        assertEquals(0, b.get(10), "HPDA");
        assertEquals(3, b.get(11), "DGST");
        assertEquals(0, b.getInt(12), "MAXR2T");
    }

    @Test
    void capsuleWithInCapsuleDataHasDigestsSglAndCid() throws Exception {
        PduSender s = new PduSender(wire, () -> true, 4096);
        s.negotiated(true, true, 0);
        MemorySegment sqe = arena.allocate(64);
        sqe.set(ValueLayout.JAVA_BYTE, 0, (byte) 0x01);
        byte[] data = new byte[100];
        new Random(1).nextBytes(data);
        MemorySegment buf = arena.allocate(200);
        MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 50, 100);
        s.capsuleCmd(sqe, 0, 0x1234, PduSender.SGL_IN_CAPSULE, 100, buf, 50, 100, DEADLINE);
        s.flush(DEADLINE);
        byte[] pdu = wire.takeWritten();
        ByteBuffer b = le(pdu);
        assertEquals(TcpPdu.CAPSULE_CMD, b.get(0));
        assertEquals(TcpPdu.FLAG_HDGST | TcpPdu.FLAG_DDGST, b.get(1));
        assertEquals(72, b.get(2));
        assertEquals(76, b.get(3), "PDO right after the header digest");
        assertEquals(76 + 100 + 4, b.getInt(4));
        assertEquals(pdu.length, b.getInt(4));
        assertEquals(C2hPdus.crc(pdu, 0, 72), b.getInt(72), "header digest");
        assertEquals(0x01, b.get(8), "opcode kept");
        assertEquals(0x40, b.get(9) & 0xC0, "PSDT = SGL");
        assertEquals(0x1234, b.getShort(10) & 0xFFFF, "CID");
        assertEquals(0L, b.getLong(8 + 24), "SGL address (offset 0)");
        assertEquals(100, b.getInt(8 + 32), "SGL length");
        assertEquals(0x01, b.get(8 + 39), "SGL identifier: data block, offset");
        assertArrayEquals(data, Arrays.copyOfRange(pdu, 76, 176));
        assertEquals(C2hPdus.crc(data, 0, 100), b.getInt(176), "data digest");
    }

    @Test
    void capsuleWithoutDataHasNoPdoAndNoDataDigest() throws Exception {
        PduSender s = new PduSender(wire, () -> true, 4096);
        s.negotiated(true, true, 0);
        s.capsuleCmd(arena.allocate(64), 0, 3, PduSender.SGL_TRANSPORT, 4096, null, 0, 0, DEADLINE);
        s.flush(DEADLINE);
        ByteBuffer b = le(wire.takeWritten());
        assertEquals(TcpPdu.FLAG_HDGST, b.get(1));
        assertEquals(0, b.get(3));
        assertEquals(76, b.getInt(4));
        assertEquals(76, b.capacity());
        assertEquals((byte) 0x5A, b.get(8 + 39), "transport SGL data block");
        assertEquals(4096, b.getInt(8 + 32));
    }

    @Test
    void dataStartsAtTheControllersPduDataAlignment() throws Exception {
        PduSender s = new PduSender(wire, () -> true, 4096);
        s.negotiated(true, false, 3); // CPDA 3: data at multiples of 16 bytes
        s.capsuleCmd(arena.allocate(64), 0, 0, PduSender.SGL_IN_CAPSULE, 8, arena.allocate(8), 0, 8, DEADLINE);
        s.flush(DEADLINE);
        ByteBuffer b = le(wire.takeWritten());
        assertEquals(80, b.get(3), "72 + 4 rounded up to 16");
        assertEquals(88, b.getInt(4));
        assertEquals(88, b.capacity());
    }

    @Test
    void h2cDataLargerThanTheSendBufferIsStreamedWithItsDigest() throws Exception {
        PduSender s = new PduSender(wire, () -> true, 8192);
        s.negotiated(false, true, 0);
        byte[] data = new byte[100_000];
        new Random(2).nextBytes(data);
        MemorySegment buf = arena.allocate(200_000);
        MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 1000, data.length);
        s.h2cData(9, 0x77, 1000, buf, 0, data.length, true, DEADLINE);
        s.flush(DEADLINE);
        byte[] pdu = wire.takeWritten();
        ByteBuffer b = le(pdu);
        assertEquals(TcpPdu.H2C_DATA, b.get(0));
        assertEquals(TcpPdu.FLAG_DDGST | TcpPdu.FLAG_DATA_LAST, b.get(1));
        assertEquals(24, b.get(2));
        assertEquals(24, b.get(3));
        assertEquals(24 + data.length + 4, b.getInt(4));
        assertEquals(pdu.length, b.getInt(4));
        assertEquals(9, b.getShort(8));
        assertEquals(0x77, b.getShort(10));
        assertEquals(1000, b.getInt(12), "DATAO");
        assertEquals(data.length, b.getInt(16), "DATAL");
        assertArrayEquals(data, Arrays.copyOfRange(pdu, 24, 24 + data.length));
        assertEquals(C2hPdus.crc(data, 0, data.length), b.getInt(24 + data.length));
    }

    @Test
    void h2cTermReqCarriesFesFeiAndTheOffendingHeader() throws Exception {
        PduSender s = new PduSender(wire, () -> true, 4096);
        byte[] hdr = new byte[200];
        Arrays.fill(hdr, (byte) 0xAB);
        s.h2cTermReq(TcpPdu.FES_HEADER_DIGEST_ERROR, 5, hdr, DEADLINE);
        s.flush(DEADLINE);
        ByteBuffer b = le(wire.takeWritten());
        assertEquals(TcpPdu.H2C_TERM_REQ, b.get(0));
        assertEquals(0, b.get(1), "never digests");
        assertEquals(24, b.get(2));
        assertEquals(152, b.getInt(4), "header plus at most 128 bytes");
        assertEquals(152, b.capacity());
        assertEquals(TcpPdu.FES_HEADER_DIGEST_ERROR, b.getShort(8));
        assertEquals(5, b.getInt(10));
    }

    @Test
    void aFullSocketMakesTheSenderReadMeanwhile() throws Exception {
        int[] reads = {0};
        wire.maxWrite = 0;
        MemoryWire w = new MemoryWire() {
            int calls;

            @Override
            public int write(ByteBuffer src) {
                return calls++ % 2 == 0 ? 0 : super.write(src);
            }
        };
        PduSender s = new PduSender(w, () -> reads[0]++ >= 0, 4096);
        s.icReq(0, 0, 0, DEADLINE);
        s.flush(DEADLINE);
        assertEquals(128, w.takeWritten().length);
        assertTrue(reads[0] >= 1, "the queue read while the write was blocked");
        assertEquals(0, w.writeOnlyWaits);
    }

    @Test
    void aWriterThatCannotReadWaitsForWritabilityOnly() throws Exception {
        MemoryWire w = new MemoryWire() {
            int calls;

            @Override
            public int write(ByteBuffer src) {
                return calls++ % 2 == 0 ? 0 : super.write(src);
            }
        };
        w.feed(new byte[100]); // input is pending: a read-or-write wait would return at once, again and again
        PduSender s = new PduSender(w, () -> false, 4096);
        s.icReq(0, 0, 0, DEADLINE);
        s.flush(DEADLINE);
        assertEquals(128, w.takeWritten().length);
        assertTrue(w.writeOnlyWaits >= 1, "waited for writability alone");
        assertEquals(0, w.readOrWriteWaits);
    }

    // ---- what the host parses ----

    /** Records the receiver's events. */
    private static final class Recorder implements PduReceiver.Listener {
        final List<String> events = new ArrayList<>();
        final MemorySegment buffer = Arena.ofAuto().allocate(65536);
        PduReceiver receiver;

        @Override
        public void onIcResp(int pfv, int cpda, int digest, int max) {
            events.add("icresp " + pfv + " " + cpda + " " + digest + " " + max);
            receiver.digests((digest & 1) != 0, (digest & 2) != 0);
        }

        @Override
        public void onCapsuleResp(int dw0, int dw1, int dw2, int dw3) {
            events.add("resp cid " + (dw3 & 0xFFFF) + " status " + (dw3 >>> 17) + " dw0 " + dw0);
        }

        @Override
        public MemorySegment onC2hData(int cid, int off, int len, int flags) {
            events.add("c2h cid " + cid + " off " + off + " len " + len);
            return buffer;
        }

        @Override
        public long c2hBufferOffset(int cid) {
            return 100;
        }

        @Override
        public void onC2hDataDone(int cid, int length, int flags) {
            events.add("c2h done " + cid + " flags " + flags);
        }

        @Override
        public void onDataDigestError(int cid) {
            events.add("ddgst error " + cid);
        }

        @Override
        public void onR2t(int cid, int ttag, int offset, int length) {
            events.add("r2t cid " + cid + " ttag " + ttag + " off " + offset + " len " + length);
        }
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    @ParameterizedTest(name = "at most {0} bytes per read")
    @ValueSource(ints = {1, 3, 7, 100, Integer.MAX_VALUE})
    void pdusSplitAcrossReadsOrManyInOneReadParseTheSame(int maxRead) throws Exception {
        byte[] data = new byte[5000];
        new Random(3).nextBytes(data);
        wire.maxRead = maxRead;
        wire.feed(concat(C2hPdus.icResp(0, 0, 3, 8192),
                C2hPdus.r2t(true, 4, 9, 0, 4096),
                C2hPdus.c2hData(true, true, 5, 0, data, TcpPdu.FLAG_DATA_LAST, 12),
                C2hPdus.capsuleResp(true, 5, 0, 42)));
        Recorder r = new Recorder();
        PduReceiver rx = new PduReceiver(wire, r, 512);
        r.receiver = rx;
        for (int i = 0; i < 100_000 && r.events.size() < 5; i++) {
            rx.pump();
        }
        assertEquals(List.of("icresp 0 0 3 8192", "r2t cid 4 ttag 9 off 0 len 4096", "c2h cid 5 off 0 len 5000",
                "c2h done 5 flags 7", "resp cid 5 status 0 dw0 42"), r.events.subList(0, 5));
        assertArrayEquals(data, r.buffer.asSlice(100, 5000).toArray(ValueLayout.JAVA_BYTE));
    }

    // ---- malformed PDUs, through a queue with one outstanding read ----

    private TcpQueue queueWithOutstandingRead(boolean hd, boolean dd, MemorySegment buf) throws Exception {
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

    private record Outcome(TcpTransportException failure, int status, int fesSent) {
    }

    private Outcome feedAndPoll(TcpQueue q, byte[] pdu) {
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

    private void assertProtocolFailure(byte[] pdu, int fes, String messagePart) throws Exception {
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

    private static byte[] patch(byte[] pdu, int offset, int value) {
        byte[] b = pdu.clone();
        b[offset] = (byte) value;
        return b;
    }

    private static byte[] patchInt(byte[] pdu, int offset, int value) {
        byte[] b = pdu.clone();
        le(b).putInt(offset, value);
        return b;
    }

    @Test
    void unknownPduTypeFails() throws Exception {
        assertProtocolFailure(patch(C2hPdus.capsuleResp(false, 3, 0, 0), 0, 0x0B), TcpPdu.FES_INVALID_HEADER_FIELD,
                "unknown type 0x0b");
    }

    @Test
    void aHostToControllerTypeFromTheControllerFails() throws Exception {
        assertProtocolFailure(patch(C2hPdus.capsuleResp(false, 3, 0, 0), 0, TcpPdu.H2C_DATA),
                TcpPdu.FES_INVALID_HEADER_FIELD, "never sends to a host");
    }

    @Test
    void wrongHeaderLengthFails() throws Exception {
        assertProtocolFailure(patch(C2hPdus.capsuleResp(false, 3, 0, 0), 2, 28), TcpPdu.FES_INVALID_HEADER_FIELD,
                "HLEN 28");
    }

    @Test
    void capsuleRespWithDataLengthFails() throws Exception {
        assertProtocolFailure(patchInt(C2hPdus.capsuleResp(false, 3, 0, 0), 4, 1 << 20),
                TcpPdu.FES_INVALID_HEADER_FIELD, "PLEN 1048576");
    }

    @Test
    void secondIcRespFails() throws Exception {
        assertProtocolFailure(C2hPdus.icResp(0, 0, 0, 8192), TcpPdu.FES_PDU_SEQUENCE_ERROR, "second ICResp");
    }

    @Test
    void c2hDataWithPdoInsideItsHeaderFails() throws Exception {
        assertProtocolFailure(patch(C2hPdus.c2hData(false, false, 3, 0, new byte[16], 0, 0), 3, 8),
                TcpPdu.FES_INVALID_HEADER_FIELD, "PDO 8");
    }

    @Test
    void c2hDataWithoutDataFails() throws Exception {
        assertProtocolFailure(patchInt(C2hPdus.c2hData(false, false, 3, 0, new byte[16], 0, 0), 4, 24),
                TcpPdu.FES_INVALID_HEADER_FIELD, "no room for data");
    }

    @Test
    void c2hDataLengthDisagreeingWithPlenFails() throws Exception {
        assertProtocolFailure(patchInt(C2hPdus.c2hData(false, false, 3, 0, new byte[16], 0, 0), 16, 17),
                TcpPdu.FES_INVALID_HEADER_FIELD, "DATAL 17");
    }

    @Test
    void successWithoutLastFails() throws Exception {
        assertProtocolFailure(C2hPdus.c2hData(false, false, 3, 0, new byte[16], TcpPdu.FLAG_DATA_SUCCESS, 0),
                TcpPdu.FES_INVALID_HEADER_FIELD, "SUCCESS but without LAST_PDU");
    }

    @Test
    void successBeforeTheEndOfTheDataFails() throws Exception {
        assertProtocolFailure(C2hPdus.c2hData(false, false, 3, 0, new byte[16],
                TcpPdu.FLAG_DATA_SUCCESS | TcpPdu.FLAG_DATA_LAST, 0), TcpPdu.FES_INVALID_HEADER_FIELD,
                "SUCCESS before the end");
    }

    @Test
    void dataBeyondTheCommandsBufferFailsWithoutReadingIt() throws Exception {
        // PLEN near 2 GiB: the host must neither allocate nor wait for that much.
        byte[] header = Arrays.copyOf(C2hPdus.c2hData(false, false, 3, 4000, new byte[16], 0, 0), 24);
        le(header).putInt(4, Integer.MAX_VALUE).putInt(16, Integer.MAX_VALUE - 24);
        assertProtocolFailure(header, TcpPdu.FES_DATA_OUT_OF_RANGE, "expected offset 0 of a 4096-byte transfer");
    }

    @Test
    void dataOutOfOrderFails() throws Exception {
        assertProtocolFailure(C2hPdus.c2hData(false, false, 3, 512, new byte[16], 0, 0),
                TcpPdu.FES_DATA_OUT_OF_RANGE, "at offset 512");
    }

    @Test
    void dataForACommandNotOutstandingFails() throws Exception {
        assertProtocolFailure(C2hPdus.c2hData(false, false, 6, 0, new byte[16], 0, 0),
                TcpPdu.FES_INVALID_HEADER_FIELD, "command 6, which is not outstanding");
    }

    @Test
    void responseForACommandNotOutstandingFails() throws Exception {
        assertProtocolFailure(C2hPdus.capsuleResp(false, 5, 0, 0), TcpPdu.FES_INVALID_HEADER_FIELD,
                "command 5, which is not outstanding");
    }

    @Test
    void successfulResponseBeforeAllReadDataFails() throws Exception {
        assertProtocolFailure(C2hPdus.capsuleResp(false, 3, 0, 0), TcpPdu.FES_PDU_SEQUENCE_ERROR,
                "after 0 of its 4096 data bytes");
    }

    @Test
    void r2tForAReadFails() throws Exception {
        assertProtocolFailure(C2hPdus.r2t(false, 3, 1, 0, 512), TcpPdu.FES_PDU_SEQUENCE_ERROR,
                "no data to send by R2T");
    }

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
    void c2hTermReqFailsTheConnectionWithTheControllersReason() throws Exception {
        TcpQueue q = queueWithOutstandingRead(false, false, arena.allocate(4096));
        Outcome o = feedAndPoll(q, C2hPdus.c2hTermReq(TcpPdu.FES_DATA_LIMIT_EXCEEDED, 24));
        assertEquals(TcpTransportException.Kind.TERMINATED_BY_PEER, o.failure().kind());
        assertTrue(o.failure().getMessage().contains("data transfer limit exceeded"), o.failure().getMessage());
        assertEquals(-1, o.fesSent(), "no H2CTermReq answers a C2HTermReq");
        assertEquals(TcpQueue.STATUS_HOST_PATH_ERROR, o.status());
    }

    @Test
    void oversizedC2hTermReqFails() throws Exception {
        assertProtocolFailure(C2hPdus.c2hTermReq(1, 4096), TcpPdu.FES_INVALID_HEADER_FIELD, "PLEN 4096");
    }

    @Test
    void endOfStreamInTheMiddleOfAPduFails() throws Exception {
        TcpQueue q = queueWithOutstandingRead(false, false, arena.allocate(4096));
        wire.eof = true;
        Outcome o = feedAndPoll(q, Arrays.copyOf(C2hPdus.capsuleResp(false, 3, 0, 0), 10));
        assertEquals(TcpTransportException.Kind.CONNECTION, o.failure().kind());
        assertTrue(o.failure().getMessage().contains("closed the connection"), o.failure().getMessage());
        assertEquals(TcpQueue.STATUS_HOST_PATH_ERROR, o.status());
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

    @Test
    void aCompletionArrivesOnceAndTheCidCanBeReused() throws Exception {
        MemorySegment buf = arena.allocate(4096);
        TcpQueue q = queueWithOutstandingRead(false, false, buf);
        byte[] data = new byte[4096];
        new Random(4).nextBytes(data);
        Outcome o = feedAndPoll(q, concat(C2hPdus.c2hData(false, false, 3, 0, data, TcpPdu.FLAG_DATA_LAST, 0),
                C2hPdus.capsuleResp(false, 3, 0, 0)));
        assertNull(o.failure());
        assertEquals(0, o.status());
        assertArrayEquals(data, buf.toArray(ValueLayout.JAVA_BYTE));
        q.submit(3, arena.allocate(64), 0, buf, 0, 4096, TcpQueue.DIR_FROM_CONTROLLER);
        assertEquals(1, q.outstanding());
    }

    @Test
    void c2hDataWithSuccessCompletesWithoutACapsuleResp() throws Exception {
        TcpQueue q = queueWithOutstandingRead(false, false, arena.allocate(4096));
        Outcome o = feedAndPoll(q, C2hPdus.c2hData(false, false, 3, 0, new byte[4096],
                TcpPdu.FLAG_DATA_LAST | TcpPdu.FLAG_DATA_SUCCESS, 0));
        assertNull(o.failure());
        assertEquals(0, o.status());
        assertEquals(0, q.outstanding());
    }
}
