package dev.nvme4j.queue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O queue pair: requests (split at MDTS, completed once) over a {@link CommandQueue}.
 * Thread model as documented on {@link dev.nvme4j.api.IoQueuePair}: one owner thread at a time,
 * enforced by an {@link OwnerGate}; the controller's recovery and close enter the same gate.
 */
public final class IoQueuePairImpl extends QueuePairConveniences implements CompletionSink {
    private static final Logger LOG = LoggerFactory.getLogger(IoQueuePairImpl.class);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Host status for commands the device never answered: Command Aborted By Host, DNR. */
    public static final int HOST_ABORT = NvmeStatus.COMMAND_ABORTED_BY_HOST.code(true);
    /** NLB is a 16-bit zero-based field (NVM Command Set 3.2.4, figure 43). */
    private static final int MAX_BLOCKS_PER_COMMAND = 65536;
    /** Deadlines are looked at every 64th poll: a counter test on the hot path, nothing more. */
    private static final int DEADLINE_CHECK_MASK = 63;
    /** Marks a tracker whose command recovery gave up on; completed by the owner's next poll. */
    public static final int STEP_FAIL_PENDING = -1;

    private final QueueHost host;
    private final CommandQueue queue;
    private final OwnerGate gate;
    private final CompletionMode mode;
    private final InterruptVector vector;
    private final DmaRegion prpArea;
    private final Request[] requests;
    private final long ioTimeoutNanos;
    private final long maxTransfer;
    private final int pageSize;
    private final long hybridSpinNanos;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final DeadlineCheck deadlines;

    private volatile boolean closed;
    /** Set by recovery (under the gate or not): the owner's next poll fails what is marked. */
    private volatile int hostFailure;
    private volatile boolean deferredFailures;
    private int polls;
    /** The owner's last block on the vector timed out (owner thread only). */
    private boolean waitedInVain;
    private int freeRequest;
    private int requestsInUse;
    private int pendingHead = -1;
    private int pendingTail = -1;
    private int lastDw0;
    private int lastDw1;
    private long callbackFailures;
    /**
     * The last buffer region {@link QueueHost#checkBuffer} accepted: later buffers of the same
     * live region skip the controller's set lookup (a hash lookup per I/O otherwise). A region
     * leaves the controller's set only when freed, which {@link DmaRegion#isLive} shows.
     */
    private DmaRegion verifiedRegion;
    /** System.nanoTime() read at most once per poll, for the deadlines of commands its callbacks submit. */
    private long pollClock;
    /** True while poll() hands out completions (callbacks may submit). */
    private boolean polling;
    /** True when {@link #pollClock} was read during the current poll. */
    private boolean pollClockRead;

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
        int n = queue.trackers().capacity();
        requests = new Request[n];
        for (int i = 0; i < n; i++) {
            requests[i] = new Request(i);
            requests[i].nextFree = i + 1 < n ? i + 1 : -1;
        }
        freeRequest = 0;
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

    public boolean isClosed() {
        return closed;
    }

    @Override
    long ioTimeoutNanos() {
        return ioTimeoutNanos;
    }

    @Override
    int lastDw0() {
        return lastDw0;
    }

    @Override
    int lastDw1() {
        return lastDw1;
    }

    // ---- submission ----

    @Override
    public boolean read(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback, long tag) {
        return submitData(Opcodes.NVM_READ, ns, lba, blocks, buffer, callback, tag);
    }

    @Override
    public boolean write(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback, long tag) {
        return submitData(Opcodes.NVM_WRITE, ns, lba, blocks, buffer, callback, tag);
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
            if (host.isFailed()) {
                acceptAsFailed(r);
                return true;
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
            if (host.isFailed()) {
                acceptAsFailed(r);
                return true;
            }
            Tracker t = queue.acquire();
            writePassthrough(t, command, buffer);
            r.blocksLeft = 0;
            r.partsInFlight = 1;
            t.owner = r.index;
            return true;
        } finally {
            gate.exit();
        }
    }

    private boolean submitData(int opcode, Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback,
                               long tag) {
        gate.enter();
        try {
            checkOpen();
            String name = Opcodes.ioName(opcode);
            IoArgs.checkRange(name, ns, lba, blocks);
            host.checkNamespace(ns);
            IoArgs.checkDataBuffer(name, buffer, (long) blocks * ns.lbaSize());
            checkBuffer(buffer);
            Request r = start(callback, tag, opcode, ns.nsid());
            if (r == null) {
                return false;
            }
            if (host.isFailed()) {
                acceptAsFailed(r);
                return true;
            }
            r.lbaSize = ns.lbaSize();
            r.chunkBlocks = (int) Math.min(MAX_BLOCKS_PER_COMMAND, Math.max(1, maxTransfer / ns.lbaSize()));
            r.nextLba = lba;
            r.nextIova = buffer.iova();
            r.blocksLeft = blocks;
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
            if (host.isFailed()) {
                acceptAsFailed(r);
                return true;
            }
            r.nextLba = lba;
            r.blocksLeft = blocks;
            r.chunkBlocks = opcode == Opcodes.NVM_WRITE_ZEROES ? MAX_BLOCKS_PER_COMMAND : blocks;
            issue(r);
            return true;
        } finally {
            gate.exit();
        }
    }

    private void checkBuffer(DmaBuffer buffer) {
        DmaRegion region = buffer.region();
        if (region != verifiedRegion || !region.isLive()) {
            host.checkBuffer(buffer);
            verifiedRegion = region;
        }
    }

    /**
     * Deadline of a command submitted now. Inside poll (a callback submitting the next command)
     * the clock is read once, by the first such submission, and shared by the rest of the batch:
     * it is at most one poll's callbacks old, against I/O timeouts of seconds. An empty poll
     * never reads the clock.
     */
    private long deadline() {
        if (!polling) {
            return System.nanoTime() + ioTimeoutNanos;
        }
        if (!pollClockRead) {
            pollClock = System.nanoTime();
            pollClockRead = true;
        }
        return pollClock + ioTimeoutNanos;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("I/O queue pair " + queue.qid() + " is closed");
        }
        host.checkAccepting();
    }

    /** Takes a request slot, or returns null (counted) when the queue is full. */
    private Request start(IoCallback callback, long tag, int opcode, int nsid) {
        Objects.requireNonNull(callback, "callback");
        if (pendingHead >= 0 || freeRequest < 0 || !queue.hasRoom()) {
            queue.stats().queueFull++;
            return null;
        }
        Request r = requests[freeRequest];
        freeRequest = r.nextFree;
        r.blocksLeft = 0;
        r.nextFree = -1;
        r.busy = true;
        r.callback = callback;
        r.tag = tag;
        r.opcode = opcode;
        r.nsid = nsid;
        r.status = 0;
        r.partsInFlight = 0;
        requestsInUse++;
        return r;
    }

    /** The controller is failed: the command never reaches the device; the next poll fails it. */
    private void acceptAsFailed(Request r) {
        r.status = HOST_ABORT;
        hostFailure = HOST_ABORT;
    }

    /** Issues as many parts of {@code r} as the queue has room for; queues the rest. */
    private void issue(Request r) {
        while (r.blocksLeft > 0) {
            Tracker t = queue.acquire();
            if (t == null) {
                appendPending(r);
                return;
            }
            t.owner = r.index;
            int chunk = (int) Math.min(r.blocksLeft, r.chunkBlocks);
            writePart(t, r, chunk);
            r.partsInFlight++;
            r.blocksLeft -= chunk;
            r.nextLba += chunk;
            r.nextIova += (long) chunk * r.lbaSize;
        }
    }

    private void writePart(Tracker t, Request r, int chunk) {
        MemorySegment sq = queue.sq();
        long base = queue.startEntry(t, r.opcode, r.nsid);
        int bytes = 0;
        switch (r.opcode) {
            case Opcodes.NVM_READ, Opcodes.NVM_WRITE -> {
                bytes = chunk * r.lbaSize;
                Sqe.putLong(sq, base, Sqe.OFF_PRP1, r.nextIova);
                Sqe.putLong(sq, base, Sqe.OFF_PRP2,
                        PrpBuilder.prp2(r.nextIova, bytes, pageSize, t.prpList, t.prpListIova));
                putLbaRange(sq, base, r.nextLba, chunk);
            }
            case Opcodes.NVM_WRITE_ZEROES -> putLbaRange(sq, base, r.nextLba, chunk);
            case Opcodes.NVM_DATASET_MANAGEMENT -> writeDeallocate(sq, base, t, r.nextLba, chunk);
            default -> { } // Flush: NSID only (NVM Command Set 3.2.2)
        }
        t.dataBytes = bytes;
        queue.finishEntry(t, deadline());
    }

    /** SLBA in CDW10-11, NLB (zero-based) in CDW12 (NVM Command Set 3.2.4/3.2.6/3.2.8). */
    private static void putLbaRange(MemorySegment sq, long base, long lba, int blocks) {
        Sqe.putLong(sq, base, Sqe.OFF_CDW10, lba);
        Sqe.putInt(sq, base, Sqe.OFF_CDW12, blocks - 1);
    }

    /** One range in the tracker's own DMA area (NVM Command Set 3.2.3, figure 39). */
    private static void writeDeallocate(MemorySegment sq, long base, Tracker t, long lba, int blocks) {
        t.prpList.set(LE_INT, 0, 0);               // context attributes
        t.prpList.set(LE_INT, 4, blocks);          // length in logical blocks
        t.prpList.set(LE_LONG, 8, lba);            // starting LBA
        Sqe.putLong(sq, base, Sqe.OFF_PRP1, t.prpListIova);
        Sqe.putInt(sq, base, Sqe.OFF_CDW10, 0);     // NR: one range, zero-based
        Sqe.putInt(sq, base, Sqe.OFF_CDW11, Opcodes.DSM_ATTR_DEALLOCATE);
    }

    private void writePassthrough(Tracker t, RawCommand c, DmaBuffer buffer) {
        MemorySegment sq = queue.sq();
        long base = queue.startEntry(t, c.opcode(), c.nsid());
        Sqe.putInt(sq, base, Sqe.OFF_CDW2, c.cdw2());
        Sqe.putInt(sq, base, Sqe.OFF_CDW3, c.cdw3());
        Sqe.putInt(sq, base, Sqe.OFF_CDW10, c.cdw10());
        Sqe.putInt(sq, base, Sqe.OFF_CDW11, c.cdw11());
        Sqe.putInt(sq, base, Sqe.OFF_CDW12, c.cdw12());
        Sqe.putInt(sq, base, Sqe.OFF_CDW13, c.cdw13());
        Sqe.putInt(sq, base, Sqe.OFF_CDW14, c.cdw14());
        Sqe.putInt(sq, base, Sqe.OFF_CDW15, c.cdw15());
        if (buffer != null && buffer.byteSize() > 0) {
            Sqe.putLong(sq, base, Sqe.OFF_PRP1, buffer.iova());
            Sqe.putLong(sq, base, Sqe.OFF_PRP2,
                    PrpBuilder.prp2(buffer.iova(), buffer.byteSize(), pageSize, t.prpList, t.prpListIova));
        }
        t.dataBytes = buffer == null ? 0 : (int) buffer.byteSize();
        queue.finishEntry(t, deadline());
    }

    private void appendPending(Request r) {
        r.nextPending = -1;
        if (pendingTail < 0) {
            pendingHead = r.index;
        } else {
            requests[pendingTail].nextPending = r.index;
        }
        pendingTail = r.index;
    }

    /** Issues the remaining parts of split requests, oldest first, while there is room. */
    private void pumpPending() {
        while (pendingHead >= 0) {
            Request r = requests[pendingHead];
            int before = pendingHead;
            pendingHead = r.nextPending;
            if (pendingHead < 0) {
                pendingTail = -1;
            }
            issue(r);
            if (r.blocksLeft > 0) {
                // issue() re-queued it at the tail; it was the oldest, so put it back in front.
                if (pendingHead != before) {
                    moveTailToFront();
                }
                return;
            }
        }
    }

    private void moveTailToFront() {
        int tail = pendingTail;
        if (pendingHead == tail) {
            return;
        }
        int prev = pendingHead;
        while (requests[prev].nextPending != tail) {
            prev = requests[prev].nextPending;
        }
        requests[prev].nextPending = -1;
        pendingTail = prev;
        requests[tail].nextPending = pendingHead;
        pendingHead = tail;
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
        gate.enter();
        try {
            if (closed) {
                return 0;
            }
            queue.ringSubmissions();
            pollClockRead = false;
            polling = true;
            int n;
            try {
                n = queue.reap(maxCompletions, this);
                if (deferredFailures | hostFailure != 0) {
                    n += deliverHostFailures();
                }
                pumpPending();
            } finally {
                polling = false;
            }
            queue.ringSubmissions();
            if ((++polls & DEADLINE_CHECK_MASK) == 0 && deadlines != null) {
                deadlines.onPoll(this);
            }
            return n;
        } finally {
            gate.exit();
        }
    }

    @Override
    public void onCompletion(Tracker t, int status, int dw0, int dw1) {
        Request r = requests[t.owner];
        queue.release(t);
        if (status != 0 && r.status == 0) {
            r.status = status;
        }
        r.dw0 = dw0;
        r.dw1 = dw1;
        if (--r.partsInFlight == 0 && r.blocksLeft == 0) {
            finish(r);
        }
    }

    private void finish(Request r) {
        IoCallback cb = r.callback;
        long tag = r.tag;
        int status = r.status;
        lastDw0 = r.dw0;
        lastDw1 = r.dw1;
        r.callback = null;
        r.busy = false;
        r.nextFree = freeRequest;
        freeRequest = r.index;
        requestsInUse--;
        try {
            cb.onComplete(tag, status);
        } catch (RuntimeException e) {
            if (callbackFailures++ == 0) {
                LOG.error("I/O callback on queue pair {} threw; callbacks must not throw (logged once)",
                        queue.qid(), e);
            }
        }
    }

    @Override
    public int process(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long spinUntil = switch (mode) {
            case POLL -> deadline;
            case HYBRID -> Math.min(deadline, System.nanoTime() + hybridSpinNanos);
            case INTERRUPT -> System.nanoTime();
        };
        while (true) {
            int n = poll();
            if (n > 0 || closed) {
                if (n > 0 && waitedInVain) {
                    checkMissedInterrupt();
                }
                return n;
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return 0;
            }
            if (now - spinUntil < 0 || vector == null) {
                Thread.onSpinWait();
            } else {
                boolean fired = vector.await(Math.min(deadline - now, InterruptWait.SLICE_NANOS));
                waitedInVain = !fired;
                if (fired) {
                    countInterrupt();
                }
            }
        }
    }

    /**
     * Blocking on the vector ended without an interrupt, and completions were found since: if
     * no signal is pending for them either, their interrupt was lost (recovery step 1: they
     * were completed by polling). Counted, logged once.
     */
    private void checkMissedInterrupt() {
        waitedInVain = false;
        if (vector.drain() == 0) {
            gate.enter();
            try {
                queue.stats().missedInterrupts++;
            } finally {
                gate.exit();
            }
            InterruptWait.logMissedOnce(queue.qid());
        }
    }

    private void countInterrupt() {
        gate.enter();
        try {
            queue.stats().interrupts++;
        } finally {
            gate.exit();
        }
    }

    @Override
    public int outstanding() {
        return requestsInUse;
    }

    @Override
    public QueueCounters counters() {
        return queue.stats().snapshot();
    }

    /** Callback exceptions swallowed (and logged once). */
    public long callbackFailures() {
        return callbackFailures;
    }

    // ---- failure and teardown (called with the gate held by system work) ----

    /**
     * Completes every outstanding request with {@code status} (the device will not answer):
     * pending parts are dropped, in-flight trackers released. Callbacks run on the calling
     * thread, which holds the gate.
     */
    public void failAll(int status) {
        pendingHead = -1;
        pendingTail = -1;
        for (Request r : requests) {
            if (r.busy) {
                r.blocksLeft = 0;
            }
        }
        TrackerPool pool = queue.trackers();
        for (int cid = 0; cid < pool.capacity(); cid++) {
            Tracker t = pool.get(cid);
            if (t.busy) {
                onCompletion(t, status, 0, 0);
            }
        }
        for (Request r : requests) {
            if (r.busy && r.partsInFlight == 0) {
                if (r.status == 0) {
                    r.status = status;
                }
                finish(r);
            }
        }
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

    /** Wakes an owner blocked on this pair's interrupt vector (any thread). */
    public void wake() {
        if (vector != null) {
            vector.wakeUp();
        }
    }

    private int deliverHostFailures() {
        int before = requestsInUse;
        int status = hostFailure;
        if (status != 0) {
            failAll(status);
            return before - requestsInUse;
        }
        deferredFailures = false;
        TrackerPool pool = queue.trackers();
        for (int cid = 0; cid < pool.capacity(); cid++) {
            Tracker t = pool.get(cid);
            if (t.busy && t.recoveryStep == STEP_FAIL_PENDING) {
                onCompletion(t, HOST_ABORT, 0, 0);
            }
        }
        return before - requestsInUse;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        boolean entered = gate.system(System.nanoTime() + Duration.ofSeconds(10).toNanos());
        if (!entered) {
            LOG.warn("I/O queue pair {}: the owner thread did not leave poll within 10 s; closing without it",
                    queue.qid());
        }
        try {
            teardown();
        } finally {
            if (entered) {
                gate.exit();
            }
        }
    }

    /** Deletes the queues (SQ first: the controller aborts what it holds), reaps, fails the rest. */
    private void teardown() {
        boolean sqDeleted = host.deleteSubmissionQueue(queue.qid());
        if (sqDeleted) {
            queue.reap(Integer.MAX_VALUE, this);
            host.deleteCompletionQueue(queue.qid());
        }
        failAll(HOST_ABORT);
        host.forget(this);
        releaseMemory();
    }

    /** Claims this pair for the controller's close; false when it is already closing. */
    public boolean beginClose() {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        closed = true;
        return true;
    }

    /**
     * Finishes a close the controller did (it deleted the queues, or the device is dead):
     * reaps what the device posted, fails the rest with {@code status}, releases memory.
     */
    public void finishClosedByController(int status) {
        boolean entered = gate.system(System.nanoTime() + Duration.ofSeconds(10).toNanos());
        try {
            queue.reap(Integer.MAX_VALUE, this);
            failAll(status);
            releaseMemory();
        } finally {
            if (entered) {
                gate.exit();
            }
        }
    }

    private void releaseMemory() {
        queue.sqRegion().owner().free(queue.sqRegion());
        queue.cqRegion().owner().free(queue.cqRegion());
        prpArea.owner().free(prpArea);
    }
}
