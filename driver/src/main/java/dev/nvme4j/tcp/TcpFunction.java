package dev.nvme4j.tcp;

import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.FabricsLink;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NVMe/TCP controller presented to the shared driver as the function it drives: the transport
 * below the seam. The driver ({@code ctrl}, {@code queue}) runs unchanged on top: its bring-up,
 * watchdog, reset and teardown go through {@link TcpRegisters} (Property Get/Set), its queues keep
 * their SQ/CQ rings in plain memory ({@link TcpDma}) and each queue's {@link RingLink} carries the
 * ring over its own TCP connection. Admin commands that have no meaning on fabrics are answered
 * here: Create I/O CQ records the ring, Create I/O SQ connects the queue (Fabrics Connect),
 * Delete I/O SQ disconnects it, Delete I/O CQ is a no-op.
 *
 * <p>Failures: a broken connection (reset, a malformed PDU, a digest error, a Keep Alive or
 * command timeout) makes CSTS read CFS, so the driver's watchdog resets the controller. Over TCP
 * a reset is a new association (as the Linux host does it): clearing CC.EN closes every
 * connection, setting it again connects the admin queue anew, with back-off up to
 * {@link #reconnectTimeoutNanos}, then the driver recreates its queues (Connect) and resubmits
 * what was outstanding. When reconnecting fails within the bound the reset fails and the
 * controller is marked failed with the reason.
 *
 * <p>Thread-safety: register accesses from any thread; the admin link under the admin
 * connection's monitor; an I/O link by its queue pair's gate holder.
 */
public final class TcpFunction implements PciFunction, FabricsLink, RingLink.AdminIntercept, TcpVector.Links {
    private static final Logger LOG = LoggerFactory.getLogger(TcpFunction.class);
    private static final int STATUS_INVALID_OPCODE = Status.of(0, 0x01, true);
    private static final int STATUS_INTERNAL = Status.of(0, 0x06, false);

    private final InetSocketAddress address;
    private final String subNqn;
    private final TcpOptions options;
    private final int adminRingDepth;
    private final long reconnectTimeoutNanos;
    private final String name;
    private final TcpDma dma = new TcpDma();
    private final TcpRegisters regs = new TcpRegisters(this);
    private final long cap;
    private final int vs;
    /** The current association; null between a reset's disable and its enable, and after close. */
    private volatile TcpController assoc;
    private volatile RingLink adminLink;
    private volatile RingLink[] links = new RingLink[65];
    private long[] cqIova = new long[65];
    private volatile boolean closed;
    private int reconnects;

    private TcpFunction(InetSocketAddress address, String subNqn, TcpOptions options, int adminRingDepth,
            long reconnectTimeoutNanos, TcpController first) {
        this.address = address;
        this.subNqn = subNqn;
        this.options = options;
        this.adminRingDepth = adminRingDepth;
        this.reconnectTimeoutNanos = reconnectTimeoutNanos;
        this.name = "tcp://" + address.getHostString() + ":" + address.getPort() + "/" + subNqn;
        this.assoc = first;
        this.cap = first.cap();
        this.vs = first.version();
    }

    /**
     * Connects to subsystem {@code subNqn} at {@code address} (one attempt: a refused or failing
     * first connection is reported at once), for a driver whose admin queue has at most
     * {@code adminRingDepth} entries.
     */
    public static TcpFunction open(InetSocketAddress address, String subNqn, TcpOptions options, int adminRingDepth,
            long reconnectTimeoutNanos) {
        try {
            TcpController first = TcpController.associate(address, subNqn, options, adminRingDepth);
            return new TcpFunction(address, subNqn, options, adminRingDepth, reconnectTimeoutNanos, first);
        } catch (TcpTransportException e) {
            throw new NvmeException("connecting to " + subNqn + " at " + address + ": " + e.getMessage(), e);
        }
    }

    // ---- PciFunction ----

    @Override
    public String address() {
        return name;
    }

    @Override
    public RegisterSpace registers() {
        return regs;
    }

    @Override
    public DmaAllocator dma() {
        return dma;
    }

    /** One "vector" per queue: its connection's readability ({@link TcpVector}); vector {@code n} is queue {@code n}'s. */
    @Override
    public int msixVectorCount() {
        return 65536;
    }

    @Override
    public InterruptVector[] enableMsix(int count) {
        InterruptVector[] v = new InterruptVector[count];
        for (int i = 0; i < count; i++) {
            v[i] = new TcpVector(this, i);
        }
        return v;
    }

    @Override
    public void disableMsix() {
    }

    @Override
    public boolean functionReset() {
        return false;
    }

    @Override
    public DeviceEvents deviceEvents() {
        return DeviceEvents.NONE;
    }

    /** A remote controller is never "gone" the way a PCI function is: its failures are connection failures. */
    @Override
    public boolean isPresent() {
        return !closed;
    }

    @Override
    public void detach() {
        closed = true;
        dropAssociation();
    }

    @Override
    public void release() {
        detach();
    }

    @Override
    public FabricsLink fabricsLink() {
        return this;
    }

    @Override
    public void close() {
        closed = true;
        dropAssociation();
        dma.close();
    }

    /** Associations made after the first (each reset over TCP makes one). */
    public int reconnects() {
        return reconnects;
    }

    // ---- registers ----

    long cap() {
        return cap;
    }

    int version() {
        return vs;
    }

    /**
     * CSTS: CFS (with RDY) while a connection is broken, 0 without an association, else Property
     * Get; a read showing RDY alone stands for {@link #READY_REUSE_NANOS} until CC is written (the
     * watchdog reads CSTS every period: each a round trip here; Keep Alive watches the target).
     */
    int csts() {
        TcpController a = assoc;
        if (a == null) {
            return 0;
        }
        if (broken(a)) {
            return NvmeRegs.CSTS_CFS | NvmeRegs.CSTS_RDY;
        }
        long at = readyAt;
        if (at != 0 && System.nanoTime() - at < READY_REUSE_NANOS) {
            return NvmeRegs.CSTS_RDY;
        }
        int gen = ccWrites;
        try {
            int v = (int) a.propertyGet(NvmeRegs.CSTS, false);
            readyAt = v == NvmeRegs.CSTS_RDY && gen == ccWrites ? System.nanoTime() | 1 : 0;
            return v;
        } catch (TcpTransportException e) {
            return NvmeRegs.CSTS_CFS | NvmeRegs.CSTS_RDY;
        }
    }

    /** How long a CSTS read showing RDY alone is reused: at most one Property Get of CSTS a second. */
    static final long READY_REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** When CSTS last read RDY alone (nanoTime, odd), 0 for none since CC was last written. */
    private volatile long readyAt;
    /** CC writes so far: a CSTS read that a CC write overtook is not reused. */
    private volatile int ccWrites;

    private boolean broken(TcpController a) {
        return firstFailure(a) != null;
    }

    /** The admin connection's failure, else the first failed I/O connection's, else null. */
    private TcpTransportException firstFailure(TcpController a) {
        TcpTransportException f = a.adminQueue().failure();
        for (RingLink l : links) {
            if (f == null && l != null) {
                f = l.conn.failure();
            }
        }
        return f;
    }

    /** The broken connection's reason (reset, Keep Alive or command timeout, digest or protocol error). */
    @Override
    public String failureCause() {
        TcpController a = assoc;
        TcpTransportException f = a == null ? null : firstFailure(a);
        return f == null ? null : f.getMessage();
    }

    long property(long offset, boolean eightBytes) {
        TcpController a = assoc;
        if (a == null || broken(a)) {
            return 0;
        }
        try {
            return a.propertyGet((int) offset, eightBytes);
        } catch (TcpTransportException e) {
            return 0;
        }
    }

    void propertySet(long offset, boolean eightBytes, long value) {
        TcpController a = assoc;
        if (a == null) {
            return;
        }
        try {
            a.propertySet((int) offset, eightBytes, value);
        } catch (TcpTransportException e) {
            throw new NvmeException(name + ": Property Set of offset 0x" + Long.toHexString(offset) + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * CC: clearing EN ends the association (every connection closes, as a reset over TCP does);
     * setting EN starts one if there is none (or it is broken), then sets CC on the controller.
     */
    void writeCc(int old, int value) {
        ccWrites++;
        readyAt = 0;
        boolean wasEnabled = NvmeRegs.ccEn(old);
        boolean enable = NvmeRegs.ccEn(value);
        if (wasEnabled && !enable) {
            dropAssociation();
            return;
        }
        TcpController a = assoc;
        if (enable && !wasEnabled) {
            if (a == null || broken(a)) {
                dropAssociation();
                a = reassociate();
            }
            propertySet(NvmeRegs.CC, false, Integer.toUnsignedLong(value & ~NvmeRegs.CC_EN));
            adminLink = new RingLink(0, NvmeRegs.aqaAsqs(regs.aqa) + 1, ring(regs.asq, NvmeRegs.aqaAsqs(regs.aqa) + 1, 64),
                    ring(regs.acq, NvmeRegs.aqaAcqs(regs.aqa) + 1, 16), a.adminQueue(), dma, this);
        }
        if (a != null && !broken(a)) {
            propertySet(NvmeRegs.CC, false, Integer.toUnsignedLong(value));
        }
    }

    private MemorySegment ring(long iova, int entries, int entrySize) {
        MemorySegment seg = dma.segmentOf(iova);
        long bytes = (long) entries * entrySize;
        long off = TcpDma.offsetOf(iova);
        if (seg == null || off + bytes > seg.byteSize()) {
            throw new NvmeException(name + ": queue ring at 0x" + Long.toHexString(iova) + " (" + bytes
                    + " bytes) is not memory of this controller");
        }
        return seg.asSlice(off, bytes);
    }

    private TcpController reassociate() {
        if (closed) {
            throw new NvmeException(name + " is closed");
        }
        TcpController a = Reconnect.associate(name, address, subNqn, options, adminRingDepth, reconnectTimeoutNanos,
                () -> closed);
        if (a.cap() != cap) {
            LOG.warn("{}: CAP changed across the reconnect (0x{} -> 0x{})", name, Long.toHexString(cap),
                    Long.toHexString(a.cap()));
        }
        assoc = a;
        reconnects++;
        return a;
    }

    /** Closes every connection of the association (no shutdown: the driver did that, or the link is gone). */
    private void dropAssociation() {
        readyAt = 0;
        RingLink[] ls = links;
        for (int i = 0; i < ls.length; i++) {
            RingLink l = ls[i];
            if (l != null) {
                ls[i] = null;
                l.close();
            }
        }
        adminLink = null;
        TcpController a = assoc;
        assoc = null;
        if (a != null) {
            a.close();
        }
    }

    // ---- doorbells and completions ----

    void doorbell(long offset, int value) {
        long index = (offset - NvmeRegs.DOORBELL_BASE) >>> (2 + NvmeRegs.capDstrd(cap));
        if ((index & 1) != 0) {
            return; // CQ head: the link never has more completions in flight than the ring holds
        }
        RingLink l = link((int) (index >>> 1));
        if (l != null && l.qid == 0) {
            synchronized (l.conn) {
                l.doorbell(value);
            }
        } else if (l != null) {
            l.doorbell(value);
        }
    }

    @Override
    public void pump(int qid) {
        RingLink l = link(qid);
        if (l != null && qid == 0) {
            synchronized (l.conn) {
                l.pump();
            }
        } else if (l != null) {
            l.pump();
        }
    }

    @Override
    public RingLink link(int qid) {
        if (qid == 0) {
            return adminLink;
        }
        RingLink[] ls = links;
        return qid < ls.length ? ls[qid] : null;
    }

    // ---- admin commands answered here ----

    @Override
    public int intercept(MemorySegment sq, long base, int opcode) {
        int cdw10 = sq.get(Le.INT, base + Sqe.OFF_CDW10);
        int qid = cdw10 & 0xFFFF;
        int size = (cdw10 >>> 16) + 1;
        long prp1 = sq.get(Le.LONG, base + Sqe.OFF_PRP1);
        return switch (opcode) {
            case Opcodes.ADMIN_CREATE_IO_CQ -> {
                growTo(qid);
                cqIova[qid] = prp1;
                yield Status.SUCCESS;
            }
            case Opcodes.ADMIN_CREATE_IO_SQ -> connectIo(qid, size, prp1);
            case Opcodes.ADMIN_DELETE_IO_SQ -> {
                disconnect(qid);
                yield Status.SUCCESS;
            }
            case Opcodes.ADMIN_DELETE_IO_CQ -> Status.SUCCESS;
            case Opcodes.ADMIN_DOORBELL_BUFFER_CONFIG -> STATUS_INVALID_OPCODE;
            default -> -1;
        };
    }

    private int connectIo(int qid, int depth, long sqIova) {
        TcpController a = assoc;
        if (a == null || qid < 1) {
            return STATUS_INTERNAL;
        }
        try {
            growTo(qid);
            MemorySegment sq = ring(sqIova, depth, 64);
            MemorySegment cq = ring(cqIova[qid], depth, 16);
            a.identifyOnce();
            TcpQueue q = a.connectIo(qid, depth, depth + 1, RingLink.reservedCids(depth));
            links[qid] = new RingLink(qid, depth, sq, cq, q, dma, null);
            return Status.SUCCESS;
        } catch (TcpTransportException | RuntimeException e) {
            LOG.warn("{}: connecting I/O queue {} failed: {}", name, qid, e.getMessage());
            return e instanceof NvmeException n && n.status() != 0 ? n.status() : STATUS_INTERNAL;
        }
    }

    private void disconnect(int qid) {
        RingLink[] ls = links;
        if (qid < 1 || qid >= ls.length || ls[qid] == null) {
            return;
        }
        RingLink l = ls[qid];
        ls[qid] = null;
        if (!l.failed() && l.conn.outstanding() == 0) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sqe = arena.allocate(64, 64);
                Fabrics.disconnect(sqe);
                int status = l.conn.execute(sqe, null, 0, 0, TcpQueue.DIR_NONE,
                        Math.min(options.ioTimeoutNanos(), TimeUnit.SECONDS.toNanos(2)));
                if (status != Status.SUCCESS) {
                    LOG.debug("{}: Disconnect of I/O queue {}: {}", name, qid, Status.describe(status));
                }
            } catch (TcpTransportException | RuntimeException e) {
                LOG.debug("{}: Disconnect of I/O queue {} failed: {}", name, qid, e.getMessage());
            }
        }
        l.close();
    }

    private synchronized void growTo(int qid) {
        if (qid >= links.length) {
            int n = Math.max(qid + 1, links.length * 2);
            links = java.util.Arrays.copyOf(links, n);
            cqIova = java.util.Arrays.copyOf(cqIova, n);
        }
    }
}
