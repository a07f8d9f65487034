package dev.nvme4j.queue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.Objects;

/**
 * The I/O queue pair: requests (split at MDTS, completed once) over a {@link CommandQueue}.
 * Thread model as documented on {@link dev.nvme4j.api.IoQueuePair}: one owner thread at a time,
 * enforced by an {@link OwnerGate}; the controller's recovery and close enter the same gate.
 */
public final class IoQueuePairImpl extends QueuePairConveniences {
    /** Host status for commands the device never answered: Command Aborted By Host, DNR. */
    public static final int HOST_ABORT = NvmeStatus.COMMAND_ABORTED_BY_HOST.code(true);
    /** Host status for the commands of a device that was removed: Host Pathing Error, DNR. */
    public static final int DEVICE_REMOVED = NvmeStatus.HOST_PATHING_ERROR.code(true);
    /** Deadlines are looked at every 64th poll: a counter test on the hot path, nothing more. */
    private static final int DEADLINE_CHECK_MASK = 63;
    /** Marks a tracker whose command recovery gave up on; completed by the owner's next poll. */
    public static final int STEP_FAIL_PENDING = -1;
    /** Marks a tracker whose completion recovery reaped for the owner (see {@link #reapForOwner}). */
    public static final int STEP_HELD = HeldCompletions.STEP_HELD;

    private final QueueHost host;
    private final CommandQueue queue;
    private final OwnerGate gate;
    private final CompletionMode mode;
    private final InterruptVector vector;
    private final DmaRegion prpArea;
    /** The requests of {@link #slots}, for the failure work. */
    final Request[] requests;
    private final long ioTimeoutNanos;
    private final long maxTransfer;
    private final int pageSize;
    private final long hybridSpinNanos;
    private final DeadlineCheck deadlines;
    private final CommandWriter writer;
    final PendingRequests pending;
    private final HeldCompletions held;
    private final CompletionWaiter waiter;
    private final PairTeardown teardown;
    final RetryQueue retries;
    final RequestSlots slots;
    /** Allocated once: handing a method reference to every poll would allocate. */
    private final java.util.function.Consumer<Request> issuer = this::issue;

    /** No new commands (set by {@link PairTeardown#claim}). */
    volatile boolean closed;
    /** Why the pair was closed when the application did not close it (null otherwise). */
    private volatile String closedBecause;
    /** Set by recovery (under the gate or not): the owner's next poll fails what is marked. */
    private volatile int hostFailure;
    private volatile boolean deferredFailures;
    private int polls;
    /** When the owner's poll path next scans for late commands (owner/gate holder only). */
    private long nextDeadlineScan;
    /**
     * The last buffer region {@link QueueHost#checkBuffer} accepted: later buffers of the same
     * live region skip the controller's set lookup (a hash lookup per I/O otherwise). A region
     * leaves the controller's set only when freed, which {@link DmaRegion#isLive} shows.
     */
    private DmaRegion verifiedRegion;

    public IoQueuePairImpl(QueueHost host, CommandQueue queue, CompletionMode mode, InterruptVector vector,
                           DmaRegion prpArea, long hybridSpinNanos, DeadlineCheck deadlines) {
        this.host = host;
        this.queue = queue;
        this.gate = new OwnerGate("I/O queue pair " + queue.qid());
        this.mode = mode;
        this.vector = vector;
        this.prpArea = prpArea;
        this.ioTimeoutNanos = host.ioTimeoutNanos();
        this.maxTransfer = host.maxTransferBytes();
        this.pageSize = host.pageSize();
        this.hybridSpinNanos = hybridSpinNanos;
        this.deadlines = deadlines;
        retries = new RetryQueue(queue, host, ioTimeoutNanos);
        slots = new RequestSlots(this, queue, gate, retries);
        requests = slots.requests;
        writer = new CommandWriter(queue, pageSize, ioTimeoutNanos, host.sglThreshold());
        pending = new PendingRequests(requests);
        held = new HeldCompletions(queue.trackers().capacity());
        waiter = new CompletionWaiter(this, mode, vector, hybridSpinNanos);
        teardown = new PairTeardown(this, queue, gate, host, ioTimeoutNanos);
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

    public CommandQueue commandQueue() {
        return queue;
    }

    public OwnerGate gate() {
        return gate;
    }

    public InterruptVector vector() {
        return vector;
    }

    DmaRegion prpArea() {
        return prpArea;
    }

    /** For the deadline check: when the next scan of this pair is due (gate held). */
    public long nextDeadlineScan() {
        return nextDeadlineScan;
    }

    public void nextDeadlineScan(long nanos) {
        nextDeadlineScan = nanos;
    }

    public boolean isClosed() {
        return closed;
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
        return submitData(Opcodes.NVM_READ, ns, lba, blocks, buffer, meta, pi, callback, tag);
    }

    @Override
    public boolean write(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta, Protection pi,
                         IoCallback callback, long tag) {
        return submitData(Opcodes.NVM_WRITE, ns, lba, blocks, buffer, meta, pi, callback, tag);
    }

    @Override
    public boolean flush(Namespace ns, IoCallback callback, long tag) {
        gate.enter();
        try {
            checkOpen();
            Objects.requireNonNull(ns, "namespace");
            host.checkNamespace(ns);
            Request r = start(callback, tag, Opcodes.NVM_FLUSH, ns.nsid());
            if (r == null) {
                return false;
            }
            if (r.status != 0) {
                return true; // accepted on a failed controller: the next poll fails it
            }
            r.blocksLeft = 1;
            r.chunkBlocks = 1;
            issue(r);
            return true;
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean writeZeroes(Namespace ns, long lba, int blocks, IoCallback callback, long tag) {
        return submitNoData(Opcodes.NVM_WRITE_ZEROES, IdentifyLayout.ONCS_WRITE_ZEROES, ns, lba, blocks, callback, tag);
    }

    @Override
    public boolean deallocate(Namespace ns, long lba, int blocks, IoCallback callback, long tag) {
        return submitNoData(Opcodes.NVM_DATASET_MANAGEMENT, IdentifyLayout.ONCS_DSM, ns, lba, blocks, callback, tag);
    }

    @Override
    public boolean passthrough(RawCommand command, DmaBuffer buffer, IoCallback callback, long tag) {
        gate.enter();
        try {
            checkOpen();
            Objects.requireNonNull(command, "command");
            if (buffer != null) {
                host.checkBuffer(buffer);
                IoArgs.checkAlignment(Opcodes.ioName(command.opcode()), buffer);
                if (buffer.byteSize() > maxTransfer) {
                    throw new IllegalArgumentException("passthrough of " + buffer.byteSize() + " bytes exceeds the "
                            + "controller's maximum transfer of " + maxTransfer + " bytes (MDTS); passthrough is not split");
                }
            }
            Request r = start(callback, tag, -1, command.nsid());
            if (r == null) {
                return false;
            }
            if (r.status != 0) {
                return true; // accepted on a failed controller: the next poll fails it
            }
            Tracker t = queue.acquire();
            writer.writePassthrough(t, command, buffer);
            r.blocksLeft = 0;
            r.partsInFlight = 1;
            t.owner = r.index;
            return true;
        } finally {
            gate.exit();
        }
    }

    private boolean submitData(int opcode, Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta,
                               Protection pi, IoCallback callback, long tag) {
        gate.enter();
        try {
            checkOpen();
            String name = Opcodes.ioName(opcode);
            IoArgs.checkRange(name, ns, lba, blocks);
            host.checkNamespace(ns);
            MetadataIo.checkBuffers(name, ns, blocks, buffer, meta, pi, host);
            checkBuffer(buffer);
            Request r = start(callback, tag, opcode, ns.nsid());
            if (r == null) {
                return false;
            }
            if (r.status != 0) {
                return true; // accepted on a failed controller: the next poll fails it
            }
            MetadataIo.prepare(r, opcode == Opcodes.NVM_WRITE, ns, lba, blocks, buffer, meta, pi, maxTransfer);
            issue(r);
            return true;
        } finally {
            gate.exit();
        }
    }

    private boolean submitNoData(int opcode, int oncsBit, Namespace ns, long lba, int blocks, IoCallback callback,
                                 long tag) {
        gate.enter();
        try {
            checkOpen();
            String name = Opcodes.ioName(opcode);
            if ((host.oncs() & oncsBit) == 0) {
                throw new UnsupportedOperationException(name + " is not supported by this controller (Identify "
                        + "Controller ONCS = 0x" + Integer.toHexString(host.oncs()) + ")");
            }
            IoArgs.checkRange(name, ns, lba, blocks);
            host.checkNamespace(ns);
            Request r = start(callback, tag, opcode, ns.nsid());
            if (r == null) {
                return false;
            }
            if (r.status != 0) {
                return true; // accepted on a failed controller: the next poll fails it
            }
            r.nextLba = lba;
            r.blocksLeft = blocks;
            r.chunkBlocks = opcode == Opcodes.NVM_WRITE_ZEROES ? IoArgs.MAX_BLOCKS_PER_COMMAND : blocks;
            issue(r);
            return true;
        } finally {
            gate.exit();
        }
    }

    private void checkBuffer(DmaBuffer buffer) {
        DmaRegion region = RegionBuffer.regionOf(buffer);
        if (region != verifiedRegion || !region.isLive()) {
            host.checkBuffer(buffer);
            verifiedRegion = region;
        }
    }

    private void checkOpen() {
        if (closed) {
            String why = closedBecause;
            throw new IllegalStateException("I/O queue pair " + queue.qid() + " is closed"
                    + (why == null ? "" : ": " + why));
        }
        host.checkAccepting();
    }

    /**
     * Takes a request slot, or returns null (counted) when the queue is full. On a failed
     * controller the command never reaches the device, so only a request slot is needed (the
     * SQ of a dead device never drains): the request comes back with its status already set to
     * {@link QueueHost#failureStatus()}, and the next poll completes it.
     */
    private Request start(IoCallback callback, long tag, int opcode, int nsid) {
        Objects.requireNonNull(callback, "callback");
        boolean failed = host.isFailed();
        if (!slots.hasFree() || !failed && (!pending.isEmpty() || !queue.hasRoom())) {
            queue.stats().countQueueFull();
            return null;
        }
        Request r = slots.take(callback, tag, opcode, nsid);
        if (failed) {
            int status = host.failureStatus();
            r.status = status;
            hostFailure = status;
        }
        return r;
    }

    /** Issues as many parts of {@code r} as the queue has room for; queues the rest. */
    private void issue(Request r) {
        while (r.blocksLeft > 0) {
            Tracker t = queue.acquire();
            if (t == null) {
                pending.append(r);
                return;
            }
            t.owner = r.index;
            int chunk = (int) Math.min(r.blocksLeft, r.chunkBlocks);
            writer.writePart(t, r, chunk);
            r.partsInFlight++;
            r.blocksLeft -= chunk;
            r.nextLba += chunk;
            r.nextIova += (long) chunk * r.lbaSize;
        }
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
            if ((++polls & DEADLINE_CHECK_MASK) == 0 && deadlines != null) {
                deadlines.onPoll(this);
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
     * Completes every outstanding request with {@code status} (the device will not answer);
     * callbacks run on the calling thread, which holds the gate.
     */
    public void failAll(int status) {
        teardown.failAll(status);
    }

    /**
     * Asks the owner's next poll to complete everything outstanding with {@code status}
     * (controller failed); wakes an owner blocked on the interrupt. Any thread.
     */
    public void requestFailAll(int status) {
        hostFailure = status;
        wake();
    }

    /** Asks the owner's next poll to complete the trackers marked {@link #STEP_FAIL_PENDING}. */
    public void requestDeferredFailures() {
        deferredFailures = true;
        wake();
    }

    /**
     * Recovery step 1 (gate held by recovery): reaps every completion waiting in the CQ, so the
     * device gets its CQ slots back and those commands leave the timeout ladder, and holds them
     * for the owner's next poll, which runs their callbacks. Returns the completions reaped.
     */
    public int reapForOwner() {
        return held.reapFrom(queue);
    }

    /** Delivers what {@link #reapForOwner} held (gate held); before anything fails the rest. */
    void deliverHeld() {
        if (!held.isEmpty()) {
            held.deliver(slots);
        }
    }

    /** Wakes an owner blocked on this pair's interrupt vector (any thread). */
    public void wake() {
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
    public boolean closeLostInReset(String reason, int status) {
        closedBecause = reason;
        return teardown.abandon(status);
    }

    /** Claims this pair for the controller's close; false when it is already closing. */
    public boolean beginClose() {
        return teardown.claim();
    }

    /**
     * Finishes a close the controller did (it deleted the queues, or the device is dead):
     * reaps what the device posted, fails the rest with {@code status}, releases memory.
     */
    public void finishClosedByController(int status) {
        teardown.finishClosedByController(status);
    }
}
