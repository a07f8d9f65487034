package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.TcpPdu.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Parses the controller-to-host PDU stream of one queue, incrementally: a PDU may arrive in any
 * number of reads and one read may hold many PDUs. Every header is checked before anything is
 * done with it (type, HLEN, PDO, PLEN, flags, digests); data goes straight from the fixed receive
 * buffer into the command's buffer, so the peer never decides how much the host allocates.
 *
 * <p>Not thread-safe: the queue's owner thread calls {@link #pump()}.
 */
final class PduReceiver {
    /** What the parsed PDUs mean to the queue above. May throw to fail the connection. */
    interface Listener {
        void onIcResp(int pfv, int cpda, int digest, int maxH2cData) throws TcpTransportException;

        void onCapsuleResp(int dw0, int dw1, int dw2, int dw3) throws TcpTransportException;

        /**
         * A C2HData header for {@code cid}: checks the range and returns the buffer the data goes to,
         * at {@link #c2hBufferOffset(int)} + {@code dataOffset}.
         */
        MemorySegment onC2hData(int cid, int dataOffset, int length, int flags) throws TcpTransportException;

        long c2hBufferOffset(int cid);

        /** All data of the C2HData PDU arrived (and its digest matched). */
        void onC2hDataDone(int cid, int length, int flags) throws TcpTransportException;

        /** The data digest of a C2HData PDU for {@code cid} did not match; the connection fails next. */
        void onDataDigestError(int cid);

        void onR2t(int cid, int ttag, int offset, int length) throws TcpTransportException;
    }

    private enum State { COMMON, HEADER, PAD, DATA, DATA_DIGEST, SKIP }

    private final Wire wire;
    private final Listener listener;
    private final ByteBuffer rx;
    private final MemorySegment rxSegment;
    private final ByteBuffer digestView;
    private final CRC32C crc = new CRC32C();
    private final boolean shortReadTakesAll;
    private boolean headerDigest;
    private boolean dataDigest;
    private boolean icRespSeen;

    private State state = State.COMMON;
    private int type;
    private int flags;
    private int hlen;
    private int pdo;
    private int plen;
    private int headerNeed;
    private int padLeft;
    private int dataLeft;
    private int dataLength;
    private int dataOffsetInBuffer;
    private int cid;
    private MemorySegment target;
    private long targetBase;
    private int skipLeft;
    private byte[] offendingHeader = new byte[0];

    PduReceiver(Wire wire, Listener listener, int bufferSize) {
        if (bufferSize < 2 * (MAX_HLEN + DIGEST_LENGTH)) {
            throw new IllegalArgumentException("receive buffer of " + bufferSize + " bytes is too small");
        }
        this.wire = wire;
        this.listener = listener;
        this.rx = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
        this.shortReadTakesAll = wire.shortReadTakesAll();
        this.rxSegment = MemorySegment.ofBuffer(rx);
        this.digestView = rx.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Digests negotiated by ICReq/ICResp: from now on they are required on the PDUs that carry them. */
    void digests(boolean header, boolean data) {
        this.headerDigest = header;
        this.dataDigest = data;
    }

    /** The header of the PDU that broke the protocol (at most 128 bytes), for the H2CTermReq. */
    byte[] offendingHeader() {
        return offendingHeader;
    }

    /**
     * Reads what the wire has and handles every complete part of it; returns the number of bytes
     * read (0: nothing was available). Throws when the stream ended or broke the protocol.
     */
    int pump() throws IOException {
        int total = 0;
        for (int round = 0; round < 64; round++) {
            int room = rx.remaining();
            int n = wire.read(rx);
            if (n < 0) {
                throw new TcpTransportException(TcpTransportException.Kind.CONNECTION,
                        "the target closed the connection" + (state == State.COMMON && rx.position() == 0
                                ? "" : " in the middle of a " + typeName(type) + " PDU"));
            }
            if (n == 0 && total > 0) {
                break;
            }
            total += n;
            rx.flip();
            try {
                process();
            } finally {
                rx.compact();
            }
            if (n == 0 || (shortReadTakesAll && n < room)) {
                break;
            }
        }
        return total;
    }

    private void process() throws TcpTransportException {
        while (true) {
            switch (state) {
                case COMMON -> {
                    if (rx.remaining() < COMMON_HEADER_LENGTH) {
                        return;
                    }
                    checkCommonHeader();
                    state = State.HEADER;
                }
                case HEADER -> {
                    if (rx.remaining() < headerNeed) {
                        return;
                    }
                    handleHeader();
                }
                case PAD -> {
                    int n = Math.min(padLeft, rx.remaining());
                    rx.position(rx.position() + n);
                    padLeft -= n;
                    if (padLeft > 0) {
                        return;
                    }
                    state = State.DATA;
                }
                case DATA -> {
                    int n = Math.min(dataLeft, rx.remaining());
                    if (n == 0) {
                        return;
                    }
                    int pos = rx.position();
                    MemorySegment.copy(rxSegment, pos, target,
                            targetBase + dataOffsetInBuffer + (dataLength - dataLeft), n);
                    if (dataDigest) {
                        digestView.limit(pos + n).position(pos);
                        crc.update(digestView);
                    }
                    rx.position(pos + n);
                    dataLeft -= n;
                    if (dataLeft > 0) {
                        return;
                    }
                    if (dataDigest) {
                        state = State.DATA_DIGEST;
                    } else {
                        finishData();
                    }
                }
                case DATA_DIGEST -> {
                    if (rx.remaining() < DIGEST_LENGTH) {
                        return;
                    }
                    int got = rx.getInt();
                    if (got != (int) crc.getValue()) {
                        listener.onDataDigestError(cid);
                        throw new TcpTransportException(TcpTransportException.Kind.DIGEST, 0,
                                String.format("data digest error in C2HData for command %d: got 0x%08x, computed 0x%08x",
                                        cid, got, (int) crc.getValue()), null);
                    }
                    finishData();
                }
                case SKIP -> {
                    int n = Math.min(skipLeft, rx.remaining());
                    rx.position(rx.position() + n);
                    skipLeft -= n;
                    if (skipLeft > 0) {
                        return;
                    }
                    state = State.COMMON;
                }
            }
        }
    }

    private void finishData() throws TcpTransportException {
        state = State.COMMON;
        listener.onC2hDataDone(cid, dataLength, flags);
    }

    /** The 8 bytes at {@code p} in hex, with their printable characters. */
    private String firstBytes(int p) {
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < COMMON_HEADER_LENGTH; i++) {
            int b = rx.get(p + i) & 0xFF;
            hex.append(String.format("%02x", b));
            text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return hex + " '" + text + "'";
    }

    private void checkCommonHeader() throws TcpTransportException {
        int p = rx.position();
        type = rx.get(p + OFF_TYPE) & 0xFF;
        flags = rx.get(p + OFF_FLAGS) & 0xFF;
        hlen = rx.get(p + OFF_HLEN) & 0xFF;
        pdo = rx.get(p + OFF_PDO) & 0xFF;
        plen = rx.getInt(p + OFF_PLEN);
        int expected = expectedC2hHeaderLength(type);
        if (!icRespSeen && (expected < 0 || hlen != expected)) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_TYPE, "the peer is not an NVMe/TCP target: its first bytes ("
                    + firstBytes(p) + ") are no ICResp; check the address and the port");
        }
        if (expected < 0) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_TYPE, "a " + typeName(type) + " PDU, which a controller never sends to a host");
        }
        if (!icRespSeen && type != ICRESP && type != C2H_TERM_REQ) {
            throw bad(FES_PDU_SEQUENCE_ERROR, OFF_TYPE, "a " + typeName(type) + " PDU before the ICResp");
        }
        if (icRespSeen && type == ICRESP) {
            throw bad(FES_PDU_SEQUENCE_ERROR, OFF_TYPE, "a second ICResp");
        }
        if (hlen != expected) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_HLEN, typeName(type) + " with HLEN " + hlen + ", expected " + expected);
        }
        boolean digestsApply = type != ICRESP && type != C2H_TERM_REQ;
        boolean hd = (flags & FLAG_HDGST) != 0;
        if (digestsApply ? hd != headerDigest : hd) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_FLAGS, typeName(type) + " with the HDGST flag "
                    + (hd ? "set" : "clear") + " while header digests are " + (headerDigest ? "on" : "off"));
        }
        int hdLen = hd ? DIGEST_LENGTH : 0;
        headerNeed = hlen + hdLen;
        switch (type) {
            case ICRESP, CAPSULE_RESP, R2T -> {
                if ((flags & ~FLAG_HDGST) != 0 || pdo != 0 || plen != headerNeed) {
                    throw bad(FES_INVALID_HEADER_FIELD, OFF_PLEN, String.format(
                            "%s with FLAGS 0x%02x, PDO %d, PLEN %d; expected no data flags, PDO 0 and PLEN %d",
                            typeName(type), flags, pdo, plen, headerNeed));
                }
            }
            case C2H_TERM_REQ -> {
                if (plen < TERM_REQ_HLEN || plen > MAX_TERM_REQ_PLEN) {
                    throw bad(FES_INVALID_HEADER_FIELD, OFF_PLEN, "C2HTermReq with PLEN " + plen
                            + ", outside " + TERM_REQ_HLEN + ".." + MAX_TERM_REQ_PLEN);
                }
            }
            case C2H_DATA -> checkC2hDataLengths(hdLen);
            default -> throw new AssertionError(type);
        }
    }

    private void checkC2hDataLengths(int hdLen) throws TcpTransportException {
        boolean dd = (flags & FLAG_DDGST) != 0;
        if (dd != dataDigest) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_FLAGS, "C2HData with the DDGST flag " + (dd ? "set" : "clear")
                    + " while data digests are " + (dataDigest ? "on" : "off"));
        }
        if ((flags & FLAG_DATA_SUCCESS) != 0 && (flags & FLAG_DATA_LAST) == 0) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_FLAGS, "C2HData with SUCCESS but without LAST_PDU");
        }
        if (pdo < hlen + hdLen) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_PDO, "C2HData with PDO " + pdo + " inside its header ("
                    + (hlen + hdLen) + " bytes)");
        }
        long data = (long) plen - pdo - (dd ? DIGEST_LENGTH : 0);
        if (plen < 0 || data <= 0) {
            throw bad(FES_INVALID_HEADER_FIELD, OFF_PLEN, "C2HData with PLEN " + Integer.toUnsignedString(plen)
                    + " and PDO " + pdo + ": no room for data");
        }
        padLeft = pdo - hlen - hdLen;
        dataLength = (int) data;
    }

    private void handleHeader() throws TcpTransportException {
        int p = rx.position();
        if (headerNeed > hlen) {
            digestView.limit(p + hlen).position(p);
            crc.reset();
            crc.update(digestView);
            int got = rx.getInt(p + hlen);
            if (got != (int) crc.getValue()) {
                offendingHeader = copyHeader(p);
                throw new TcpTransportException(TcpTransportException.Kind.DIGEST, FES_HEADER_DIGEST_ERROR,
                        String.format("header digest error in a %s PDU: got 0x%08x, computed 0x%08x",
                                typeName(type), got, (int) crc.getValue()), null);
            }
        }
        switch (type) {
            case ICRESP -> {
                icRespSeen = true;
                int pfv = rx.getShort(p + OFF_IC_PFV) & 0xFFFF;
                int cpda = rx.get(p + OFF_IC_PDA) & 0xFF;
                int dgst = rx.get(p + OFF_IC_DGST) & 0xFF;
                int maxData = rx.getInt(p + OFF_IC_MAXR2T_OR_MAXH2CDATA);
                rx.position(p + headerNeed);
                state = State.COMMON;
                listener.onIcResp(pfv, cpda, dgst, maxData);
            }
            case CAPSULE_RESP -> {
                int dw0 = rx.getInt(p + OFF_CAPSULE);
                int dw1 = rx.getInt(p + OFF_CAPSULE + 4);
                int dw2 = rx.getInt(p + OFF_CAPSULE + 8);
                int dw3 = rx.getInt(p + OFF_CAPSULE + 12);
                rx.position(p + headerNeed);
                state = State.COMMON;
                listener.onCapsuleResp(dw0, dw1, dw2, dw3);
            }
            case R2T -> {
                int c = rx.getShort(p + OFF_DATA_CCCID) & 0xFFFF;
                int ttag = rx.getShort(p + OFF_DATA_TTAG) & 0xFFFF;
                int off = rx.getInt(p + OFF_DATA_OFFSET);
                int len = rx.getInt(p + OFF_DATA_LENGTH);
                try {
                    listener.onR2t(c, ttag, off, len);
                } catch (TcpTransportException e) {
                    offendingHeader = copyHeader(p);
                    throw e;
                }
                rx.position(p + headerNeed);
                state = State.COMMON;
            }
            case C2H_DATA -> {
                cid = rx.getShort(p + OFF_DATA_CCCID) & 0xFFFF;
                int off = rx.getInt(p + OFF_DATA_OFFSET);
                int len = rx.getInt(p + OFF_DATA_LENGTH);
                if (len != dataLength) {
                    throw bad(FES_INVALID_HEADER_FIELD, OFF_DATA_LENGTH, "C2HData with DATAL " + Integer.toUnsignedString(len)
                            + " but " + dataLength + " bytes of data by PLEN and PDO");
                }
                try {
                    target = listener.onC2hData(cid, off, len, flags);
                } catch (TcpTransportException e) {
                    offendingHeader = copyHeader(p);
                    throw e;
                }
                targetBase = listener.c2hBufferOffset(cid);
                dataOffsetInBuffer = off;
                dataLeft = len;
                crc.reset();
                rx.position(p + headerNeed);
                state = padLeft > 0 ? State.PAD : State.DATA;
            }
            case C2H_TERM_REQ -> {
                int fes = rx.getShort(p + OFF_TERM_FES) & 0xFFFF;
                int fei = rx.getInt(p + OFF_TERM_FEI);
                rx.position(p + headerNeed);
                skipLeft = plen - headerNeed;
                state = State.SKIP;
                throw new TcpTransportException(TcpTransportException.Kind.TERMINATED_BY_PEER, fes,
                        String.format("the controller terminated the connection (C2HTermReq): %s, field info 0x%x",
                                fesName(fes), fei), null);
            }
            default -> throw new AssertionError(type);
        }
    }

    private byte[] copyHeader(int p) {
        int n = Math.min(Math.min(hlen, MAX_HLEN), rx.limit() - p);
        byte[] copy = new byte[n];
        rx.get(p, copy);
        return copy;
    }

    private TcpTransportException bad(int fes, int fieldOffset, String what) {
        int p = rx.position();
        offendingHeader = copyHeader(p);
        return TcpTransportException.protocol(fes, fieldOffset, "malformed PDU from the controller: " + what);
    }
}
