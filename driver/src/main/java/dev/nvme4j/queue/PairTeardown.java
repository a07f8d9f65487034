package dev.nvme4j.queue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failure and teardown of one I/O queue pair: completing everything outstanding when the
 * device will not answer, and closing the pair (its own close, or the controller's).
 *
 * <p>The callbacks of this work always run on the thread that holds the pair's gate, never
 * beside the owner. A close that finds the owner inside the pair for longer than it waits
 * (a long callback) does not go on without it: it closes the pair to new commands at once and
 * leaves the rest (reaping, failing what is left, releasing memory) to the owner, which does
 * it when its poll returns. Until then the owner's batch is delivered with the device's
 * statuses. Whoever claims the deferred work first does it, exactly once.
 *
 * <p>The pair's DMA memory (rings, PRP lists) belongs to the controller's allocator, which the
 * controller's close releases. Before it does, {@link #releaseDma} makes sure no deferred work
 * touches that memory afterwards: work not started yet is turned into a finish without DMA (no
 * reap, no free: what is outstanding completes with the deferred status); work already running
 * is waited for (bounded) until it has let go of the memory, which it does before any callback.
 */
final class PairTeardown {
    private static final Logger LOG = LoggerFactory.getLogger(PairTeardown.class);
    private static final int NOTHING = 0;
    /** The pair's own close: delete its queues, reap, fail the rest, release memory. */
    private static final int TEARDOWN = 1;
    /** The controller closed the queues: reap, fail the rest, release memory. */
    private static final int FINISH = 2;
    private static final int DONE = 3;
    /** The controller released the DMA memory: fail what is left, touch no ring, free nothing. */
    private static final int FINISH_WITHOUT_DMA = 4;
    /** Longest a close waits for the owner to leave the pair. */
    private static final long MAX_OWNER_WAIT_NANOS = 10_000_000_000L;

    private final IoQueuePairImpl pair;
    private final CommandQueue queue;
    private final OwnerGate gate;
    private final QueueHost host;
    private final long ownerWaitNanos;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicInteger deferred = new AtomicInteger(NOTHING);
    private volatile int deferredStatus;
    /** The deferred work is past its last access to the pair's DMA memory (or never had one). */
    private volatile boolean dmaLetGo;

    PairTeardown(IoQueuePairImpl pair, CommandQueue queue, OwnerGate gate, QueueHost host, long ioTimeoutNanos) {
        this.pair = pair;
        this.queue = queue;
        this.gate = gate;
        this.host = host;
        this.ownerWaitNanos = Math.min(ioTimeoutNanos, MAX_OWNER_WAIT_NANOS);
    }

    // ---- failing what the device will not answer (gate held) ----

    /**
     * Completes every outstanding request with {@code status}: pending parts are dropped,
     * in-flight trackers released, the SQ's entries given up. Callbacks run on the calling
     * thread, which holds the gate.
     */
    void failAll(int status) {
        pair.deliverHeld(); // completions recovery reaped keep their device status
        pair.pending.clear();
        pair.retries.clear();
        Request[] requests = pair.requests;
        for (Request r : requests) {
            if (r.busy) {
                r.blocksLeft = 0;
            }
        }
        TrackerPool pool = queue.trackers();
        for (Tracker t = pool.nextBusy(null); t != null; t = pool.nextBusy(t)) {
            pair.slots.onCompletion(t, status, 0, 0);
        }
        // Nothing in the SQ will ever be fetched now: a dead queue must not stay "full".
        queue.abandonSubmissions();
        for (Request r : requests) {
            if (r.busy && r.partsInFlight == 0) {
                if (r.status == 0) {
                    r.status = status;
                }
                pair.slots.complete(r);
            }
        }
    }

    /** What recovery asked the owner's poll to fail; returns the requests completed. */
    int deliverHostFailures(int hostFailure) {
        int before = pair.outstanding();
        if (hostFailure != 0) {
            failAll(hostFailure);
            return before - pair.outstanding();
        }
        TrackerPool pool = queue.trackers();
        for (Tracker t = pool.nextBusy(null); t != null; t = pool.nextBusy(t)) {
            if (t.recoveryStep == RecoveryStep.FAIL_PENDING) {
                pair.slots.onCompletion(t, QueuePairControl.HOST_ABORT, 0, 0);
            }
        }
        return before - pair.outstanding();
    }

    // ---- close ----

    /** {@link dev.nvme4j.api.IoQueuePair#close()}. */
    void close() {
        if (gate.heldByCurrentThread()) {
            throw new IllegalStateException("I/O queue pair " + queue.qid() + " cannot be closed from inside its own"
                    + " callback or submit; close it after poll returns");
        }
        if (!claim()) {
            return;
        }
        if (!gate.system(System.nanoTime() + ownerWaitNanos)) {
            defer(TEARDOWN, QueuePairControl.HOST_ABORT, true);
            return;
        }
        try {
            teardown();
        } finally {
            gate.exit();
        }
        pair.slots.rethrowCallbackError();
    }

    /** Claims the pair for closing (no new commands from now on); false when it is already closing. */
    boolean claim() {
        if (!closing.compareAndSet(false, true)) {
            return false;
        }
        pair.closed = true;
        queue.retire(); // an owner reaping in a callback right now stops reading the rings
        return true;
    }

    /**
     * Finishes a close the controller did (it deleted the queues, or the device is dead): reaps
     * what the device posted, fails the rest with {@code status}, releases memory. Deferred to
     * the owner when it stays inside the pair.
     */
    void finishClosedByController(int status) {
        if (!gate.system(System.nanoTime() + ownerWaitNanos)) {
            defer(FINISH, status, true);
            return;
        }
        try {
            finish(status);
        } finally {
            gate.exit();
        }
        pair.slots.reportCallbackError("while the controller closed it");
    }

    /**
     * Closes the pair without waiting for its owner (the controller's queues are gone): claims
     * it and leaves reaping, failing the rest with {@code status} and releasing memory to the
     * owner's return, or does it now if nobody is inside.
     */
    boolean abandon(int status) {
        if (!claim()) {
            return false;
        }
        defer(FINISH, status, false); // the controller logs why
        return true;
    }

    /**
     * The owner's poll returned on a closed pair: if a close left its work to the owner, do it
     * now (callbacks on the owner thread, the gate held as owner).
     */
    void ownerReturned() {
        if (deferred.get() == NOTHING || gate.heldByCurrentThread()) {
            return;
        }
        gate.enter();
        try {
            runDeferred();
        } finally {
            gate.exit();
        }
    }

    private void defer(int work, int status, boolean log) {
        deferredStatus = status;
        deferred.set(work);
        if (log) {
            LOG.warn("I/O queue pair {}: the owner thread stayed inside the pair (a long callback) for {} ms; the"
                    + " pair takes no new commands, and the owner finishes closing it when its poll returns",
                    queue.qid(), ownerWaitNanos / 1_000_000);
        }
        pair.wake();
        // The owner may have left between the wait and now, and seen nothing to do: look again.
        if (gate.trySystem()) {
            try {
                runDeferred();
            } finally {
                gate.exit();
            }
        }
    }

    /** Runs the deferred work if nobody has claimed it yet; gate held. */
    private void runDeferred() {
        int work = deferred.get();
        if ((work == TEARDOWN || work == FINISH || work == FINISH_WITHOUT_DMA) && deferred.compareAndSet(work, DONE)) {
            if (work == TEARDOWN) {
                teardown();
            } else if (work == FINISH) {
                finish(deferredStatus);
            } else {
                dmaLetGo = true;
                failAll(deferredStatus);
                host.forget(pair.control);
            }
        }
    }

    /**
     * The controller is about to release its DMA memory (its close): after this returns true,
     * no work of this pair reads its rings or frees its memory. Work still deferred to the
     * owner becomes a finish without DMA; work under way is waited for until it let go of the
     * memory. Any thread. False when that did not happen within {@code boundNanos}.
     */
    boolean releaseDma(long boundNanos) {
        long deadline = System.nanoTime() + boundNanos;
        while (true) {
            int work = deferred.get();
            if (work == NOTHING || work == FINISH_WITHOUT_DMA) {
                return true; // nothing deferred: a close that ran did its work before returning
            }
            if ((work == TEARDOWN || work == FINISH) && deferred.compareAndSet(work, FINISH_WITHOUT_DMA)) {
                if (work == TEARDOWN) {
                    deferredStatus = QueuePairControl.HOST_ABORT;
                }
                return true;
            }
            if (work == DONE && dmaLetGo) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.onSpinWait();
        }
    }

    /** Deletes the queues (SQ first: the controller aborts what it holds), reaps, fails the rest. */
    private void teardown() {
        boolean sqDeleted = host.deleteSubmissionQueue(queue.qid());
        if (sqDeleted) {
            pair.reapForOwner(); // held: the callbacks run after the memory is let go
            host.deleteCompletionQueue(queue.qid());
        }
        releaseMemory();
        failAll(QueuePairControl.HOST_ABORT); // delivers the held completions first
        host.forget(pair.control);
    }

    private void finish(int status) {
        pair.reapForOwner();
        releaseMemory();
        failAll(status);
    }

    /** Frees the rings and PRP lists; the last access to the pair's DMA memory. */
    private void releaseMemory() {
        try {
            queue.sqRegion().owner().free(queue.sqRegion());
            queue.cqRegion().owner().free(queue.cqRegion());
            pair.prpArea().owner().free(pair.prpArea());
        } finally {
            dmaLetGo = true;
        }
    }
}
