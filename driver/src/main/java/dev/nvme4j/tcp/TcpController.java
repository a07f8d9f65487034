package dev.nvme4j.tcp;

import dev.nvme4j.spec.Le;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NVMe controller reached over NVMe/TCP: the admin queue's connection, Fabrics Connect
 * (NVMe over Fabrics 1.1, 3.3), the controller properties through Property Get/Set (3.4/3.5)
 * and the enable sequence over them (Base 3.5.1), Identify, Keep Alive at half the negotiated
 * KATO, and I/O queues, one TCP connection each, connected with the CNTLID the admin Connect
 * returned.
 *
 * <p>Threading: admin commands are serialised on the admin queue (the Keep Alive timer shares
 * it); each {@link TcpIoQueue} has one owner thread. Every wait is bounded by the options.
 */
public final class TcpController implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpController.class);
    private static final ValueLayout.OfInt INT = Le.INT;
    private static final int ADMIN_DEPTH = 32;
    // Identify Controller fields of the fabrics (Base 2.0 figure 275)
    private static final int CTRL_IOCCSZ = 1792;
    private static final int CTRL_IORCSZ = 1796;
    private static final int CTRL_ICDOFF = 1800;

    private final InetSocketAddress address;
    private final String subNqn;
    private final TcpOptions options;
    private final TcpQueue admin;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sqe = arena.allocate(64, 64);
    private final MemorySegment connectData = arena.allocate(Fabrics.CONNECT_DATA_SIZE, 64);
    private final MemorySegment identify = arena.allocate(IdentifyLayout.SIZE, 4096);
    private final List<TcpIoQueue> ioQueues = new ArrayList<>();
    /** The Keep Alive timer (none when KATO is 0). */
    private final KeepAlive keepAlive;
    private int cntlid;
    private long cap;
    private int vs;
    private int inCapsuleBytes;
    private int mdtsBytes;
    private boolean enabled;
    private boolean closed;

    private TcpController(InetSocketAddress address, String subNqn, TcpOptions options, TcpQueue admin) {
        this.address = address;
        this.subNqn = subNqn;
        this.options = options;
        this.admin = admin;
        admin.keepAliveBoundNanos = options.keepAliveMillis() > 0 ? options.keepAliveBoundNanos() : 0;
        this.keepAlive = new KeepAlive(admin, sqe, options, subNqn);
    }

    /**
     * Connects to subsystem {@code subNqn} at {@code address}, enables the controller and reads
     * Identify Controller. A discovery controller ({@link Fabrics#DISCOVERY_NQN}) is enabled but not
     * identified as an NVM controller.
     */
    public static TcpController connect(InetSocketAddress address, String subNqn, TcpOptions options)
            throws TcpTransportException {
        Fabrics.checkNqn("subsystem NQN", subNqn);
        TcpQueue admin = TcpQueue.open(address, 0, ADMIN_DEPTH, options);
        TcpController c = new TcpController(address, subNqn, options, admin);
        try {
            c.cntlid = c.fabricsConnect(admin, 0, ADMIN_DEPTH, Fabrics.CNTLID_DYNAMIC, options.keepAliveMillis());
            c.enable();
            c.keepAlive.start();
            if (!Fabrics.DISCOVERY_NQN.equals(subNqn)) {
                c.identifyController();
            }
            return c;
        } catch (TcpTransportException | RuntimeException e) {
            c.closeQuietly();
            throw e;
        }
    }

    /** The controller ID the admin Connect returned. */
    public int cntlid() {
        return cntlid;
    }

    /** CAP, read by Property Get at connect. */
    public long cap() {
        return cap;
    }

    /** VS, read by Property Get at connect. */
    public int version() {
        return vs;
    }

    public String subsystemNqn() {
        return subNqn;
    }

    /** The most write data an I/O command carries in its capsule (IOCCSZ * 16 - 64). */
    public int inCapsuleBytes() {
        return inCapsuleBytes;
    }

    /** The largest transfer of one command (MDTS), 0 for no limit. */
    public int maxTransferBytes() {
        return mdtsBytes;
    }

    public int keepAlivesSent() {
        synchronized (admin) {
            return keepAlive.sent();
        }
    }

    /** Runs of the Keep Alive timer so far, including those that sent nothing. */
    int keepAliveTicks() {
        return keepAlive.ticks();
    }

    public TcpQueue adminQueue() {
        return admin;
    }

    /** A copy of the Identify Controller data read at connect. */
    public byte[] identifyControllerData() {
        synchronized (admin) {
            return identify.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Property Get (Fabrics 3.4) of a 4- or 8-byte controller property. */
    public long propertyGet(int offset, boolean eightBytes) throws TcpTransportException {
        synchronized (admin) {
            Fabrics.propertyGet(sqe, offset, eightBytes);
            int status = admin.execute(sqe, null, 0, 0, TcpQueue.DIR_NONE, options.keepAliveBoundNanos());
            check(status, String.format("Property Get of offset 0x%x", offset));
            long lo = Integer.toUnsignedLong(admin.lastDw0());
            keepAlive.propertyRead(offset, lo);
            return eightBytes ? lo | ((long) admin.lastDw1() << 32) : lo;
        }
    }

    /** Property Set (Fabrics 3.5) of a 4- or 8-byte controller property. */
    public void propertySet(int offset, boolean eightBytes, long value) throws TcpTransportException {
        synchronized (admin) {
            keepAlive.propertyWritten(offset, value);
            Fabrics.propertySet(sqe, offset, eightBytes, value);
            int status = admin.execute(sqe, null, 0, 0, TcpQueue.DIR_NONE, options.keepAliveBoundNanos());
            check(status, String.format("Property Set of offset 0x%x", offset));
        }
    }

    /**
     * Runs an admin command: the SQE at {@code command[0..64)}, data of {@code length} bytes at
     * {@code buffer[offset]} moving in {@code direction}. Returns the status field; DW0 of the
     * completion is in {@link TcpQueue#lastDw0()} of {@link #adminQueue()} until the next command.
     */
    public int adminCommand(MemorySegment command, MemorySegment buffer, long offset, int length, int direction)
            throws TcpTransportException {
        synchronized (admin) {
            return admin.execute(command, buffer, offset, length, direction, options.ioTimeoutNanos());
        }
    }

    /** Identify (Base 5.17) with {@code cns} and {@code nsid} into {@code dst} (4096 bytes). */
    public void identify(int cns, int nsid, MemorySegment dst) throws TcpTransportException {
        synchronized (admin) {
            Sqe.clear(sqe, 0);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW0, Opcodes.ADMIN_IDENTIFY);
            Sqe.putInt(sqe, 0, Sqe.OFF_NSID, nsid);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW10, cns);
            int status = admin.execute(sqe, dst, 0, IdentifyLayout.SIZE, TcpQueue.DIR_FROM_CONTROLLER,
                    options.ioTimeoutNanos());
            check(status, "Identify CNS " + cns);
        }
    }

    /**
     * Creates I/O queue {@code qid} of {@code depth} entries: a new TCP connection, ICReq/ICResp,
     * then Connect with this controller's CNTLID (Fabrics 3.3). The queue is owned by the caller's
     * thread and closed by {@link TcpIoQueue#close()} or with the controller.
     */
    public TcpIoQueue createIoQueue(int qid, int depth) throws TcpTransportException {
        TcpIoQueue io = new TcpIoQueue(this, connectIo(qid, depth, depth, 0), options);
        synchronized (ioQueues) {
            ioQueues.add(io);
        }
        return io;
    }

    /**
     * A connected I/O queue {@code qid} of {@code depth} entries (Connect SQSIZE = depth - 1) whose
     * connection tracks {@code cids} command identifiers, the first {@code reserved} the caller's.
     */
    TcpQueue connectIo(int qid, int depth, int cids, int reserved) throws TcpTransportException {
        if (qid < 1 || qid > 65534) {
            throw new IllegalArgumentException("I/O queue ID " + qid + " outside 1..65534");
        }
        int mqes = (int) (cap & 0xFFFF) + 1;
        if (depth < 2 || depth > mqes) {
            throw new IllegalArgumentException("queue depth " + depth + " outside 2.." + mqes + " (CAP.MQES + 1)");
        }
        TcpQueue q = TcpQueue.open(address, qid, cids, reserved, options);
        try {
            // The Connect data always travels in the capsule (NVMe/TCP 3.3); I/O data up to IOCCSZ after it.
            q.inCapsuleLimit(Math.max(inCapsuleBytes, Fabrics.CONNECT_DATA_SIZE));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cmd = a.allocate(64, 64);
                MemorySegment data = a.allocate(Fabrics.CONNECT_DATA_SIZE, 64);
                Fabrics.connect(cmd, qid, depth - 1,
                        options.disableSqFlowControl() ? Fabrics.CATTR_DISABLE_SQ_FLOW_CONTROL : 0, 0);
                Fabrics.connectData(data, options.hostId(), cntlid, subNqn, options.hostNqn());
                int status = q.execute(cmd, data, 0, Fabrics.CONNECT_DATA_SIZE, TcpQueue.DIR_TO_CONTROLLER,
                        options.connectTimeoutNanos());
                if (status != Status.SUCCESS) {
                    throw new NvmeException(connectFailure(status).replace("Connect", "Connect of I/O queue " + qid),
                            status);
                }
            }
            q.inCapsuleLimit(inCapsuleBytes);
            return q;
        } catch (TcpTransportException | RuntimeException e) {
            q.close();
            throw e;
        }
    }

    /**
     * An association for the shared driver ({@link TcpFunction}): the admin connection and its
     * Connect (CNTLID FFFFh, KATO), CAP and VS, Keep Alive running; the controller is not enabled
     * (the driver's bring-up does that over Property Set). The admin connection tracks
     * {@code ringDepth + 1} CIDs, the first {@code ringDepth - 1} the driver's admin trackers.
     */
    static TcpController associate(InetSocketAddress address, String subNqn, TcpOptions options, int ringDepth)
            throws TcpTransportException {
        Fabrics.checkNqn("subsystem NQN", subNqn);
        TcpQueue admin = TcpQueue.open(address, 0, ringDepth + 1, ringDepth - 1, options);
        TcpController c = new TcpController(address, subNqn, options, admin);
        try {
            c.cntlid = c.fabricsConnect(admin, 0, Math.min(ringDepth, ADMIN_DEPTH), Fabrics.CNTLID_DYNAMIC,
                    options.keepAliveMillis());
            c.cap = c.propertyGet(NvmeRegs.CAP, true);
            c.vs = (int) c.propertyGet(NvmeRegs.VS, false);
            c.keepAlive.start();
            return c;
        } catch (TcpTransportException | RuntimeException e) {
            c.closeQuietly();
            throw e;
        }
    }

    /** Reads Identify Controller (IOCCSZ, MDTS) once the driver enabled the controller. */
    void identifyOnce() throws TcpTransportException {
        if (!identified) {
            identifyController();
            identified = true;
        }
    }

    private boolean identified;

    void forget(TcpIoQueue q) {
        synchronized (ioQueues) {
            ioQueues.remove(q);
        }
    }

    /**
     * Sets the number of I/O queues (Set Features, FID 07h) and returns how many submission
     * queues the controller allocated.
     */
    public int requestIoQueues(int count) throws TcpTransportException {
        synchronized (admin) {
            Sqe.clear(sqe, 0);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW0, Opcodes.ADMIN_SET_FEATURES);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW10, Opcodes.FEAT_NUMBER_OF_QUEUES);
            Sqe.putInt(sqe, 0, Sqe.OFF_CDW11, (count - 1) | ((count - 1) << 16));
            int status = admin.execute(sqe, null, 0, 0, TcpQueue.DIR_NONE, options.ioTimeoutNanos());
            check(status, "Set Features Number of Queues");
            return (admin.lastDw0() & 0xFFFF) + 1;
        }
    }

    /** Connect (Fabrics 3.3) on {@code q}; returns the CNTLID of the response (DW0 bits 15:0). */
    private int fabricsConnect(TcpQueue q, int qid, int depth, int wantCntlid, int kato) throws TcpTransportException {
        synchronized (admin) {
            Fabrics.connect(sqe, qid, depth - 1, 0, kato);
            Fabrics.connectData(connectData, options.hostId(), wantCntlid, subNqn, options.hostNqn());
            int status = q.execute(sqe, connectData, 0, Fabrics.CONNECT_DATA_SIZE, TcpQueue.DIR_TO_CONTROLLER,
                    options.connectTimeoutNanos());
            if (status != Status.SUCCESS) {
                throw new NvmeException(connectFailure(status), status);
            }
            return q.lastDw0() & 0xFFFF;
        }
    }

    private String connectFailure(int status) {
        return Fabrics.connectFailure(status, subNqn, address, options.hostNqn());
    }

    /** Base 3.5.1 over properties: CAP and VS, CC.EN with 64/16-byte entries, wait for CSTS.RDY (CAP.TO bound). */
    private void enable() throws TcpTransportException {
        cap = propertyGet(NvmeRegs.CAP, true);
        vs = (int) propertyGet(NvmeRegs.VS, false);
        long csts = propertyGet(NvmeRegs.CSTS, false);
        if ((csts & NvmeRegs.CSTS_RDY) != 0) {
            enabled = true;
            keepAlive.enabled();
            return;
        }
        int cc = NvmeRegs.CC_EN | (6 << NvmeRegs.CC_IOSQES_SHIFT) | (4 << NvmeRegs.CC_IOCQES_SHIFT);
        propertySet(NvmeRegs.CC, false, cc);
        long toMillis = Math.max(500, ((cap >>> 24) & 0xFF) * 500);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(toMillis);
        while (true) {
            csts = propertyGet(NvmeRegs.CSTS, false);
            if ((csts & NvmeRegs.CSTS_CFS) != 0) {
                throw new NvmeException("controller " + subNqn + " reports a fatal status (CSTS.CFS) while enabling");
            }
            if ((csts & NvmeRegs.CSTS_RDY) != 0) {
                enabled = true;
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException("controller " + subNqn + " not ready (CSTS.RDY) within CAP.TO = " + toMillis
                        + " ms after CC.EN");
            }
            sleep(10);
        }
    }

    private void identifyController() throws TcpTransportException {
        identify(Opcodes.CNS_CONTROLLER, 0, identify);
        int ioccsz = identify.get(INT, CTRL_IOCCSZ);
        int icdoff = identify.get(Le.SHORT, CTRL_ICDOFF) & 0xFFFF;
        // In-capsule data starts right after the SQE only when ICDOFF is 0 (Base 2.0 figure 275).
        inCapsuleBytes = icdoff == 0 && ioccsz >= 4 ? (int) Math.min(1 << 20, ioccsz * 16L - 64) : 0;
        int mdts = identify.get(ValueLayout.JAVA_BYTE, IdentifyLayout.CTRL_MDTS) & 0xFF;
        int mps = 4096 << (int) ((cap >>> 48) & 0xF);
        mdtsBytes = mdts == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (long) mps << mdts);
        log.debug("connected to {} at {}: cntlid {}, IOCCSZ {} ({} bytes in capsule), IORCSZ {}, MDTS {}",
                subNqn, address, cntlid, ioccsz, inCapsuleBytes, identify.get(INT, CTRL_IORCSZ), mdtsBytes);
    }

    /** The model number from Identify Controller, trimmed. */
    public String modelNumber() {
        return ascii(IdentifyLayout.CTRL_MN, IdentifyLayout.CTRL_MN_LEN);
    }

    public String serialNumber() {
        return ascii(IdentifyLayout.CTRL_SN, IdentifyLayout.CTRL_SN_LEN);
    }

    private String ascii(int off, int len) {
        synchronized (admin) {
            byte[] b = identify.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
            return new String(b, StandardCharsets.US_ASCII).trim();
        }
    }

    /**
     * Closes every I/O queue (Disconnect), shuts the controller down (CC.SHN, bounded wait for
     * CSTS.SHST) and closes the admin connection. Outstanding commands complete with an abort status.
     */
    @Override
    public void close() {
        List<TcpIoQueue> open;
        synchronized (ioQueues) {
            open = new ArrayList<>(ioQueues);
        }
        for (TcpIoQueue q : open) {
            q.close();
        }
        keepAlive.stop();
        synchronized (admin) {
            keepAlive.disabled();
            if (!closed && enabled && admin.failure() == null) {
                try {
                    shutdown();
                } catch (TcpTransportException | RuntimeException e) {
                    log.warn("shutdown of {} did not complete: {}", subNqn, e.getMessage());
                }
            }
            closed = true;
            admin.close();
        }
        arena.close();
    }

    private void shutdown() throws TcpTransportException {
        long cc = propertyGet(NvmeRegs.CC, false);
        propertySet(NvmeRegs.CC, false, (cc & ~(0x3L << NvmeRegs.CC_SHN_SHIFT))
                | ((long) NvmeRegs.CC_SHN_NORMAL << NvmeRegs.CC_SHN_SHIFT));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() - deadline < 0) {
            long csts = propertyGet(NvmeRegs.CSTS, false);
            if (((csts & NvmeRegs.CSTS_SHST_MASK) >>> NvmeRegs.CSTS_SHST_SHIFT) == NvmeRegs.SHST_COMPLETE) {
                return;
            }
            sleep(10);
        }
        log.warn("{} did not report shutdown complete (CSTS.SHST) within 5 s", subNqn);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            log.debug("close after a failed connect: {}", e.getMessage());
        }
    }

    static void check(int status, String what) {
        if (status != Status.SUCCESS) {
            throw NvmeException.forStatus(what, status);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeException("interrupted while waiting for the controller");
        }
    }
}
