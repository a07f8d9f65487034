package dev.nvme4j.tcp;

import static dev.nvme4j.tcp.TcpPdu.*;

import dev.nvme4j.api.Status;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One NVMe/TCP queue: one TCP connection carrying one submission/completion queue pair
 * (NVMe/TCP 3.3). It negotiates the connection (ICReq/ICResp), sends command capsules (SQE plus
 * in-capsule data), answers R2Ts with H2CData, takes C2HData into the command's buffer and
 * reports each command's completion (CapsuleResp, or C2HData with SUCCESS) once, with its status.
 *
 * <p>This is the TCP half below the transport seam: the caller owns the CIDs (0..depth-1) and the
 * buffers; trackers, deadlines and recovery belong to the queue layer above. When the connection
 * breaks (malformed PDU, digest error, reset, timeout) every outstanding command completes with a
 * transport error status and the queue stays failed; nothing is thrown out of {@link #poll()}.
 *
 * <p>Threading: one owner thread at a time (the admin queue's users lock it). No allocation per
 * command in steady state: the PDU buffers and the per-CID state are allocated once.
 */
public final class TcpQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpQueue.class);

    /** Receives each command's completion once: the CQE's status field (Base figure 93), DW0 and DW1. */
    @FunctionalInterface
    public interface CompletionHandler {
        void onCompletion(int cid, int status, int dw0, int dw1);
    }

    public static final int DIR_NONE = 0;
    /** Host to controller (a write): in-capsule data or R2T/H2CData. */
    public static final int DIR_TO_CONTROLLER = 1;
    /** Controller to host (a read): C2HData. */
    public static final int DIR_FROM_CONTROLLER = 2;

    /** Command Transient Transport Error (Base figure 94, SC 22h): e.g. a data digest mismatch. */
    public static final int STATUS_TRANSIENT_TRANSPORT_ERROR = Status.of(0, 0x22, false);
    /** Host Pathing Error (Base figure 100, SCT 3h SC 70h): the connection under the command failed. */
    public static final int STATUS_HOST_PATH_ERROR = Status.of(3, 0x70, false);
    /** Command Aborted due to SQ Deletion (SC 08h): the queue was closed with the command outstanding. */
    public static final int STATUS_ABORTED_SQ_DELETION = Status.of(0, 0x08, false);

    /** The admin queue's in-capsule data size is fixed at 8 KiB (NVMe/TCP 3.2). */
    public static final int ADMIN_IN_CAPSULE_BYTES = 8192;

    final Wire wire;
    final PduSender sender;
    final PduReceiver receiver;
    final String name;
    private final int qid;
    private final int depth;
    private final long ioTimeoutNanos;

    /** The ICReq/ICResp exchange and the parameters it settled. */
    final Negotiation negotiation;
    private int inCapsuleLimit;

    /** The per-CID state of the outstanding commands. */
    final CommandSlots slots;
    /** R2Ts waiting to be answered, in arrival order. */
    private final R2tFifo r2ts;

    private CompletionHandler handler;
    private TcpTransportException failure;
    private long r2tsReceived;
    private long h2cDataPdusSent;
    private long inCapsuleWrites;
    private long successFlagCompletions;
    private int outstanding;
    private int completions;
    private int lastSqHead;
    private boolean receiving;

    private TcpQueue(Wire wire, String name, int qid, int depth, int reservedCids, int bufferBytes,
            long ioTimeoutNanos) {
        if (depth < 2 || depth > 65536) {
            throw new IllegalArgumentException("queue depth " + depth + " outside 2..65536");
        }
        this.wire = wire;
        this.name = name;
        this.qid = qid;
        this.depth = depth;
        this.ioTimeoutNanos = ioTimeoutNanos;
        this.negotiation = new Negotiation(this);
        this.slots = new CommandSlots(depth, reservedCids);
        this.r2ts = new R2tFifo(depth);
        this.receiver = new PduReceiver(wire, new PduEvents(this), bufferBytes);
        this.sender = new PduSender(wire, this::readWhileBlocked, bufferBytes);
        inCapsuleLimit = qid == 0 ? ADMIN_IN_CAPSULE_BYTES : 0;
    }

    /**
     * Opens the TCP connection for queue {@code qid} and negotiates it (ICReq/ICResp, NVMe/TCP
     * 3.6.2.2/3); Fabrics Connect is the caller's next step.
     */
    static TcpQueue open(InetSocketAddress address, int qid, int depth, TcpOptions options) throws TcpTransportException {
        return open(address, qid, depth, 0, options);
    }

    /**
     * As {@link #open(InetSocketAddress, int, int, TcpOptions)}; CIDs 0..reservedCids-1 are the
     * caller's (the queue layer's trackers), the queue's own commands use the ones above.
     */
    static TcpQueue open(InetSocketAddress address, int qid, int depth, int reservedCids, TcpOptions options)
            throws TcpTransportException {
        SocketWire wire = SocketWire.connect(address, options.connectTimeoutNanos());
        try {
            TcpQueue q = new TcpQueue(wire, address + " qid " + qid, qid, depth, reservedCids, options.bufferBytes(),
                    options.ioTimeoutNanos());
            q.negotiation.exchange(options);
            return q;
        } catch (TcpTransportException | RuntimeException e) {
            wire.close();
            throw e;
        }
    }

    /** Negotiates over an already connected wire (tests use in-memory wires). */
    static TcpQueue negotiate(Wire wire, String name, int qid, int depth, TcpOptions options)
            throws TcpTransportException {
        TcpQueue q = new TcpQueue(wire, name, qid, depth, 0, options.bufferBytes(), options.ioTimeoutNanos());
        q.negotiation.exchange(options);
        return q;
    }

    public int qid() {
        return qid;
    }

    public int depth() {
        return depth;
    }

    public boolean headerDigest() {
        return negotiation.headerDigest;
    }

    public boolean dataDigest() {
        return negotiation.dataDigest;
    }

    /** MAXH2CDATA from the ICResp: the most data one H2CData PDU may carry. */
    public int maxH2cData() {
        return negotiation.maxH2cData;
    }

    /** The most write data sent inside the command capsule; more goes by R2T/H2CData. */
    public int inCapsuleLimit() {
        return inCapsuleLimit;
    }

    /** Sets the in-capsule limit of an I/O queue from Identify Controller (IOCCSZ * 16 - 64, ICDOFF 0). */
    void inCapsuleLimit(int bytes) {
        this.inCapsuleLimit = Math.max(0, bytes);
    }

    /** SQHD of the latest CapsuleResp (SQ flow control). */
    public int sqHead() {
        return lastSqHead;
    }

    public int outstanding() {
        return outstanding;
    }

    /** R2Ts received so far (each answered by one or more H2CData PDUs). */
    public long r2tsReceived() {
        return r2tsReceived;
    }

    /** H2CData PDUs sent so far. */
    public long h2cDataPdusSent() {
        return h2cDataPdusSent;
    }

    /** Writes whose data went in the command capsule. */
    public long inCapsuleWrites() {
        return inCapsuleWrites;
    }

    /** Commands completed by a C2HData PDU with the SUCCESS flag (no CapsuleResp). */
    public long successFlagCompletions() {
        return successFlagCompletions;
    }

    /** Why the queue failed, or null while it works. */
    public TcpTransportException failure() {
        return failure;
    }

    public void completionHandler(CompletionHandler handler) {
        this.handler = handler;
    }

    /**
     * Queues a command capsule for {@code cid} (sent on the next {@link #flush()}): the SQE at
     * {@code sqe[sqeOffset]} (its CID and data pointer are set here) and the command's data,
     * {@code length} bytes at {@code buffer[bufferOffset]}, moving in {@code direction}.
     *
     * @throws IllegalStateException when the CID is in use or the queue failed
     */
    public void submit(int cid, MemorySegment sqe, long sqeOffset, MemorySegment buffer, long bufferOffset,
            int length, int direction) {
        if (cid < 0 || cid >= depth) {
            throw new IllegalArgumentException("CID " + cid + " outside 0.." + (depth - 1));
        }
        if (slots.state[cid] != CommandSlots.FREE) {
            throw new IllegalStateException("CID " + cid + " is still outstanding on " + name);
        }
        if (length < 0 || (length > 0 && (buffer == null || bufferOffset < 0 || bufferOffset + length > buffer.byteSize()))) {
            throw new IllegalArgumentException("data of " + length + " bytes at offset " + bufferOffset
                    + " does not fit the buffer");
        }
        if (failure != null) {
            throw new IllegalStateException("queue " + name + " failed: " + failure.getMessage(), failure);
        }
        boolean inCapsule = direction == DIR_TO_CONTROLLER && length <= inCapsuleLimit;
        slots.begin(cid, buffer, bufferOffset, length, direction, direction == DIR_TO_CONTROLLER && !inCapsule);
        outstanding++;
        if (inCapsule && length > 0) {
            inCapsuleWrites++;
        }
        try {
            sender.capsuleCmd(sqe, sqeOffset, cid,
                    inCapsule && length > 0 ? PduSender.SGL_IN_CAPSULE : PduSender.SGL_TRANSPORT, length,
                    buffer, bufferOffset, inCapsule ? length : 0, System.nanoTime() + ioTimeoutNanos);
        } catch (IOException e) {
            fail(asTransport(e));
        }
    }

    /** Sends everything queued (capsules, H2CData); a failure completes the outstanding commands. */
    public void flush() {
        if (failure != null) {
            return;
        }
        try {
            serviceR2ts();
            sender.flush(System.nanoTime() + ioTimeoutNanos);
        } catch (IOException e) {
            fail(asTransport(e));
        }
    }

    /**
     * Reads and handles what the controller sent, answers R2Ts and flushes; returns the number
     * of commands completed. Never blocks beyond a full socket's bounded wait, never throws for a
     * connection failure (the commands complete with a transport error instead).
     */
    public int poll() {
        if (failure != null) {
            return 0;
        }
        int before = completions;
        try {
            pumpReceive();
            serviceR2ts();
            sender.flush(System.nanoTime() + ioTimeoutNanos);
        } catch (IOException e) {
            fail(asTransport(e));
        }
        return completions - before;
    }

    /** Waits until the controller sent something or {@code deadlineNanos} passed; false on timeout. */
    public boolean await(long deadlineNanos) {
        if (failure != null) {
            return true;
        }
        try {
            return wire.await(false, deadlineNanos);
        } catch (IOException e) {
            fail(asTransport(e));
            return true;
        }
    }

    /** Makes a thread blocked in {@link #await} return (any thread). */
    void wakeUp() {
        wire.wakeUp();
    }

    /**
     * Runs one command to completion on a CID of the queue's own: for the admin queue and for
     * callers without trackers. Returns the completion's status field; {@link #lastDw0()} and
     * {@link #lastDw1()} hold its result. A command not completed within {@code timeoutNanos}
     * fails the queue (there is no Abort at this layer).
     */
    public int execute(MemorySegment sqe, MemorySegment buffer, long offset, int length, int direction,
            long timeoutNanos) throws TcpTransportException {
        return SyncCommand.run(this, sqe, buffer, offset, length, direction, timeoutNanos);
    }

    /**
     * Takes a free CID from the queue's own pool (at most depth - 1 are handed out), or -1 when
     * all are in use. Stands in for the shared tracker pool until the transport seam exists.
     */
    public int acquireCid() {
        return slots.acquire();
    }

    /** Returns a CID from {@link #acquireCid()} after its completion. */
    public void releaseCid(int cid) {
        slots.release(cid);
    }

    int lastDw0;
    int lastDw1;
    /** The admin queue's {@link TcpOptions#keepAliveBoundNanos()} (0: none): a wait that long unanswered is a keep-alive timeout. */
    long keepAliveBoundNanos;

    public int lastDw0() {
        return lastDw0;
    }

    public int lastDw1() {
        return lastDw1;
    }

    /** Closes the connection; outstanding commands complete with Aborted due to SQ Deletion. */
    @Override
    public void close() {
        if (failure == null) {
            failure = new TcpTransportException(TcpTransportException.Kind.CLOSED, "queue " + name + " is closed");
        }
        wire.close();
        completeAll(STATUS_ABORTED_SQ_DELETION);
    }

    void pumpReceive() throws IOException {
        receiving = true;
        try {
            receiver.pump();
        } finally {
            receiving = false;
        }
    }

    private boolean readWhileBlocked() throws IOException {
        if (receiving) {
            // A completion handler submitted from inside the read path: no re-entrant read.
            return false;
        }
        pumpReceive();
        return true;
    }

    private void serviceR2ts() throws IOException {
        if (!r2ts.isEmpty()) {
            h2cDataPdusSent += r2ts.answerAll(sender, slots, negotiation.maxH2cData, System.nanoTime() + ioTimeoutNanos);
        }
    }

    private void complete(int cid, int status, int dw0, int dw1) {
        slots.finish(cid, status, dw0, dw1);
        outstanding--;
        completions++;
        CompletionHandler h = handler;
        if (h != null) {
            h.onCompletion(cid, status, dw0, dw1);
        }
    }

    private void completeAll(int status) {
        r2ts.clear();
        for (int cid = 0; cid < depth; cid++) {
            if (slots.state[cid] == CommandSlots.ACTIVE) {
                complete(cid, slots.digestFailed[cid] ? STATUS_TRANSIENT_TRANSPORT_ERROR : status, 0, 0);
            }
        }
    }

    void fail(TcpTransportException e) {
        if (failure != null) {
            return;
        }
        failure = e;
        log.warn("NVMe/TCP queue {} failed: {}", name, e.getMessage());
        boolean tellPeer = e.kind() == TcpTransportException.Kind.PROTOCOL
                || (e.kind() == TcpTransportException.Kind.DIGEST && e.fes() == FES_HEADER_DIGEST_ERROR);
        if (tellPeer && e.fes() != 0) {
            try {
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
                sender.h2cTermReq(e.fes(), e.fei(), receiver.offendingHeader(), deadline);
                sender.flush(deadline);
            } catch (IOException | RuntimeException ignored) {
                // best effort: the connection is closed next either way
            }
        }
        wire.close();
        completeAll(STATUS_HOST_PATH_ERROR);
    }

    private TcpTransportException asTransport(IOException e) {
        if (e instanceof TcpTransportException t) {
            return t;
        }
        return new TcpTransportException(TcpTransportException.Kind.CONNECTION,
                "connection of " + name + " broke: " + e.getMessage(), e);
    }

    void capsuleResp(int sqHead, int cid, int status, int dw0, int dw1) {
        lastSqHead = sqHead;
        complete(cid, status, dw0, dw1);
    }

    void successFlagCompletion(int cid) {
        successFlagCompletions++;
        complete(cid, Status.SUCCESS, 0, 0);
    }

    void r2tReceived(int cid, int ttag, int offset, int length) {
        r2tsReceived++;
        r2ts.add(cid, ttag, offset, length);
    }

    @Override
    public String toString() {
        return "TcpQueue[" + name + ", depth " + depth + ", outstanding " + outstanding
                + (failure != null ? ", failed: " + failure.getMessage() : "") + "]";
    }
}
