package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.C2hPdus.le;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every malformed PDU fails the connection with the right fatal error status, while the
 * outstanding command completes once with a transport error.
 */
class PduMalformedTest extends PduQueueFixture {
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
}
