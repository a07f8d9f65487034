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
 */
final class PairTeardown {
    private static final Logger LOG = LoggerFactory.getLogger(PairTeardown.class);
    private static final int NOTHING = 0;
    /** The pair's own close: delete its queues, reap, fail the rest, release memory. */
    private static final int TEARDOWN = 1;
    /** The controller closed the queues: reap, fail the rest, release memory. */
    private static final int FINISH = 2;
    private static final int DONE = 3;
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
        if ((work == TEARDOWN || work == FINISH) && deferred.compareAndSet(work, DONE)) {
            if (work == TEARDOWN) {
                teardown();
            } else {
                finish(deferredStatus);
            }
        }
    }

    /** Deletes the queues (SQ first: the controller aborts what it holds), reaps, fails the rest. */
    private void teardown() {
        boolean sqDeleted = host.deleteSubmissionQueue(queue.qid());
        if (sqDeleted) {
            queue.reap(Integer.MAX_VALUE, pair.slots);
            host.deleteCompletionQueue(queue.qid());
        }
        failAll(QueuePairControl.HOST_ABORT);
        host.forget(pair.control);
        releaseMemory();
    }

    private void finish(int status) {
        queue.reap(Integer.MAX_VALUE, pair.slots);
        failAll(status);
        releaseMemory();
    }

    private void releaseMemory() {
        try {
            queue.sqRegion().owner().free(queue.sqRegion());
            queue.cqRegion().owner().free(queue.cqRegion());
            pair.prpArea().owner().free(pair.prpArea());
        } catch (RuntimeException e) {
            // Only when the owner finished late, after the controller had released its DMA memory.
            LOG.debug("I/O queue pair {}: releasing its memory", queue.qid(), e);
        }
    }
}
