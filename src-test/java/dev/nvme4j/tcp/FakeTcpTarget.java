package dev.nvme4j.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-process NVMe/TCP target on a loopback port, for the host's protocol flows: ICReq/ICResp
 * with digest negotiation, Fabrics Connect/Property Get/Set/Disconnect, Identify, Set Features
 * (queues), Keep Alive, the discovery log, and NVM Read/Write on one RAM namespace of 512-byte
 * blocks, with in-capsule writes, R2T/H2CData (in R2T chunks of {@link #r2tChunk}) and C2HData
 * (chunks of {@link #c2hChunk}, optionally with SUCCESS). Faults are switched on by the fields.
 * Written from the specification for tests; it trusts nothing it does not need to. The PDU I/O
 * of each connection is in {@link FakeTcpConnection}; this class is the controller behind it.
 */
final class FakeTcpTarget implements AutoCloseable {
    static final String SUBNQN = "nqn.2026-12.dev.nvme4j:fake";
    static final int BLOCK = 512;

    final byte[] media;
    volatile ServerSocket server;
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final AtomicInteger keepAlives = new AtomicInteger();
    /** Property Gets of CSTS. */
    final AtomicInteger cstsReads = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicInteger r2tsSent = new AtomicInteger();
    final AtomicInteger h2cDataPdus = new AtomicInteger();
    final AtomicInteger inCapsuleWrites = new AtomicInteger();
    volatile int lastH2cTermFes = -1;
    volatile int connectKato = -1;
    /** CATTR of the last I/O queue Connect (bit 2: SQ flow control disabled). */
    volatile int ioConnectCattr = -1;

    // Behaviour
    volatile boolean supportDigests = true;
    volatile int cpda = 0;
    volatile int maxH2cData = 64 * 1024;
    volatile int inCapsuleBytes = 4096;
    volatile int r2tChunk = 64 * 1024;
    volatile int c2hChunk = 16 * 1024;
    volatile boolean c2hSuccess = false;
    volatile int mdts = 5;
    // Faults (each fires on the next matching PDU)
    volatile boolean corruptHeaderDigest;
    volatile boolean corruptDataDigest;
    volatile boolean splitWrites;
    volatile boolean oversizedC2h;
    volatile boolean termReqOnRead;
    volatile boolean unknownPduOnRead;
    volatile boolean noResponseOnRead;
    /** This many reads (then none) get no response. */
    final AtomicInteger dropReads = new AtomicInteger();
    final AtomicInteger aborts = new AtomicInteger();
    final AtomicInteger ioCommands = new AtomicInteger();
    volatile boolean silentOnIcReq;
    /** Every PDU on every connection (old and new) is read and ignored; the sockets stay open. */
    volatile boolean silent;
    volatile boolean wrongC2hOffset;
    volatile boolean closeOnRead;
    /** Each read is answered this many milliseconds late. */
    volatile int readDelayMillis;
    volatile int discoveryRecords = 1;
    /** CC.EN never makes CSTS.RDY 1. */
    volatile boolean neverReady;
    /** CSTS.CFS is set once CC.EN is. */
    volatile boolean fatalOnEnable;

    /**
     * Admin commands (other than Fabrics) that came while the controller's CC.EN was 0, by opcode
     * (as nvmet does, each is answered Command Sequence Error).
     */
    final List<Integer> commandsWhileDisabled = new CopyOnWriteArrayList<>();

    private final AtomicInteger cntlids = new AtomicInteger(1);

    FakeTcpTarget(int blocks) throws IOException {
        media = new byte[blocks * BLOCK];
        listen(0);
    }

    private void listen(int port) throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server = ss;
        Thread t = new Thread(() -> acceptLoop(ss), "fake-nvme-tcp-accept");
        t.setDaemon(true);
        t.start();
    }

    /**
     * A target restart: every connection and the listening socket close now; after
     * {@code downMillis} (connections refused meanwhile) the target listens on the same port
     * again, with the same media.
     */
    void restart(long downMillis) throws IOException {
        int port = server.getLocalPort();
        close();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(downMillis);
                listen(port);
            } catch (IOException | InterruptedException e) {
                errors.add("restart: " + e);
            }
        }, "fake-nvme-tcp-restart");
        t.setDaemon(true);
        t.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void acceptLoop(ServerSocket ss) {
        while (!ss.isClosed()) {
            try {
                Socket s = ss.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "fake-nvme-tcp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void serve(Socket s) {
        try {
            FakeTcpConnection c = new FakeTcpConnection(this, s);
            while (true) {
                byte[] pdu = c.deferred.isEmpty() ? c.readPdu() : c.deferred.poll();
                if (pdu == null) {
                    return;
                }
                handle(c, ByteBuffer.wrap(pdu).order(ByteOrder.LITTLE_ENDIAN));
            }
        } catch (IOException e) {
            // connection closed by the host or by a test
        } catch (RuntimeException e) {
            errors.add(e.toString());
        } finally {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private void handle(FakeTcpConnection c, ByteBuffer p) throws IOException {
        int type = p.get(0) & 0xFF;
        if (silent) {
            return;
        }
        switch (type) {
            case TcpPdu.ICREQ -> icResp(c, p);
            case TcpPdu.CAPSULE_CMD -> command(c, p);
            case TcpPdu.H2C_TERM_REQ -> {
                lastH2cTermFes = p.getShort(8) & 0xFFFF;
                c.socket.close();
            }
            default -> throw new IllegalStateException("unexpected PDU type " + type + " from the host");
        }
    }

    private void icResp(FakeTcpConnection c, ByteBuffer p) throws IOException {
        if (silentOnIcReq) {
            return;
        }
        int want = p.get(11) & 3;
        int grant = supportDigests ? want : 0;
        c.hd = (grant & 1) != 0;
        c.dd = (grant & 2) != 0;
        ByteBuffer r = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        r.put((byte) TcpPdu.ICRESP).put((byte) 0).put((byte) 128).put((byte) 0).putInt(128);
        r.putShort((short) 0).put((byte) cpda).put((byte) grant).putInt(maxH2cData);
        r.position(128);
        c.send(r);
    }

    private void command(FakeTcpConnection c, ByteBuffer p) throws IOException {
        byte[] inCapsule = c.dataOf(p, 72);
        int opc = p.get(8) & 0xFF;
        int cid = p.getShort(10) & 0xFFFF;
        int nsid = p.getInt(12);
        int sglLen = p.getInt(8 + 32);
        int sglId = p.get(8 + 39) & 0xFF;
        int cdw10 = p.getInt(8 + 40);
        int cdw11 = p.getInt(8 + 44);
        int cdw12 = p.getInt(8 + 48);
        if ((p.get(9) & 0xC0) != 0x40) {
            throw new IllegalStateException("command without PSDT = SGL");
        }
        if (opc == 0x7F) {
            fabrics(c, p, cid, inCapsule);
            return;
        }
        if (c.qid == 0 && (c.cc & 1) == 0) {
            commandsWhileDisabled.add(opc);
            c.resp(cid, 0, SC_COMMAND_SEQUENCE_ERROR | DNR);
        } else if (c.qid == 0) {
            admin(c, opc, cid, nsid, cdw10, cdw11, cdw12, sglLen);
        } else {
            io(c, opc, cid, p.getLong(8 + 40), cdw12, sglId, sglLen, inCapsule);
        }
    }

    private void fabrics(FakeTcpConnection c, ByteBuffer p, int cid, byte[] data) throws IOException {
        int fctype = p.get(8 + 4) & 0xFF;
        switch (fctype) {
            case Fabrics.FCTYPE_CONNECT -> {
                int qid = p.getShort(8 + 42) & 0xFFFF;
                String subnqn = cstr(data, 256);
                if (!subnqn.equals(SUBNQN) && !subnqn.equals(Fabrics.DISCOVERY_NQN)) {
                    c.resp(cid, 0, (1 << 8) | 0x82);
                    return;
                }
                c.qid = qid;
                int cntlid = qid == 0 ? cntlids.getAndIncrement() : ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getShort(16);
                if (qid == 0) {
                    connectKato = p.getInt(8 + 48);
                } else {
                    ioConnectCattr = p.get(8 + 46) & 0xFF;
                }
                c.resp(cid, cntlid, 0);
            }
            case Fabrics.FCTYPE_PROPERTY_GET -> c.resp(cid, c.property(p.getInt(8 + 44)), 0);
            case Fabrics.FCTYPE_PROPERTY_SET -> {
                if (p.getInt(8 + 44) == 0x14) {
                    c.setCc((int) p.getLong(8 + 48));
                }
                c.resp(cid, 0, 0);
            }
            case Fabrics.FCTYPE_DISCONNECT -> {
                disconnects.incrementAndGet();
                c.resp(cid, 0, 0);
            }
            default -> c.resp(cid, 0, 0x02);
        }
    }

    /** Command Sequence Error (SC 0Ch), as nvmet answers an admin command while CC.EN is 0. */
    static final int SC_COMMAND_SEQUENCE_ERROR = 0x0C;
    /** The Do Not Retry bit of the status field. */
    static final int DNR = 1 << 14;

    /** Data SGL Length Invalid (SC 0Fh), as nvmet answers a transfer length that is not the command's. */
    static final int SC_DATA_SGL_LENGTH_INVALID = 0x0F;

    /** The data length each admin command of this target moves, as the specification defines it; -1: any. */
    private static int adminLength(int opc, int cdw10, int cdw11) {
        return switch (opc) {
            case 0x06 -> 4096;
            case 0x02 -> (int) ((((cdw10 >>> 16) | ((long) (cdw11 & 0xFFFF) << 16)) + 1) * 4);
            case 0x0A -> (cdw10 & 0xFF) == 0x81 ? ((cdw11 & 1) != 0 ? 16 : 8) : 0;
            case 0x09, 0x0C, 0x08, 0x18 -> 0;
            case 0x11 -> (cdw10 + 1) * 4;
            case 0x82 -> cdw11;
            default -> -1;
        };
    }

    private void admin(FakeTcpConnection c, int opc, int cid, int nsid, int cdw10, int cdw11, int cdw12, int len)
            throws IOException {
        int want = adminLength(opc, cdw10, cdw11);
        if (want >= 0 && len != want) {
            c.resp(cid, 0, SC_DATA_SGL_LENGTH_INVALID);
            return;
        }
        switch (opc) {
            case 0x06 -> {
                byte[] d = new byte[4096];
                ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
                if ((cdw10 & 0xFF) == 1) {
                    put(d, 4, "FAKE-SN-1");
                    put(d, 24, "nvme4j fake tcp target");
                    d[77] = (byte) mdts;
                    b.putInt(516, 1);
                    b.putInt(1792, (inCapsuleBytes + 64) / 16);
                    b.putInt(1796, 1);
                    put(d, 768, SUBNQN);
                } else if ((cdw10 & 0xFF) == 2 && nsid < 1) {
                    b.putInt(0, 1); // active namespace list: namespace 1
                } else if ((cdw10 & 0xFF) == 0 && nsid == 1) {
                    b.putLong(0, media.length / BLOCK);
                    b.putLong(8, media.length / BLOCK);
                    d[128 + 2] = 9;
                }
                c.c2h(cid, d, 0, 4096);
            }
            case 0x0A -> {
                if (len == 0) {
                    c.resp(cid, 0, 0);
                } else {
                    byte[] id = new byte[len];
                    Arrays.fill(id, (byte) 0x81);
                    c.c2h(cid, id, 0, len);
                }
            }
            case 0x11 -> c.resp(cid, 0, 0); // Firmware Image Download: the image part came in the capsule
            case 0x82 -> c.c2h(cid, new byte[len], 0, len); // Security Receive: zeros
            case 0x09 -> c.resp(cid, cdw11, 0);
            case 0x0C -> { } // Asynchronous Event Request: held, no event ever comes
            case 0x08 -> { // Abort: not aborted
                aborts.incrementAndGet();
                c.resp(cid, 1, 0);
            }
            case 0x18 -> {
                keepAlives.incrementAndGet();
                c.resp(cid, 0, 0);
            }
            case 0x02 -> {
                long off = Integer.toUnsignedLong(cdw12);
                byte[] log = discoveryLog();
                byte[] d = new byte[len];
                if (off < log.length) {
                    System.arraycopy(log, (int) off, d, 0, (int) Math.min(len, log.length - off));
                }
                c.c2h(cid, d, 0, len);
            }
            default -> c.resp(cid, 0, 0x01);
        }
    }

    private byte[] discoveryLog() {
        byte[] d = new byte[1024 + 1024 * Math.max(0, discoveryRecords)];
        ByteBuffer b = ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(0, 7);
        b.putLong(8, discoveryRecords);
        for (int i = 0; i < discoveryRecords; i++) {
            int e = 1024 + 1024 * i;
            d[e] = 3;
            d[e + 1] = 1;
            d[e + 2] = 2;
            d[e + 3] = 2;
            b.putShort(e + 4, (short) 1);
            b.putShort(e + 6, (short) 0xFFFF);
            b.putShort(e + 8, (short) 32);
            put(d, e + 32, Integer.toString(server.getLocalPort()));
            put(d, e + 256, SUBNQN);
            put(d, e + 512, "127.0.0.1");
        }
        return d;
    }

    private void io(FakeTcpConnection c, int opc, int cid, long slba, int cdw12, int sglId, int len,
            byte[] inCapsule)
            throws IOException {
        ioCommands.incrementAndGet();
        int blocks = (cdw12 & 0xFFFF) + 1;
        long off = slba * BLOCK;
        if (off + (long) blocks * BLOCK > media.length || len != blocks * BLOCK) {
            c.resp(cid, 0, 0x80);
            return;
        }
        if (opc == 0x01) {
            if (sglId == 0x01) {
                inCapsuleWrites.incrementAndGet();
                System.arraycopy(inCapsule, 0, media, (int) off, len);
            } else {
                c.receiveByR2t(cid, (int) off, len);
            }
            c.resp(cid, 0, 0);
        } else if (opc == 0x02) {
            if (closeOnRead) {
                closeOnRead = false;
                c.socket.close();
                return;
            }
            if (noResponseOnRead || dropReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return;
            }
            if (termReqOnRead) {
                termReqOnRead = false;
                ByteBuffer t = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                t.put((byte) TcpPdu.C2H_TERM_REQ).put((byte) 0).put((byte) 24).put((byte) 0).putInt(24);
                t.putShort((short) TcpPdu.FES_DATA_LIMIT_EXCEEDED).putInt(0);
                t.position(24);
                c.send(t);
                return;
            }
            if (unknownPduOnRead) {
                unknownPduOnRead = false;
                ByteBuffer t = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
                t.put((byte) 0x0B).put((byte) 0).put((byte) 24).put((byte) 0).putInt(24);
                t.position(24);
                c.send(t);
                return;
            }
            if (oversizedC2h) {
                oversizedC2h = false;
                ByteBuffer t = c.header(TcpPdu.C2H_DATA, TcpPdu.FLAG_DATA_LAST, 24, 0x7FFF_0000);
                t.putShort(8, (short) cid).putInt(12, 0).putInt(16, 0x7FFF_0000 - 24 - (c.hd ? 4 : 0) - (c.dd ? 4 : 0));
                c.finishHeader(t, 24);
                c.send(t);
                return;
            }
            if (readDelayMillis > 0) {
                try {
                    Thread.sleep(readDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            c.c2h(cid, media, (int) off, len);
        } else {
            c.resp(cid, 0, 0x01);
        }
    }

    private static void put(byte[] d, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, d, off, b.length);
    }

    private static String cstr(byte[] d, int off) {
        int n = 0;
        while (off + n < d.length && d[off + n] != 0 && n < 256) {
            n++;
        }
        return new String(d, off, n, StandardCharsets.US_ASCII);
    }
}
