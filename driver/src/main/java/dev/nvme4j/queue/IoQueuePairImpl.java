package dev.nvme4j.queue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;

/**
 * The I/O queue pair: requests (split at MDTS, completed once) over a {@link CommandQueue}.
 * Thread model as documented on {@link dev.nvme4j.api.IoQueuePair}: one owner thread at a time,
 * enforced by an {@link OwnerGate}; the controller's recovery and close enter the same gate.
 */
final class IoQueuePairImpl extends QueuePairConveniences {
    /** Deadlines are looked at every 64th poll: a counter test on the hot path, nothing more. */
    private static final int DEADLINE_CHECK_MASK = 63;

    private final QueueHost host;
    private final CommandQueue queue;
    private final OwnerGate gate;
    private final CompletionMode mode;
    private final InterruptVector vector;
    private final DmaRegion prpArea;
    /** The requests of {@link #slots}, for the failure work. */
    final Request[] requests;
    private final long ioTimeoutNanos;
    private final int pageSize;
    private final DeadlineCheck deadlines;
    private final CommandWriter writer;
    final PendingRequests pending;
    private final HeldCompletions held;
    private final CompletionWaiter waiter;
    private final PairTeardown teardown;
    final RetryQueue retries;
    final RequestSlots slots;
    private final Submission submission;
    /** Allocated once: handing a method reference to every poll would allocate. */
    private final java.util.function.Consumer<Request> issuer;
    /** The controller's hooks (see {@link QueuePairControl#create}); never handed to the application. */
    final QueuePairControl control;

    /** No new commands (set by {@link PairTeardown#claim}). */
    volatile boolean closed;
    /** Why the pair was closed when the application did not close it (null otherwise). */
    volatile String closedBecause;
    /** Set by recovery (under the gate or not): the owner's next poll fails what is marked. */
    private volatile int hostFailure;
    private volatile boolean deferredFailures;
    private int polls;
    /** When the owner's poll path next scans for late commands (owner/gate holder only). */
    long nextDeadlineScan;

    QueueHost host() {
        return host;
    }

    IoQueuePairImpl(QueueHost host, CommandQueue queue, CompletionMode mode, InterruptVector vector,
                           DmaRegion prpArea, HybridSpin hybridSpin, DeadlineCheck deadlines) {
        this.host = host;
        this.queue = queue;
        this.gate = new OwnerGate("I/O queue pair " + queue.qid());
        this.mode = mode;
        this.vector = vector;
        this.prpArea = prpArea;
        this.ioTimeoutNanos = host.ioTimeoutNanos();
        this.pageSize = host.pageSize();
        this.deadlines = deadlines;
        retries = new RetryQueue(queue, host, ioTimeoutNanos);
        slots = new RequestSlots(this, queue, gate, retries);
        requests = slots.requests;
        writer = new CommandWriter(queue, pageSize, ioTimeoutNanos, host.sglThreshold());
        pending = new PendingRequests(requests);
        held = new HeldCompletions(queue.trackers().capacity());
        waiter = new CompletionWaiter(this, mode, vector, hybridSpin);
        teardown = new PairTeardown(this, queue, gate, host, ioTimeoutNanos);
        submission = new Submission(this, host, queue, gate, slots, pending, writer);
        issuer = submission::issue;
        control = new QueuePairControl(this);
    }

    // ---- identity ----

    @Override
    public int queueId() {
        return queue.qid();
    }

    @Override
    public int depth() {
        return queue.depth();
    }

    @Override
    public CompletionMode mode() {
        return mode;
    }

    CommandQueue commandQueue() {
        return queue;
    }

    OwnerGate gate() {
        return gate;
    }

    InterruptVector vector() {
        return vector;
    }

    DmaRegion prpArea() {
        return prpArea;
    }

    @Override
    long ioTimeoutNanos() {
        return ioTimeoutNanos;
    }

    @Override
    int lastDw0() {
        return slots.lastDw0;
    }

    @Override
    int lastDw1() {
        return slots.lastDw1;
    }

    @Override
    String failureReason() {
        return host.isFailed() ? host.failureReason() : null;
    }

    // ---- submission ----

    @Override
    public boolean read(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta, Protection pi,
                        IoCallback callback, long tag) {
        return submission.submit(Opcodes.NVM_READ, ns, lba, blocks, buffer, meta, pi, null, callback, tag);
    }

    @Override
    public boolean write(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta, Protection pi,
                         IoCallback callback, long tag) {
        return submission.submit(Opcodes.NVM_WRITE, ns, lba, blocks, buffer, meta, pi, null, callback, tag);
    }

    @Override
    public boolean flush(Namespace ns, IoCallback callback, long tag) {
        return submission.submit(Opcodes.NVM_FLUSH, ns, 0, 0, null, null, null, null, callback, tag);
    }

    @Override
    public boolean writeZeroes(Namespace ns, long lba, int blocks, IoCallback callback, long tag) {
        return submission.submit(Opcodes.NVM_WRITE_ZEROES, ns, lba, blocks, null, null, null, null, callback, tag);
    }

    @Override
    public boolean deallocate(Namespace ns, long lba, int blocks, IoCallback callback, long tag) {
        return submission.submit(Opcodes.NVM_DATASET_MANAGEMENT, ns, lba, blocks, null, null, null, null, callback,
                tag);
    }

    @Override
    public boolean passthrough(RawCommand command, DmaBuffer buffer, IoCallback callback, long tag) {
        return submission.submit(Submission.PASSTHROUGH, null, 0, 0, buffer, null, null, command, callback, tag);
    }

    /** A request was accepted on a failed controller: the owner's next poll fails it. */
    void hostFailed(int status) {
        hostFailure = status;
    }

    @Override
    public void flushSubmissions() {
        gate.enter();
        try {
            queue.ringSubmissions();
        } finally {
            gate.exit();
        }
    }

    // ---- completion ----

    @Override
    public int poll() {
        return poll(queue.batchCap());
    }

    @Override
    public int poll(int maxCompletions) {
        int n = pollInGate(maxCompletions);
        if (closed) {
            teardown.ownerReturned(); // a close that found this owner inside left its work to it
        }
        if (slots.hasCallbackError()) {
            slots.rethrowCallbackError();
        }
        return n;
    }

    private int pollInGate(int maxCompletions) {
        gate.enter();
        try {
            if (closed) {
                return 0;
            }
            queue.ringSubmissions();
            int n;
            writer.beginBatch();
            try {
                n = held.isEmpty() ? 0 : held.deliver(slots);
                n += queue.reap(maxCompletions, slots);
                if (deferredFailures | hostFailure != 0) {
                    n += deliverHostFailures();
                }
                if (!closed) { // a callback may have seen the pair closed: nothing more for the device
                    if (!retries.isEmpty()) {
                        retries.issueDue();
                    }
                    pending.pump(issuer);
                }
            } finally {
                writer.endBatch();
            }
            if (!closed) {
                queue.ringSubmissions();
            }
            if ((++polls & DEADLINE_CHECK_MASK) == 0 && deadlines != null && !closed) {
                deadlines.onPoll(control);
            }
            return n;
        } finally {
            gate.exit();
        }
    }

    @Override
    public int process(Duration timeout) {
        return waiter.process(timeout);
    }

    @Override
    public int outstanding() {
        return slots.inUse();
    }

    @Override
    public QueueCounters counters() {
        return queue.stats().snapshot();
    }

    // ---- failure and teardown: see PairTeardown ----

    /**
     * Asks the owner's next poll to complete everything outstanding with {@code status}
     * (controller failed); wakes an owner blocked on the interrupt. Any thread.
     */
    void requestFailAll(int status) {
        hostFailure = status;
        wake();
    }

    /** Asks the owner's next poll to complete the trackers marked {@link RecoveryStep#FAIL_PENDING}. */
    void requestDeferredFailures() {
        deferredFailures = true;
        wake();
    }

    /**
     * Recovery step 1 (gate held by recovery): reaps every completion waiting in the CQ, so the
     * device gets its CQ slots back and those commands leave the timeout ladder, and holds them
     * for the owner's next poll, which runs their callbacks. Returns the completions reaped.
     */
    int reapForOwner() {
        return held.reapFrom(queue);
    }

    /** Delivers what {@link #reapForOwner} held (gate held); before anything fails the rest. */
    void deliverHeld() {
        if (!held.isEmpty()) {
            held.deliver(slots);
        }
    }

    /** Wakes an owner blocked on this pair's interrupt vector (any thread). */
    void wake() {
        if (vector != null) {
            vector.wakeUp();
        }
    }

    private int deliverHostFailures() {
        int status = hostFailure;
        if (status == 0) {
            deferredFailures = false;
        }
        return teardown.deliverHostFailures(status);
    }

    /**
     * {@inheritDoc} Waits for the owner to leave the pair up to the I/O timeout (at most 10 s);
     * an owner still inside then (a long callback) finishes the close when its poll returns.
     */
    @Override
    public void close() {
        teardown.close();
    }

    /**
     * A controller reset could not enter the pair (its owner stayed inside, in a callback) and
     * recreated the other pairs without it: the pair's queues no longer exist on the controller.
     * Closes it at once (new commands are refused, naming {@code reason}); what is outstanding
     * completes with {@code status}, and its memory is released, by the owner when its poll
     * returns (or here, if it already left). Never waits. False when it was already closing.
     */
    boolean closeLostInReset(String reason, int status) {
        closedBecause = reason;
        return teardown.abandon(status);
    }

    /** Claims this pair for the controller's close; false when it is already closing. */
    boolean beginClose() {
        return teardown.claim();
    }

    /**
     * Finishes a close the controller did (it deleted the queues, or the device is dead):
     * reaps what the device posted, fails the rest with {@code status}, releases memory.
     */
    boolean releaseDma(long boundNanos) {
        return teardown.releaseDma(boundNanos);
    }

    void finishClosedByController(int status) {
        teardown.finishClosedByController(status);
    }
}
