package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.C2hPdus.concat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PDUs the host parses: whole, split into single bytes or many in one read, and the
 * completions they end in.
 */
class PduReceiverTest extends PduQueueFixture {
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
