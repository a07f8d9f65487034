package dev.nvme4j.mock;

import dev.nvme4j.spec.Le;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Command processing (Base 3.3.1, 3.4): fetch an SQE at the SQ head, decode it into the fields
 * below, apply faults, dispatch to the admin or I/O handlers, and post the completion to the CQ
 * with flow control (Base 3.3.1.2.1: never into a slot the host has not released; completions
 * wait in order). Also keeps the commands that did not complete at once: hung (fault), delayed
 * (latency or fault) and Asynchronous Event Requests. Used under the device lock only.
 */
final class Engine {
    /** Handler result: the command completes later (AER, hung Abort). */
    static final int SUSPENDED = -1;
    private static final ValueLayout.OfInt LE_INT = Le.INT;
    private static final ValueLayout.OfLong LE_LONG = Le.LONG;

    final MockNvmeController c;
    final AdminCommands admin;
    final IoCommands io;
    final long latencyNanos;
    /** Where this engine counts: the controller's, or its I/O lane's own. */
    final Counters counters;
    /** PRP walker of the commands this engine executes. */
    final PrpWalker prp;

    // The command being executed (decoded SQE).
    int sqid;
    int cid;
    int opcode;
    int nsid;
    long mptr;
    long prp1;
    long prp2;
    int cdw10;
    int cdw11;
    int cdw12;
    int cdw13;
    int cdw14;
    int cdw15;
    /** Command-specific DW0 of the completion. */
    int dw0;
    private long faultDelay;
    /** Fault: post a copy of the current command's completion this long after it, or -1. */
    private long duplicateDelay = -1;

    private final ArrayList<Completion> hung = new ArrayList<>();
    private final PriorityQueue<Completion> delayed = new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
    /** Outstanding Asynchronous Event Requests and the events waiting for one. */
    final AsyncEvents asyncEvents = new AsyncEvents(this);
    private final Set<Integer> abortRequested = new HashSet<>();
    private int hungAborts;
    private int nextSq = 1;

    /** The controller's engine: admin and every queue, under the device lock. */
    Engine(MockNvmeController c) {
        this(c, c.counters, c.prp);
    }

    /** An I/O lane's engine (see {@link MockNvmeController}): its own counters, PRP walker and decoded command. */
    Engine(MockNvmeController c, Counters counters, PrpWalker prp) {
        this.c = c;
        this.counters = counters;
        this.prp = prp;
        this.admin = new AdminCommands(c, this);
        this.io = new IoCommands(c, this);
        this.latencyNanos = c.config.mode() == dev.nvme4j.mock.config.ExecutionMode.THREADED
                ? c.config.commandLatency().toNanos() : 0;
    }

    private boolean canRun() {
        return !c.isRemoved() && !c.regs.cfs && c.regs.operational();
    }

    /** Executes every available command; returns how many. */
    int runUntilIdle() {
        int n = 0;
        boolean progress = true;
        while (progress && canRun()) {
            progress = false;
            for (int q = 0; q < c.sqLimit; q++) {
                MockSq sq = c.sqs[q];
                while (sq != null && c.sqs[q] == sq && sq.hasWork() && canRun()) {
                    execute(sq);
                    n++;
                    progress = true;
                }
            }
        }
        return n;
    }

    /** Executes one command: the admin queue first, then I/O queues round robin. */
    boolean step() {
        if (!canRun()) {
            return false;
        }
        if (c.sqs[0] != null && c.sqs[0].hasWork()) {
            execute(c.sqs[0]);
            return true;
        }
        for (int i = 0; i < c.sqs.length - 1; i++) {
            int q = 1 + (nextSq - 1 + i) % (c.sqs.length - 1);
            MockSq sq = c.sqs[q];
            if (sq != null && sq.hasWork()) {
                nextSq = q % (c.sqs.length - 1) + 1;
                execute(sq);
                return true;
            }
        }
        return false;
    }

    /** Executes the command at {@code sq}'s head (the lane path; the caller checked the conditions). */
    void executeNext(MockSq sq) {
        execute(sq);
    }

    private void execute(MockSq sq) {
        MemorySegment r = sq.ring;
        long base = (long) sq.head * Sqe.SIZE;
        int cdw0;
        try {
            cdw0 = r.get(LE_INT, base + Sqe.OFF_CDW0);
            nsid = r.get(LE_INT, base + Sqe.OFF_NSID);
            mptr = r.get(LE_LONG, base + Sqe.OFF_MPTR);
            prp1 = r.get(LE_LONG, base + Sqe.OFF_PRP1);
            prp2 = r.get(LE_LONG, base + Sqe.OFF_PRP2);
            cdw10 = r.get(LE_INT, base + Sqe.OFF_CDW10);
            cdw11 = r.get(LE_INT, base + Sqe.OFF_CDW11);
            cdw12 = r.get(LE_INT, base + Sqe.OFF_CDW12);
            cdw13 = r.get(LE_INT, base + Sqe.OFF_CDW13);
            cdw14 = r.get(LE_INT, base + Sqe.OFF_CDW14);
            cdw15 = r.get(LE_INT, base + Sqe.OFF_CDW15);
        } catch (IllegalStateException freed) {
            c.iommuFault(0, Sqe.SIZE);
            sq.head = sq.tail; // the ring's memory was freed under the device: nothing more to fetch
            return;
        }
        if (++sq.head == sq.size) {
            sq.head = 0;
        }
        sqid = sq.qid;
        opcode = Sqe.opcode(cdw0);
        cid = Sqe.cid(cdw0);
        dw0 = 0;
        faultDelay = 0;
        duplicateDelay = -1;
        counters.commandsProcessed++;
        if (sqid == 0) {
            counters.adminCommands++;
        } else {
            counters.ioCommands++;
        }
        if (!sq.markOutstanding(cid)) {
            c.violation(Kind.COMMAND_ID_REUSED, String.format("CID %d on SQ %d reused while outstanding (Base 4.2)", cid, sqid));
        }
        if (!abortRequested.isEmpty() && abortRequested.remove(key(sqid, cid))) {
            finish(NvmeStatus.COMMAND_ABORT_REQUESTED.code(false));
            return;
        }
        if (c.faults.commandFaults && faulted()) {
            return;
        }
        int status;
        // No fused operations; SGLs only when SGLS says so, for I/O commands, with MPTR contiguous (PSDT 01b).
        int psdt = Sqe.psdt(cdw0);
        prp.sgl = psdt == 1;
        if (Sqe.fuse(cdw0) != 0 || psdt != 0 && (sqid == 0 || psdt != 1 || (c.config.sgls() & 3) == 0)) {
            status = NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        } else {
            status = sqid == 0 ? admin.execute() : io.execute();
        }
        if (status != SUSPENDED) {
            finish(status);
        }
    }

    /** Applies command faults; returns true when the fault took the command over. */
    private boolean faulted() {
        Faults f = c.faults;
        FaultRule dup = Faults.firing(f.duplicate, sqid, opcode);
        if (dup != null) {
            duplicateDelay = dup.param;
        }
        FaultRule r = Faults.firing(f.hang, sqid, opcode);
        if (r != null) {
            Completion h = new Completion(sqid, cid, opcode, 0, 0);
            h.abortHangs = r.param2 != 0;
            hung.add(h);
            counters.commandsHung++;
            return true;
        }
        r = Faults.firing(f.status, sqid, opcode);
        if (r != null) {
            finish((int) r.param);
            return true;
        }
        r = Faults.firing(f.delay, sqid, opcode);
        if (r != null) {
            faultDelay = r.param;
        }
        return false;
    }

    /** Completes the current command, now or after latency and injected delay. */
    private void finish(int status) {
        long delay = latencyNanos + faultDelay;
        if (duplicateDelay >= 0) {
            Completion copy = new Completion(sqid, cid, opcode, dw0, status);
            copy.duplicate = true;
            long after = delay + duplicateDelay;
            duplicateDelay = -1;
            if (after == 0) {
                post(sqid, cid, opcode, dw0, status);
                postDuplicate(copy);
                return;
            }
            copy.dueNanos = c.now() + after;
            delayed.add(copy);
            c.scheduleWakeup(copy.dueNanos);
        }
        if (delay > 0) {
            Completion d = new Completion(sqid, cid, opcode, dw0, status);
            d.dueNanos = c.now() + delay;
            delayed.add(d);
            c.scheduleWakeup(d.dueNanos);
            return;
        }
        post(sqid, cid, opcode, dw0, status);
    }

    /** Posts a completion, or queues it behind a full CQ. */
    void post(int qid, int id, int op, int result, int status) {
        MockSq sq = c.sqs[qid];
        if (sq == null) {
            return; // its SQ was deleted or the controller reset: nothing to complete to
        }
        MockCq cq = c.cqs[sq.cqid];
        if (!c.engine.admin.acre) {
            status &= ~dev.nvme4j.api.Status.CRD_MASK; // Base 5.27.1.18: no retry delay unless the host enabled ACRE
        }
        if (status != 0) {
            c.engine.admin.logs.recordError(qid, id, status, nsid); // one error log, also for the lanes
        }
        MockShadowDoorbells shadow = c.shadow;
        if (shadow != null && cq.isFull()) {
            shadow.needCqSpace(this, cq); // reads the shadow CQ head unless waiting for the ring
        }
        if (cq.isFull() || !cq.waiting.isEmpty()) {
            if (c.faults.dropWhenCqFull) {
                counters.completionsDropped++;
                sq.clearOutstanding(id);
                return;
            }
            Completion w = new Completion(qid, id, op, result, status);
            w.sqHead = sq.head;
            w.cqid = cq.qid;
            cq.waiting.add(w);
            counters.completionsDeferred++;
            return;
        }
        sq.clearOutstanding(id);
        cq.write(result, sq.head, qid, id, status);
        c.interrupts.completionPosted(cq, op, counters);
    }

    /** Posts a copy of a completion already posted (fault), if its CQ has room; the CID's state is left alone. */
    private void postDuplicate(Completion d) {
        MockSq sq = c.sqs[d.sqid];
        if (sq == null) {
            return;
        }
        MockCq cq = c.cqs[sq.cqid];
        if (cq.isFull() || !cq.waiting.isEmpty()) {
            return;
        }
        cq.write(d.dw0, sq.head, d.sqid, d.cid, d.status);
        c.interrupts.completionPosted(cq, d.opcode, counters);
    }

    /** CQ head doorbell (Base 3.3.1.2): releases slots, then posts waiting completions. */
    boolean cqHeadDoorbell(MockCq cq, int v) {
        if (Integer.compareUnsigned(v, cq.size) >= 0) {
            counters.doorbellsIgnored++;
            c.violation(Kind.CQ_HEAD_OUT_OF_RANGE, "CQ " + cq.qid + " head " + v + ", the queue has " + cq.size + " entries");
            return false;
        }
        int released = Math.floorMod(v - cq.head, cq.size);
        if (released > cq.unreleased) {
            counters.doorbellsIgnored++;
            c.violation(Kind.CQ_HEAD_BEYOND_POSTED, String.format("CQ %d head %d -> %d releases %d entries, only %d were posted",
                    cq.qid, cq.head, v, released, cq.unreleased));
            return false;
        }
        cq.head = v;
        cq.unreleased -= released;
        while (!cq.waiting.isEmpty() && !cq.isFull() && !c.isRemoved()) {
            Completion w = cq.waiting.poll();
            MockSq sq = c.sqs[w.sqid];
            if (sq != null) {
                sq.clearOutstanding(w.cid);
            }
            cq.write(w.dw0, sq != null ? sq.head : w.sqHead, w.sqid, w.cid, w.status);
            c.interrupts.completionPosted(cq, w.opcode, counters);
        }
        return false;
    }

    /** Posts due delayed completions; returns the next due time. */
    long tick(long now) {
        if (c.isRemoved() || c.regs.cfs) {
            return Long.MAX_VALUE;
        }
        while (!delayed.isEmpty() && delayed.peek().dueNanos - now <= 0) {
            Completion d = delayed.poll();
            if (d.duplicate) {
                postDuplicate(d);
            } else {
                post(d.sqid, d.cid, d.opcode, d.dw0, d.status);
            }
        }
        return delayed.isEmpty() ? Long.MAX_VALUE : delayed.peek().dueNanos;
    }

    /** Abort requests waiting for their command to be fetched. */
    int abortsRequested() {
        return abortRequested.size();
    }

    private static int key(int qid, int id) {
        return (qid << 16) | id;
    }

    // ---- Abort (Base 5.1) ----

    /** Aborts command {@code acid} of SQ {@code asqid}; sets DW0 bit 0 = 0 if aborted, 1 if not. */
    int abort(int asqid, int acid) {
        counters.abortsReceived++;
        for (Iterator<Completion> it = hung.iterator(); it.hasNext(); ) {
            Completion h = it.next();
            if (h.sqid == asqid && h.cid == acid) {
                if (h.abortHangs) {
                    if (hungAborts > c.config.acl()) {
                        c.violation(Kind.ABORT_COMMAND_LIMIT_EXCEEDED, String.format("Abort of CID %d on SQ %d with %d"
                                + " Aborts outstanding, ACL %d (0's based) allows %d (Base 5.1)", acid, asqid,
                                hungAborts, c.config.acl(), c.config.acl() + 1));
                        return NvmeStatus.ABORT_COMMAND_LIMIT_EXCEEDED.code(false);
                    }
                    hungAborts++;
                    hung.add(new Completion(sqid, cid, opcode, 0, 0));
                    counters.commandsHung++;
                    return SUSPENDED;
                }
                it.remove();
                post(h.sqid, h.cid, h.opcode, 0, NvmeStatus.COMMAND_ABORT_REQUESTED.code(false));
                dw0 = 0;
                return 0;
            }
        }
        for (Iterator<Completion> it = delayed.iterator(); it.hasNext(); ) {
            Completion d = it.next();
            if (d.sqid == asqid && d.cid == acid && !d.duplicate) {
                it.remove();
                post(d.sqid, d.cid, d.opcode, 0, NvmeStatus.COMMAND_ABORT_REQUESTED.code(false));
                dw0 = 0;
                return 0;
            }
        }
        MockSq sq = asqid < c.sqs.length ? c.sqs[asqid] : null;
        if (sq != null) {
            for (int i = sq.head; i != sq.tail; i = (i + 1) % sq.size) {
                if (Sqe.cid(sq.ring.get(LE_INT, (long) i * Sqe.SIZE)) == acid) {
                    abortRequested.add(key(asqid, acid));
                    dw0 = 0;
                    return 0;
                }
            }
        }
        dw0 = 1;
        return 0;
    }

    /** Delete I/O SQ (Base 5.7): every command of the queue completes "Command Aborted due to SQ Deletion". */
    void abortAllOf(MockSq sq) {
        int aborted = NvmeStatus.ABORTED_SQ_DELETION.code(false);
        while (sq.hasWork()) {
            int cdw0 = sq.ring.get(LE_INT, (long) sq.head * Sqe.SIZE);
            sq.head = (sq.head + 1) % sq.size;
            post(sq.qid, Sqe.cid(cdw0), Sqe.opcode(cdw0), 0, aborted);
        }
        for (Iterator<Completion> it = hung.iterator(); it.hasNext(); ) {
            Completion h = it.next();
            if (h.sqid == sq.qid) {
                it.remove();
                post(h.sqid, h.cid, h.opcode, 0, aborted);
            }
        }
        for (Iterator<Completion> it = delayed.iterator(); it.hasNext(); ) {
            Completion d = it.next();
            if (d.sqid == sq.qid) {
                it.remove();
                if (!d.duplicate) {
                    post(d.sqid, d.cid, d.opcode, 0, aborted);
                }
            }
        }
        abortRequested.removeIf(k -> (k >>> 16) == sq.qid);
    }

    /** Controller reset: everything outstanding is dropped. */
    void reset() {
        hung.clear();
        delayed.clear();
        asyncEvents.reset();
        abortRequested.clear();
        hungAborts = 0;
        admin.reset();
    }
}
