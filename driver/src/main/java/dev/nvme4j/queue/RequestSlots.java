package dev.nvme4j.queue;

import dev.nvme4j.api.IoCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of one queue pair and what happens when their device commands complete: the
 * free list of preallocated {@link Request}s, a completed part's status (or its retry, see
 * {@link RetryQueue}), and each request's one callback. A callback that throws does not stop
 * the rest of the batch: the throwable is counted, a RuntimeException logged once, an Error
 * kept and rethrown when the thread leaves the pair (see {@link dev.nvme4j.api.IoCallback}).
 * Allocation-free; owned by the thread holding the pair's gate.
 */
final class RequestSlots implements CompletionSink {
    private static final Logger LOG = LoggerFactory.getLogger(RequestSlots.class);

    private final IoQueuePairImpl pair;
    private final CommandQueue queue;
    private final OwnerGate gate;
    private final RetryQueue retries;
    final Request[] requests;
    private int freeRequest;
    private int inUse;
    /** DW0/DW1 of the request completed last (for the synchronous conveniences). */
    int lastDw0;
    int lastDw1;
    /** The first Error a callback threw in the current poll or close. */
    private Error callbackError;

    RequestSlots(IoQueuePairImpl pair, CommandQueue queue, OwnerGate gate, RetryQueue retries) {
        this.pair = pair;
        this.queue = queue;
        this.gate = gate;
        this.retries = retries;
        int n = queue.trackers().capacity();
        requests = new Request[n];
        for (int i = 0; i < n; i++) {
            requests[i] = new Request(i);
            requests[i].nextFree = i + 1 < n ? i + 1 : -1;
        }
        freeRequest = 0;
    }

    boolean hasFree() {
        return freeRequest >= 0;
    }

    int inUse() {
        return inUse;
    }

    /** Takes a free request (the caller checked {@link #hasFree}) for a new command. */
    Request take(IoCallback callback, long tag, int opcode, int nsid) {
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
        inUse++;
        return r;
    }

    @Override
    public void onCompletion(Tracker t, int status, int dw0, int dw1) {
        Request r = requests[t.owner];
        if (status != 0 && !pair.closed && retries.offer(t, status, r.opcode < 0)) {
            return; // re-issued by a later poll (RetryQueue)
        }
        queue.release(t);
        if (status != 0 && r.status == 0) {
            r.status = status;
            r.errorLba = t.slba;
        }
        r.dw0 = dw0;
        r.dw1 = dw1;
        if (--r.partsInFlight == 0 && r.blocksLeft == 0) {
            complete(r);
        }
    }

    /** Frees the request's slot and runs its callback. */
    void complete(Request r) {
        IoCallback cb = r.callback;
        long tag = r.tag;
        int status = r.status == 0 && r.hostCheck != null ? MetadataIo.check(r) : r.status;
        pair.errorLba(r.takeErrorLba());
        lastDw0 = r.dw0;
        lastDw1 = r.dw1;
        r.callback = null;
        r.busy = false;
        r.nextFree = freeRequest;
        freeRequest = r.index;
        inUse--;
        try {
            cb.onComplete(tag, status);
        } catch (Throwable e) {
            callbackFailed(e);
        }
    }

    /**
     * A callback threw. The rest of the batch must still be delivered, so nothing propagates
     * from here: an Error is kept (the first one) and rethrown by the poll or close that ran
     * the callback once it is done; anything else is logged once. Both are counted.
     */
    private void callbackFailed(Throwable e) {
        if (queue.stats().countCallbackFailure() == 0 && !(e instanceof Error)) {
            LOG.error("I/O callback on queue pair {} threw; callbacks must not throw (logged once, counted in"
                    + " QueueCounters.callbackFailures)", queue.qid(), e);
        }
        if (e instanceof Error err && callbackError == null) {
            callbackError = err;
        }
    }

    boolean hasCallbackError() {
        return callbackError != null;
    }

    /** Rethrows the Error a callback threw, once the thread has left the pair entirely. */
    void rethrowCallbackError() {
        Error e = callbackError;
        if (e != null && !gate.heldByCurrentThread()) {
            callbackError = null;
            throw e;
        }
    }

    /** Logs (does not rethrow) the Error a callback threw during the controller's work. */
    void reportCallbackError(String when) {
        Error e = callbackError;
        if (e != null) {
            callbackError = null; // the controller's work goes on; the Error is reported, not lost
            LOG.error("I/O callback on queue pair {} threw {}", queue.qid(), when, e);
        }
    }
}
