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

    private static final int FREE = 0;
    private static final int ACTIVE = 1;

    private final Wire wire;
    private final PduSender sender;
    private final PduReceiver receiver;
    private final String name;
    private final int qid;
    private final int depth;
    private final long ioTimeoutNanos;

    private boolean headerDigest;
    private boolean dataDigest;
    private int maxH2cData;
    private boolean icRespReceived;
    private int inCapsuleLimit;

    private final byte[] state;
    private final MemorySegment[] buffers;
    private final long[] bufferOffsets;
    private final int[] lengths;
    private final byte[] directions;
    private final boolean[] viaR2t;
    private final int[] transferred;
    private final boolean[] r2tPending;
    private final boolean[] digestFailed;
    // Results for callers that wait (execute)
    private final boolean[] done;
    private final int[] doneStatus;
    private final int[] doneDw0;
    private final int[] doneDw1;
    // R2Ts waiting to be answered, FIFO
    private final int[] r2tCid;
    private final int[] r2tTtag;
    private final int[] r2tOffset;
    private final int[] r2tLength;
    private int r2tHead;
    private int r2tCount;
    // CIDs for callers without their own trackers (execute)
    private final int[] freeCids;
    private int freeCount;

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

    private TcpQueue(Wire wire, String name, int qid, int depth, int bufferBytes, long ioTimeoutNanos) {
        if (depth < 2 || depth > 65536) {
            throw new IllegalArgumentException("queue depth " + depth + " outside 2..65536");
        }
        this.wire = wire;
        this.name = name;
        this.qid = qid;
        this.depth = depth;
        this.ioTimeoutNanos = ioTimeoutNanos;
        this.receiver = new PduReceiver(wire, new Events(), bufferBytes);
        this.sender = new PduSender(wire, this::readWhileBlocked, bufferBytes);
        state = new byte[depth];
        buffers = new MemorySegment[depth];
        bufferOffsets = new long[depth];
        lengths = new int[depth];
        directions = new byte[depth];
        viaR2t = new boolean[depth];
        transferred = new int[depth];
        r2tPending = new boolean[depth];
        digestFailed = new boolean[depth];
        done = new boolean[depth];
        doneStatus = new int[depth];
        doneDw0 = new int[depth];
        doneDw1 = new int[depth];
        r2tCid = new int[depth];
        r2tTtag = new int[depth];
        r2tOffset = new int[depth];
        r2tLength = new int[depth];
        freeCids = new int[depth];
        // A queue of SQSIZE + 1 entries holds at most SQSIZE commands (Base 4.1.1: full when tail + 1 == head).
        for (int i = 0; i < depth - 1; i++) {
            freeCids[i] = depth - 2 - i;
        }
        freeCount = depth - 1;
        inCapsuleLimit = qid == 0 ? ADMIN_IN_CAPSULE_BYTES : 0;
    }

    /**
     * Opens the TCP connection for queue {@code qid} and negotiates it (ICReq/ICResp, NVMe/TCP
     * 3.6.2.2/3); Fabrics Connect is the caller's next step.
     */
    static TcpQueue open(InetSocketAddress address, int qid, int depth, TcpOptions options) throws TcpTransportException {
        SocketWire wire = SocketWire.connect(address, options.connectTimeoutNanos());
        try {
            return negotiate(wire, address + " qid " + qid, qid, depth, options);
        } catch (TcpTransportException | RuntimeException e) {
            wire.close();
            throw e;
        }
    }

    /** Negotiates over an already connected wire (tests use in-memory wires). */
    static TcpQueue negotiate(Wire wire, String name, int qid, int depth, TcpOptions options)
            throws TcpTransportException {
        TcpQueue q = new TcpQueue(wire, name, qid, depth, options.bufferBytes(), options.ioTimeoutNanos());
        q.initialize(options);
        return q;
    }

    private void initialize(TcpOptions options) throws TcpTransportException {
        int want = (options.headerDigest() ? IC_DGST_HEADER : 0) | (options.dataDigest() ? IC_DGST_DATA : 0);
        long deadline = System.nanoTime() + options.connectTimeoutNanos();
        try {
            // HPDA 0: the host takes data at any dword offset; MAXR2T 0: one R2T per command at a time.
            sender.icReq(0, want, 0, deadline);
            sender.flush(deadline);
            while (!icRespReceived) {
                pumpReceive();
                if (!icRespReceived && !wire.await(false, deadline)) {
                    throw new TcpTransportException(TcpTransportException.Kind.TIMEOUT, "no ICResp from " + name
                            + " within " + TimeUnit.NANOSECONDS.toMillis(options.connectTimeoutNanos())
                            + " ms: the peer accepted the TCP connection but does not speak NVMe/TCP");
                }
            }
        } catch (TcpTransportException e) {
            throw e;
        } catch (IOException e) {
            throw new TcpTransportException(TcpTransportException.Kind.CONNECTION,
                    "connection to " + name + " failed during ICReq/ICResp: " + e.getMessage(), e);
        }
        int got = (headerDigest ? IC_DGST_HEADER : 0) | (dataDigest ? IC_DGST_DATA : 0);
        if (got != want) {
            throw new TcpTransportException(TcpTransportException.Kind.PROTOCOL, 0,
                    "the controller at " + name + " did not accept the digests asked for (asked: " + digestNames(want)
                            + ", granted: " + digestNames(got) + "); connect without them or enable them on the target",
                    null);
        }
    }

    private static String digestNames(int bits) {
        return bits == 0 ? "none" : ((bits & IC_DGST_HEADER) != 0 ? "header" : "")
                + (bits == 3 ? "+" : "") + ((bits & IC_DGST_DATA) != 0 ? "data" : "");
    }

    public int qid() {
        return qid;
    }

    public int depth() {
        return depth;
    }

    public boolean headerDigest() {
        return headerDigest;
    }

    public boolean dataDigest() {
        return dataDigest;
    }

    /** MAXH2CDATA from the ICResp: the most data one H2CData PDU may carry. */
    public int maxH2cData() {
        return maxH2cData;
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
        if (state[cid] != FREE) {
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
        state[cid] = ACTIVE;
        buffers[cid] = buffer;
        bufferOffsets[cid] = bufferOffset;
        lengths[cid] = length;
        directions[cid] = (byte) direction;
        viaR2t[cid] = direction == DIR_TO_CONTROLLER && !inCapsule;
        transferred[cid] = 0;
        r2tPending[cid] = false;
        digestFailed[cid] = false;
        done[cid] = false;
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

    /**
     * Runs one command to completion on a CID of the queue's own: for the admin queue and for
     * callers without trackers. Returns the completion's status field; {@link #lastDw0()} and
     * {@link #lastDw1()} hold its result. A command not completed within {@code timeoutNanos}
     * fails the queue (there is no Abort at this layer).
     */
    public int execute(MemorySegment sqe, MemorySegment buffer, long offset, int length, int direction,
            long timeoutNanos) throws TcpTransportException {
        if (failure != null) {
            throw failure;
        }
        int cid = acquireCid();
        if (cid < 0) {
            throw new IllegalStateException("no free command identifier on " + name);
        }
        try {
            submit(cid, sqe, 0, buffer, offset, length, direction);
            flush();
            long deadline = System.nanoTime() + timeoutNanos;
            while (!done[cid]) {
                poll();
                if (done[cid]) {
                    break;
                }
                if (failure != null) {
                    throw failure;
                }
                if (!await(deadline) && !done[cid]) {
                    poll();
                    if (!done[cid]) {
                        fail(new TcpTransportException(TcpTransportException.Kind.TIMEOUT, "command (opcode 0x"
                                + Integer.toHexString(sqe.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) & 0xFF)
                                + ") on " + name + " not completed within "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
                        throw failure;
                    }
                }
            }
            if (failure != null && (doneStatus[cid] == STATUS_HOST_PATH_ERROR
                    || doneStatus[cid] == STATUS_ABORTED_SQ_DELETION)) {
                throw failure;
            }
            lastDw0 = doneDw0[cid];
            lastDw1 = doneDw1[cid];
            return doneStatus[cid];
        } finally {
            if (state[cid] == FREE) {
                releaseCid(cid);
            }
        }
    }

    /**
     * Takes a free CID from the queue's own pool (at most depth - 1 are handed out), or -1 when
     * all are in use. Stands in for the shared tracker pool until the transport seam exists.
     */
    public int acquireCid() {
        return freeCount == 0 ? -1 : freeCids[--freeCount];
    }

    /** Returns a CID from {@link #acquireCid()} after its completion. */
    public void releaseCid(int cid) {
        if (state[cid] != FREE || freeCount >= depth - 1) {
            throw new IllegalStateException("CID " + cid + " released while outstanding or twice");
        }
        freeCids[freeCount++] = cid;
    }

    private int lastDw0;
    private int lastDw1;

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

    private void pumpReceive() throws IOException {
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
        while (r2tCount > 0) {
            int i = r2tHead;
            int cid = r2tCid[i];
            int ttag = r2tTtag[i];
            int off = r2tOffset[i];
            int len = r2tLength[i];
            r2tHead = (r2tHead + 1) % depth;
            r2tCount--;
            long deadline = System.nanoTime() + ioTimeoutNanos;
            int sent = 0;
            while (sent < len) {
                int n = Math.min(len - sent, maxH2cData);
                boolean last = sent + n == len;
                sender.h2cData(cid, ttag, off + sent, buffers[cid], bufferOffsets[cid], n, last, deadline);
                h2cDataPdusSent++;
                sent += n;
            }
            transferred[cid] += len;
            r2tPending[cid] = false;
        }
    }

    private void complete(int cid, int status, int dw0, int dw1) {
        state[cid] = FREE;
        buffers[cid] = null;
        outstanding--;
        completions++;
        done[cid] = true;
        doneStatus[cid] = status;
        doneDw0[cid] = dw0;
        doneDw1[cid] = dw1;
        CompletionHandler h = handler;
        if (h != null) {
            h.onCompletion(cid, status, dw0, dw1);
        }
    }

    private void completeAll(int status) {
        r2tCount = 0;
        for (int cid = 0; cid < depth; cid++) {
            if (state[cid] == ACTIVE) {
                complete(cid, digestFailed[cid] ? STATUS_TRANSIENT_TRANSPORT_ERROR : status, 0, 0);
            }
        }
    }

    private void fail(TcpTransportException e) {
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

    private TcpTransportException badCid(String what, int cid) {
        return TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_DATA_CCCID,
                what + " for command " + cid + ", which is not outstanding on " + name);
    }

    /** The receiver's events, applied to the per-CID state. */
    private final class Events implements PduReceiver.Listener {
        @Override
        public void onIcResp(int pfv, int cpda, int digest, int maxData) throws TcpTransportException {
            if (pfv != PFV_1_0) {
                throw TcpTransportException.protocol(FES_UNSUPPORTED_PARAMETER, OFF_IC_PFV,
                        "ICResp with PDU format version " + pfv + "; this host speaks version 0 (NVMe/TCP 1.0)");
            }
            if (cpda > MAX_PDA) {
                throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_IC_PDA, "ICResp with CPDA " + cpda
                        + ", above " + MAX_PDA);
            }
            if ((digest & ~(IC_DGST_HEADER | IC_DGST_DATA)) != 0) {
                throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_IC_DGST,
                        "ICResp with reserved digest bits 0x" + Integer.toHexString(digest));
            }
            if (Integer.compareUnsigned(maxData, MIN_MAXH2CDATA) < 0 || (maxData & 3) != 0) {
                throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_IC_MAXR2T_OR_MAXH2CDATA,
                        "ICResp with MAXH2CDATA " + Integer.toUnsignedString(maxData)
                                + ": at least 4096 and a multiple of 4 is required");
            }
            headerDigest = (digest & IC_DGST_HEADER) != 0;
            dataDigest = (digest & IC_DGST_DATA) != 0;
            maxH2cData = maxData < 0 ? Integer.MAX_VALUE & ~3 : maxData;
            receiver.digests(headerDigest, dataDigest);
            sender.negotiated(headerDigest, dataDigest, cpda);
            icRespReceived = true;
        }

        @Override
        public void onCapsuleResp(int dw0, int dw1, int dw2, int dw3) throws TcpTransportException {
            int cid = dw3 & 0xFFFF;
            if (cid >= depth || state[cid] != ACTIVE) {
                throw badCid("a CapsuleResp", cid);
            }
            int status = (dw3 >>> 17) & 0x7FFF;
            if (status == Status.SUCCESS && directions[cid] != DIR_NONE
                    && (directions[cid] == DIR_FROM_CONTROLLER || viaR2t[cid]) && transferred[cid] != lengths[cid]) {
                throw TcpTransportException.protocol(FES_PDU_SEQUENCE_ERROR, 0, "command " + cid
                        + " completed successfully after " + transferred[cid] + " of its " + lengths[cid]
                        + " data bytes");
            }
            lastSqHead = dw2 & 0xFFFF;
            complete(cid, status, dw0, dw1);
        }

        @Override
        public MemorySegment onC2hData(int cid, int dataOffset, int length, int flags) throws TcpTransportException {
            if (cid >= depth || state[cid] != ACTIVE) {
                throw badCid("C2HData", cid);
            }
            if (directions[cid] != DIR_FROM_CONTROLLER) {
                throw TcpTransportException.protocol(FES_PDU_SEQUENCE_ERROR, OFF_DATA_CCCID,
                        "C2HData for command " + cid + ", which reads no data");
            }
            if (dataOffset != transferred[cid] || Integer.toUnsignedLong(dataOffset) + length > lengths[cid]) {
                throw TcpTransportException.protocol(FES_DATA_OUT_OF_RANGE, OFF_DATA_OFFSET, String.format(
                        "C2HData for command %d at offset %s, %d bytes: expected offset %d of a %d-byte transfer",
                        cid, Integer.toUnsignedString(dataOffset), length, transferred[cid], lengths[cid]));
            }
            if ((flags & FLAG_DATA_SUCCESS) != 0 && dataOffset + length != lengths[cid]) {
                throw TcpTransportException.protocol(FES_INVALID_HEADER_FIELD, OFF_FLAGS,
                        "C2HData with SUCCESS before the end of command " + cid + "'s data");
            }
            return buffers[cid];
        }

        @Override
        public long c2hBufferOffset(int cid) {
            return bufferOffsets[cid];
        }

        @Override
        public void onC2hDataDone(int cid, int length, int flags) {
            transferred[cid] += length;
            if ((flags & FLAG_DATA_SUCCESS) != 0) {
                successFlagCompletions++;
                complete(cid, Status.SUCCESS, 0, 0);
            }
        }

        @Override
        public void onDataDigestError(int cid) {
            if (cid < depth && state[cid] == ACTIVE) {
                digestFailed[cid] = true;
            }
        }

        @Override
        public void onR2t(int cid, int ttag, int offset, int length) throws TcpTransportException {
            if (cid >= depth || state[cid] != ACTIVE) {
                throw badCid("an R2T", cid);
            }
            if (!viaR2t[cid]) {
                throw TcpTransportException.protocol(FES_PDU_SEQUENCE_ERROR, OFF_DATA_CCCID,
                        "an R2T for command " + cid + ", which has no data to send by R2T");
            }
            if (r2tPending[cid]) {
                throw TcpTransportException.protocol(FES_DATA_LIMIT_EXCEEDED, OFF_DATA_CCCID,
                        "a second R2T for command " + cid + " while one is outstanding (MAXR2T is 1)");
            }
            if (length <= 0 || offset != transferred[cid] || Integer.toUnsignedLong(offset) + length > lengths[cid]) {
                throw TcpTransportException.protocol(FES_DATA_OUT_OF_RANGE, OFF_DATA_OFFSET, String.format(
                        "R2T for command %d asks for %s bytes at offset %s: expected offset %d of a %d-byte transfer",
                        cid, Integer.toUnsignedString(length), Integer.toUnsignedString(offset), transferred[cid],
                        lengths[cid]));
            }
            r2tPending[cid] = true;
            r2tsReceived++;
            int i = (r2tHead + r2tCount) % depth;
            r2tCid[i] = cid;
            r2tTtag[i] = ttag;
            r2tOffset[i] = offset;
            r2tLength[i] = length;
            r2tCount++;
        }
    }

    @Override
    public String toString() {
        return "TcpQueue[" + name + ", depth " + depth + ", outstanding " + outstanding
                + (failure != null ? ", failed: " + failure.getMessage() : "") + "]";
    }
}
