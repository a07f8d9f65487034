package dev.nvme4j.tcp;

import dev.nvme4j.api.Status;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue of the shared driver carried over one NVMe/TCP connection: the driver writes SQEs
 * into its SQ ring in host memory and rings the tail doorbell as for PCIe; this link then sends
 * each new entry as a command capsule (its SGL Data Block descriptor turned into in-capsule data
 * or a transport SGL, the data taken from or put into the memory the descriptor names), and
 * writes each completion the controller returns into the CQ ring, DW3 last with the phase tag, as
 * a device would. The driver's trackers, CID generations, deadlines and recovery see no
 * difference. A broken connection posts nothing: its commands stay outstanding in the driver,
 * whose reset (prompted by CSTS.CFS, see {@link TcpFunction}) reconnects and resubmits them.
 *
 * <p>Allocation-free. Threading: the queue's owner (the pair's gate holder); the admin queue's
 * link is used under the admin connection's monitor, which its Keep Alive and property accesses
 * share.
 */
final class RingLink implements TcpQueue.CompletionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RingLink.class);
    private static final ValueLayout.OfInt INT = Le.INT_ALIGNED;
    private static final VarHandle CQE_DW3 = INT.varHandle();
    /** Invalid Field in Command (Base figure 94, SC 02h), DNR: what this transport cannot carry. */
    static final int STATUS_INVALID_FIELD = Status.of(0, 0x02, true);

    interface AdminIntercept {
        /** Handles an admin command that has no meaning on fabrics; returns its status, or -1 to send it. */
        int intercept(MemorySegment sq, long base, int opcode);
    }

    final int qid;
    final TcpQueue conn;
    private final int depth;
    private final int indexMask;
    private final MemorySegment sq;
    private final MemorySegment cq;
    private final TcpDma dma;
    private final AdminIntercept admin;
    /** The full CID (index and generation) of the command each connection slot carries. */
    private final int[] cids;
    private int sqHead;
    private int cqTail;
    private int phase = 1;
    private boolean loggedUnsupported;

    RingLink(int qid, int depth, MemorySegment sq, MemorySegment cq, TcpQueue conn, TcpDma dma, AdminIntercept admin) {
        this.qid = qid;
        this.depth = depth;
        this.sq = sq;
        this.cq = cq;
        this.conn = conn;
        this.dma = dma;
        this.admin = admin;
        // The same split as the driver's TrackerPool: the low bits of a CID index the tracker.
        int trackers = depth - 1;
        this.indexMask = (1 << Math.max(1, 32 - Integer.numberOfLeadingZeros(trackers - 1))) - 1;
        this.cids = new int[trackers];
        conn.completionHandler(this);
    }

    /** Trackers the driver has for this queue: the connection's reserved CIDs. */
    static int reservedCids(int depth) {
        return depth - 1;
    }

    boolean failed() {
        return conn.failure() != null;
    }

    /** The SQ tail doorbell: sends every entry up to {@code tail}, then flushes the batch. */
    void doorbell(int tail) {
        if (tail < 0 || tail >= depth) {
            return;
        }
        while (sqHead != tail) {
            send((long) sqHead << Sqe.SIZE_LOG2);
            sqHead = sqHead + 1 == depth ? 0 : sqHead + 1;
        }
        conn.flush();
    }

    /** Takes what arrived into the CQ ring. */
    void pump() {
        conn.poll();
    }

    private void send(long base) {
        int cdw0 = sq.get(INT, base + Sqe.OFF_CDW0);
        int opcode = cdw0 & 0xFF;
        int cid = cdw0 >>> 16;
        if (admin != null) {
            int status = admin.intercept(sq, base, opcode);
            if (status >= 0) {
                post(cid, status, 0, 0);
                return;
            }
        }
        if (failed()) {
            return; // the reset resubmits it on a new connection
        }
        int slot = cid & indexMask;
        if (slot >= cids.length) {
            post(cid, STATUS_INVALID_FIELD, 0, 0);
            return;
        }
        long address;
        int length;
        if ((cdw0 & (3 << 14)) != 0) { // PSDT: one SGL Data Block descriptor, as the driver writes on fabrics
            address = sq.get(Le.LONG, base + Sqe.OFF_PRP1);
            length = sq.get(INT, base + Sqe.OFF_PRP1 + 8);
            length = Math.min(length, expectedLength(base, opcode, length));
        } else if (admin == null && opcode == Opcodes.NVM_DATASET_MANAGEMENT) {
            address = sq.get(Le.LONG, base + Sqe.OFF_PRP1); // the tracker's range list
            length = ((sq.get(INT, base + Sqe.OFF_CDW10) & 0xFF) + 1) * 16;
        } else if (sq.get(Le.LONG, base + Sqe.OFF_PRP1) == 0) {
            address = 0;
            length = 0;
        } else {
            unsupported(cid, opcode, "a PRP data pointer");
            return;
        }
        int direction = length == 0 ? TcpQueue.DIR_NONE : switch (opcode & 3) {
            case 1 -> TcpQueue.DIR_TO_CONTROLLER;
            case 2 -> TcpQueue.DIR_FROM_CONTROLLER;
            default -> -1;
        };
        MemorySegment data = length == 0 ? null : dma.segmentOf(address);
        long offset = TcpDma.offsetOf(address);
        if (direction < 0 || (length > 0 && (data == null || offset + length > data.byteSize()))) {
            unsupported(cid, opcode, direction < 0 ? "a bidirectional or unknown data direction"
                    : "data outside the controller's buffers");
            return;
        }
        cids[slot] = cid;
        try {
            conn.submit(slot, sq, base, data, offset, length, direction);
        } catch (IllegalStateException e) {
            if (!failed()) {
                LOG.warn("NVMe/TCP queue {}: command with CID {} not sent: {}", qid, cid, e.getMessage());
                post(cid, STATUS_INVALID_FIELD, 0, 0);
            }
        }
    }

    /** Admin commands move the length the specification defines, at most the buffer's (see {@link AdminTransfer}). */
    private int expectedLength(long base, int opcode, int sglLength) {
        return admin == null ? sglLength : AdminTransfer.length(sq, base, opcode, sglLength);
    }

    private void unsupported(int cid, int opcode, String what) {
        if (!loggedUnsupported) {
            loggedUnsupported = true;
            LOG.warn("NVMe/TCP queue {}: command opcode 0x{} uses {}, which this transport cannot carry; it completes"
                    + " with Invalid Field (further ones are not logged)", qid, Integer.toHexString(opcode), what);
        }
        post(cid, STATUS_INVALID_FIELD, 0, 0);
    }

    @Override
    public void onCompletion(int slot, int status, int dw0, int dw1) {
        if (slot >= cids.length || failed()) {
            return; // the connection's own command (Connect, Disconnect), or a failure: the reset handles those
        }
        post(cids[slot], status, dw0, dw1);
    }

    /** Writes one completion entry at the CQ tail: DW0..DW2 plain, DW3 (phase) last with release. */
    private void post(int cid, int status, int dw0, int dw1) {
        long base = (long) cqTail << Cqe.SIZE_LOG2;
        cq.set(INT, base + Cqe.OFF_DW0, dw0);
        cq.set(INT, base + Cqe.OFF_DW1, dw1);
        cq.set(INT, base + Cqe.OFF_DW2, Cqe.dw2(sqHead, qid));
        CQE_DW3.setRelease(cq, base + Cqe.OFF_DW3, Cqe.dw3(cid, phase, status));
        if (++cqTail == depth) {
            cqTail = 0;
            phase ^= 1;
        }
    }

    void close() {
        conn.close();
    }
}
