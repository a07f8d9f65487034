package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.C2hPdus.le;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The PDUs of NVMe/TCP 1.0 the host writes: their layouts, digests, alignment and streaming, and
 * how a full socket is waited on.
 */
class PduSenderTest {
    private static final long DEADLINE = Long.MAX_VALUE / 2;
    private final Arena arena = Arena.ofConfined();
    private final MemoryWire wire = new MemoryWire();

    @AfterEach
    void close() {
        arena.close();
    }

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
}
