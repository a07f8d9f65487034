package dev.nvme4j.tcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/** Builds controller-to-host PDUs byte by byte from the specification's layouts, for the codec's tests. */
final class C2hPdus {
    private C2hPdus() {
    }

    static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static byte[] icResp(int pfv, int cpda, int dgst, int maxH2cData) {
        ByteBuffer b = le(128);
        b.put((byte) TcpPdu.ICRESP).put((byte) 0).put((byte) 128).put((byte) 0).putInt(128);
        b.putShort((short) pfv).put((byte) cpda).put((byte) dgst).putInt(maxH2cData);
        return b.array();
    }

    /** A CapsuleResp for {@code cid} with {@code status} (the 15-bit field) and DW0. */
    static byte[] capsuleResp(boolean hd, int cid, int status, int dw0) {
        ByteBuffer b = le(24 + (hd ? 4 : 0));
        b.put((byte) TcpPdu.CAPSULE_RESP).put((byte) (hd ? 1 : 0)).put((byte) 24).put((byte) 0).putInt(b.capacity());
        b.putInt(8, dw0).putInt(16, 0).putInt(20, cid | (status << 17));
        return digestHeader(b, hd, 24);
    }

    static byte[] r2t(boolean hd, int cid, int ttag, int offset, int length) {
        ByteBuffer b = le(24 + (hd ? 4 : 0));
        b.put((byte) TcpPdu.R2T).put((byte) (hd ? 1 : 0)).put((byte) 24).put((byte) 0).putInt(b.capacity());
        b.putShort(8, (short) cid).putShort(10, (short) ttag).putInt(12, offset).putInt(16, length);
        return digestHeader(b, hd, 24);
    }

    /** A C2HData PDU with {@code pad} bytes of padding between the header (and digest) and the data. */
    static byte[] c2hData(boolean hd, boolean dd, int cid, int offset, byte[] data, int flags, int pad) {
        int pdo = 24 + (hd ? 4 : 0) + pad;
        int plen = pdo + data.length + (dd ? 4 : 0);
        ByteBuffer b = le(plen);
        b.put((byte) TcpPdu.C2H_DATA).put((byte) ((hd ? 1 : 0) | (dd ? 2 : 0) | flags)).put((byte) 24)
                .put((byte) pdo).putInt(plen);
        b.putShort(8, (short) cid).putInt(12, offset).putInt(16, data.length);
        digestHeader(b, hd, 24);
        b.position(pdo);
        b.put(data);
        if (dd) {
            b.putInt(crc(data, 0, data.length));
        }
        return b.array();
    }

    static byte[] c2hTermReq(int fes, int plen) {
        ByteBuffer b = le(Math.max(plen, 24));
        b.put((byte) TcpPdu.C2H_TERM_REQ).put((byte) 0).put((byte) 24).put((byte) 0).putInt(plen);
        b.putShort(8, (short) fes);
        return b.array();
    }

    private static byte[] digestHeader(ByteBuffer b, boolean hd, int hlen) {
        if (hd) {
            b.putInt(hlen, crc(b.array(), 0, hlen));
        }
        return b.array();
    }

    /** {@code b} read and written little-endian, as every PDU field is. */
    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Several PDUs one after another, as one read may bring them. */
    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
