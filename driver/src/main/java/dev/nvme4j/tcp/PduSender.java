package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.TcpPdu.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Writes the host-to-controller PDUs of one queue into a fixed, reusable send buffer and flushes
 * it to the wire: headers (and their digests) are built in place, data is copied from the
 * caller's buffer in chunks the size of the send buffer, so nothing is allocated per command and a
 * PDU may be larger than the buffer. PDUs accumulate until {@link #flush(long)}, so a batch of
 * commands goes out in one write.
 *
 * <p>While the socket does not take more, the sender lets the queue read (through
 * {@link ReadWhileBlocked}) so that a controller busy writing to the host can never deadlock it.
 * Not thread-safe: the queue's owner calls it.
 */
final class PduSender {
    /**
     * Called while a write is blocked: reads and handles what the controller sent meanwhile, and
     * returns false when it cannot (the write comes from inside the read path itself).
     */
    interface ReadWhileBlocked {
        boolean readWhileBlocked() throws IOException;
    }

    private final Wire wire;
    private final ReadWhileBlocked reader;
    private final ByteBuffer tx;
    private final MemorySegment txSegment;
    private final ByteBuffer digestView;
    private final CRC32C crc = new CRC32C();
    private boolean headerDigest;
    private boolean dataDigest;
    private int cpda;

    PduSender(Wire wire, ReadWhileBlocked reader, int bufferSize) {
        if (bufferSize < 2 * (MAX_HLEN + DIGEST_LENGTH) + 256) {
            throw new IllegalArgumentException("send buffer of " + bufferSize + " bytes is too small");
        }
        this.wire = wire;
        this.reader = reader;
        this.tx = ByteBuffer.allocateDirect(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
        this.txSegment = MemorySegment.ofBuffer(tx);
        this.digestView = tx.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Applies what ICResp negotiated to every later PDU. */
    void negotiated(boolean header, boolean data, int controllerPda) {
        this.headerDigest = header;
        this.dataDigest = data;
        this.cpda = controllerPda;
    }

    /** The bytes waiting to be flushed. */
    int pending() {
        return tx.position();
    }

    /** The first PDU: ICReq (3.6.2.2). Digests are requested here and confirmed by the ICResp. */
    void icReq(int hpda, int digestFlags, int maxR2t, long deadline) throws IOException {
        int p = begin(ICREQ_HLEN, deadline);
        commonHeader(p, ICREQ, 0, ICREQ_HLEN, 0, ICREQ_HLEN);
        tx.putShort(p + OFF_IC_PFV, (short) PFV_1_0);
        tx.put(p + OFF_IC_PDA, (byte) hpda);
        tx.put(p + OFF_IC_DGST, (byte) digestFlags);
        tx.putInt(p + OFF_IC_MAXR2T_OR_MAXH2CDATA, maxR2t);
        tx.position(p + ICREQ_HLEN);
    }

    /**
     * A command capsule (3.6.2.5): the 64-byte SQE at {@code sqe[sqeOffset]} with its CID and data
     * pointer set here (the caller's SQE is never modified): PSDT = SGL, and one SGL descriptor
     * {@code sglIdentifier} of {@code sglLength} bytes at address 0 (Base 4.1.2, NVMe/TCP 3.3.3).
     * When {@code inCapsule > 0}, that many bytes from {@code data[dataOffset]} follow in the capsule.
     */
    void capsuleCmd(MemorySegment sqe, long sqeOffset, int cid, int sglIdentifier, int sglLength,
            MemorySegment data, long dataOffset, int inCapsule, long deadline) throws IOException {
        int hd = headerDigest ? DIGEST_LENGTH : 0;
        boolean withData = inCapsule > 0;
        int pdo = withData ? dataOffset(CAPSULE_CMD_HLEN, headerDigest, cpda) : 0;
        int plen = withData ? pdo + inCapsule + (dataDigest ? DIGEST_LENGTH : 0) : CAPSULE_CMD_HLEN + hd;
        int flags = (headerDigest ? FLAG_HDGST : 0) | (withData && dataDigest ? FLAG_DDGST : 0);
        int p = begin(withData ? pdo : CAPSULE_CMD_HLEN + hd, deadline);
        commonHeader(p, CAPSULE_CMD, flags, CAPSULE_CMD_HLEN, pdo, plen);
        int s = p + OFF_CAPSULE;
        MemorySegment.copy(sqe, sqeOffset, txSegment, s, 64);
        tx.put(s + 1, (byte) ((tx.get(s + 1) & 0x3F) | SQE_PSDT_SGL));
        tx.putShort(s + 2, (short) cid);
        tx.putLong(s + 24, 0L);
        tx.putInt(s + 32, sglLength);
        tx.putShort(s + 36, (short) 0);
        tx.put(s + 38, (byte) 0);
        tx.put(s + 39, (byte) sglIdentifier);
        finishHeader(p, CAPSULE_CMD_HLEN, withData ? pdo : CAPSULE_CMD_HLEN + hd);
        if (withData) {
            data(data, dataOffset, inCapsule, deadline);
        }
    }

    /** CDW0 byte 1 bits 7:6, PSDT = 01b: SGLs for data (Base 4.2, figure 88); required on fabrics. */
    static final int SQE_PSDT_SGL = 0x40;
    /** SGL Data Block descriptor, sub type Offset: data in the capsule (Base 4.1.2.1, NVMe/TCP 3.3.3). */
    static final int SGL_IN_CAPSULE = 0x01;
    /** Transport SGL Data Block descriptor, transport specific sub type: data by R2T/H2CData or C2HData. */
    static final int SGL_TRANSPORT = 0x5A;

    /** One H2CData PDU (3.6.2.8) answering an R2T: {@code length} bytes at {@code dataOffset} of the command's data. */
    void h2cData(int cid, int ttag, int dataOffset, MemorySegment data, long bufferOffset, int length, boolean last,
            long deadline) throws IOException {
        int hd = headerDigest ? DIGEST_LENGTH : 0;
        int pdo = dataOffset(DATA_HLEN, headerDigest, cpda);
        int plen = pdo + length + (dataDigest ? DIGEST_LENGTH : 0);
        int flags = (headerDigest ? FLAG_HDGST : 0) | (dataDigest ? FLAG_DDGST : 0) | (last ? FLAG_DATA_LAST : 0);
        int p = begin(pdo, deadline);
        commonHeader(p, H2C_DATA, flags, DATA_HLEN, pdo, plen);
        tx.putShort(p + OFF_DATA_CCCID, (short) cid);
        tx.putShort(p + OFF_DATA_TTAG, (short) ttag);
        tx.putInt(p + OFF_DATA_OFFSET, dataOffset);
        tx.putInt(p + OFF_DATA_LENGTH, length);
        tx.putInt(p + 20, 0);
        finishHeader(p, DATA_HLEN, pdo);
        assert hd == 0 || pdo >= DATA_HLEN + hd;
        data(data, bufferOffset + dataOffset, length, deadline);
    }

    /**
     * H2CTermReq (3.6.2.4): tells the controller why the host is closing the connection, with the
     * offending PDU header (at most 128 bytes). Never carries digests.
     */
    void h2cTermReq(int fes, int fei, byte[] offendingHeader, long deadline) throws IOException {
        int n = Math.min(offendingHeader.length, MAX_TERM_REQ_PLEN - TERM_REQ_HLEN);
        int p = begin(TERM_REQ_HLEN + n, deadline);
        commonHeader(p, H2C_TERM_REQ, 0, TERM_REQ_HLEN, 0, TERM_REQ_HLEN + n);
        tx.putShort(p + OFF_TERM_FES, (short) fes);
        tx.putInt(p + OFF_TERM_FEI, fei);
        tx.put(p + TERM_REQ_HLEN, offendingHeader, 0, n);
        tx.position(p + TERM_REQ_HLEN + n);
    }

    /** Writes everything pending; waits (bounded) while the socket is full. */
    void flush(long deadline) throws IOException {
        if (tx.position() == 0) {
            return;
        }
        tx.flip();
        try {
            while (tx.hasRemaining()) {
                if (wire.write(tx) == 0) {
                    boolean canRead = reader.readWhileBlocked();
                    if (!(canRead ? wire.await(true, deadline) : wire.awaitWritableOnly(deadline))) {
                        throw new TcpTransportException(TcpTransportException.Kind.TIMEOUT,
                                "the controller took no data for too long (send buffer full, " + tx.remaining()
                                        + " bytes pending)");
                    }
                }
            }
        } finally {
            tx.compact();
        }
    }

    private int begin(int headerRoom, long deadline) throws IOException {
        if (tx.remaining() < headerRoom) {
            flush(deadline);
        }
        int p = tx.position();
        // Zero the header so that reserved fields are zero whatever the buffer held before.
        int i = 0;
        for (; i + 4 <= headerRoom; i += 4) {
            tx.putInt(p + i, 0);
        }
        for (; i < headerRoom; i++) {
            tx.put(p + i, (byte) 0);
        }
        return p;
    }

    private void commonHeader(int p, int type, int flags, int hlen, int pdo, int plen) {
        tx.put(p + OFF_TYPE, (byte) type);
        tx.put(p + OFF_FLAGS, (byte) flags);
        tx.put(p + OFF_HLEN, (byte) hlen);
        tx.put(p + OFF_PDO, (byte) pdo);
        tx.putInt(p + OFF_PLEN, plen);
    }

    /** Appends the header digest if negotiated; the header plus padding ends at {@code p + end}. */
    private void finishHeader(int p, int hlen, int end) {
        if (headerDigest) {
            digestView.limit(p + hlen).position(p);
            crc.reset();
            crc.update(digestView);
            tx.putInt(p + hlen, (int) crc.getValue());
        }
        tx.position(p + end);
    }

    private void data(MemorySegment src, long offset, int length, long deadline) throws IOException {
        crc.reset();
        int done = 0;
        while (done < length) {
            if (!tx.hasRemaining()) {
                flush(deadline);
            }
            int n = Math.min(length - done, tx.remaining());
            int p = tx.position();
            MemorySegment.copy(src, offset + done, txSegment, p, n);
            if (dataDigest) {
                digestView.limit(p + n).position(p);
                crc.update(digestView);
            }
            tx.position(p + n);
            done += n;
        }
        if (dataDigest) {
            if (tx.remaining() < DIGEST_LENGTH) {
                flush(deadline);
            }
            tx.putInt((int) crc.getValue());
        }
    }
}
