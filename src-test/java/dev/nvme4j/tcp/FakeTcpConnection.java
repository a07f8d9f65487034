package dev.nvme4j.tcp;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.zip.CRC32C;

/**
 * One host connection of {@link FakeTcpTarget}: reading and writing its PDUs, their header and
 * data digests, and moving command data (C2HData, R2T/H2CData) and responses, with the target's
 * chunk sizes and one-shot faults.
 */
final class FakeTcpConnection {
    final FakeTcpTarget target;
    final Socket socket;
    final DataInputStream in;
    final OutputStream out;
    boolean hd;
    boolean dd;
    int qid = -1;
    /** CC and CSTS of the controller whose admin queue this connection is (one association each). */
    volatile int cc;
    volatile int csts;
    /** Capsules that arrived while an R2T transfer was in progress, handled after it. */
    final ArrayDeque<byte[]> deferred = new ArrayDeque<>();

    FakeTcpConnection(FakeTcpTarget target, Socket s) throws IOException {
        this.target = target;
        socket = s;
        in = new DataInputStream(s.getInputStream());
        out = s.getOutputStream();
    }

    void send(ByteBuffer pdu) throws IOException {
        byte[] b = new byte[pdu.position()];
        pdu.flip();
        pdu.get(b);
        if (target.splitWrites) {
            for (byte x : b) {
                out.write(x);
                out.flush();
            }
        } else {
            out.write(b);
            out.flush();
        }
    }

    byte[] readPdu() throws IOException {
        byte[] ch = new byte[8];
        try {
            in.readFully(ch);
        } catch (java.io.EOFException e) {
            return null;
        }
        int plen = ByteBuffer.wrap(ch).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        if (plen < 8 || plen > (16 << 20)) {
            throw new IllegalStateException("host sent PLEN " + plen);
        }
        byte[] pdu = new byte[plen];
        System.arraycopy(ch, 0, pdu, 0, 8);
        in.readFully(pdu, 8, plen - 8);
        return pdu;
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Checks a host PDU's header digest and returns the offset where its data starts. */
    private int checkHeader(ByteBuffer p, int hlen) {
        byte[] a = p.array();
        if (hd) {
            if ((p.get(1) & TcpPdu.FLAG_HDGST) == 0) {
                throw new IllegalStateException("host PDU without HDGST flag");
            }
            if (p.getInt(hlen) != crc(a, 0, hlen)) {
                throw new IllegalStateException("bad header digest from the host");
            }
        }
        return p.get(3) & 0xFF;
    }

    byte[] dataOf(ByteBuffer p, int hlen) {
        int pdo = checkHeader(p, hlen);
        if (pdo == 0) {
            return new byte[0];
        }
        int plen = p.getInt(4);
        int len = plen - pdo - (dd ? 4 : 0);
        byte[] d = new byte[len];
        System.arraycopy(p.array(), pdo, d, 0, len);
        if (dd && p.getInt(pdo + len) != crc(d, 0, len)) {
            throw new IllegalStateException("bad data digest from the host");
        }
        return d;
    }

    void receiveByR2t(int cid, int mediaOff, int len) throws IOException {
        int done = 0;
        int ttag = 7;
        while (done < len) {
            int n = Math.min(target.r2tChunk, len - done);
            ByteBuffer r = header(TcpPdu.R2T, 0, 24, 24 + (hd ? 4 : 0));
            r.putShort(8, (short) cid).putShort(10, (short) ttag).putInt(12, done).putInt(16, n);
            finishHeader(r, 24);
            send(r);
            target.r2tsSent.incrementAndGet();
            int got = 0;
            while (got < n) {
                byte[] pdu = readPdu();
                if (pdu == null) {
                    throw new IOException("host closed during R2T");
                }
                ByteBuffer p = ByteBuffer.wrap(pdu).order(ByteOrder.LITTLE_ENDIAN);
                if ((p.get(0) & 0xFF) == TcpPdu.CAPSULE_CMD) {
                    deferred.add(pdu);
                    continue;
                }
                if ((p.get(0) & 0xFF) != TcpPdu.H2C_DATA) {
                    throw new IllegalStateException("expected H2CData, got type " + p.get(0));
                }
                byte[] data = dataOf(p, 24);
                int dOff = p.getInt(12);
                int dLen = p.getInt(16);
                if ((p.getShort(8) & 0xFFFF) != cid || (p.getShort(10) & 0xFFFF) != ttag || dOff != done + got
                        || dLen != data.length || data.length > target.maxH2cData) {
                    throw new IllegalStateException("bad H2CData: offset " + dOff + " length " + dLen + " data "
                            + data.length + " (max " + target.maxH2cData + ")");
                }
                boolean last = (p.get(1) & TcpPdu.FLAG_DATA_LAST) != 0;
                if (last != (got + dLen == n)) {
                    throw new IllegalStateException("LAST_PDU flag wrong at " + (got + dLen) + " of " + n);
                }
                target.h2cDataPdus.incrementAndGet();
                System.arraycopy(data, 0, target.media, mediaOff + done + got, dLen);
                got += dLen;
            }
            done += n;
            ttag++;
        }
    }

    void c2h(int cid, byte[] src, int srcOff, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = Math.min(target.c2hChunk, len - done);
            boolean last = done + n == len;
            int hdLen = hd ? 4 : 0;
            int pdo = TcpPdu.dataOffset(24, hd, 0);
            int flags = (dd ? TcpPdu.FLAG_DDGST : 0) | (last ? TcpPdu.FLAG_DATA_LAST : 0)
                    | (last && target.c2hSuccess ? TcpPdu.FLAG_DATA_SUCCESS : 0);
            int plen = pdo + n + (dd ? 4 : 0);
            ByteBuffer t = header(TcpPdu.C2H_DATA, flags, pdo, plen);
            t.putShort(8, (short) cid).putInt(12, target.wrongC2hOffset ? done + 4 : done).putInt(16, n);
            finishHeader(t, 24);
            assert t.position() == 24 + hdLen;
            t.position(pdo);
            t.put(src, srcOff + done, n);
            if (dd) {
                int d = crc(src, srcOff + done, n);
                if (target.corruptDataDigest) {
                    target.corruptDataDigest = false;
                    d ^= 1;
                }
                t.putInt(d);
            }
            send(t);
            done += n;
        }
        if (!target.c2hSuccess) {
            resp(cid, 0, 0);
        }
    }

    ByteBuffer header(int type, int flags, int pdo, int plen) {
        int hdFlag = hd ? TcpPdu.FLAG_HDGST : 0;
        ByteBuffer b = ByteBuffer.allocate(Math.max(plen, 64) > (1 << 24) ? 64 : Math.max(plen, 64))
                .order(ByteOrder.LITTLE_ENDIAN);
        int hlen = type == TcpPdu.CAPSULE_RESP ? 24 : 24;
        b.put((byte) type).put((byte) (flags | hdFlag)).put((byte) hlen).put((byte) (type == TcpPdu.C2H_DATA ? pdo : 0))
                .putInt(plen);
        return b;
    }

    void finishHeader(ByteBuffer b, int hlen) {
        b.position(hlen);
        if (hd) {
            int d = crc(b.array(), 0, hlen);
            if (target.corruptHeaderDigest) {
                target.corruptHeaderDigest = false;
                d ^= 1;
            }
            b.putInt(d);
        }
    }

    /** Property Get (CAP, VS, CC, CSTS) of the controller behind this admin connection. */
    long property(int offset) {
        if (offset == 0x1C) {
            target.cstsReads.incrementAndGet();
        }
        return switch (offset) {
            case 0x00 -> 1023L | (1L << 37) | (2L << 24);
            case 0x08 -> 0x00010300;
            case 0x14 -> cc;
            case 0x1C -> csts;
            default -> 0;
        };
    }

    /**
     * Property Set of CC: EN makes CSTS.RDY 1 (unless the target is never ready; CFS with
     * {@code fatalOnEnable}); a shutdown (SHN) reports SHST complete and clears CC, as nvmet does,
     * so the controller is disabled until it is enabled again.
     */
    void setCc(int value) {
        int shn = (value >>> 14) & 3;
        boolean en = (value & 1) != 0 && shn == 0;
        csts = (en && !target.neverReady ? 1 : 0) | (target.fatalOnEnable && (value & 1) != 0 ? 2 : 0)
                | (shn != 0 ? 2 << 2 : 0);
        cc = shn != 0 ? 0 : value;
    }

    void resp(int cid, long result, int status) throws IOException {
        int plen = 24 + (hd ? 4 : 0);
        ByteBuffer r = header(TcpPdu.CAPSULE_RESP, 0, 0, plen);
        r.putLong(8, result);
        r.putInt(16, 0);
        r.putInt(20, cid | (status << 17));
        finishHeader(r, 24);
        send(r);
    }
}
