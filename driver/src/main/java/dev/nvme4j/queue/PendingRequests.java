package dev.nvme4j.queue;

/**
 * Requests of a queue pair waiting to issue their remaining parts (a transfer split at MDTS
 * that did not fit the queue at once): an intrusive FIFO through {@link Request#nextPending},
 * so queueing allocates nothing. Owned by the queue pair's owner thread.
 */
final class PendingRequests {
    private final Request[] requests;
    private int pendingHead = -1;
    private int pendingTail = -1;

    PendingRequests(Request[] requests) {
        this.requests = requests;
    }

    boolean isEmpty() {
        return pendingHead < 0;
    }

    void clear() {
        pendingHead = -1;
        pendingTail = -1;
    }

    void append(Request r) {
        r.nextPending = -1;
        if (pendingTail < 0) {
            pendingHead = r.index;
        } else {
            requests[pendingTail].nextPending = r.index;
        }
        pendingTail = r.index;
    }

    /** Issues the remaining parts of split requests, oldest first, while there is room. */
    void pump(java.util.function.Consumer<Request> issue) {
        while (pendingHead >= 0) {
            Request r = requests[pendingHead];
            int before = pendingHead;
            pendingHead = r.nextPending;
            if (pendingHead < 0) {
                pendingTail = -1;
            }
            issue.accept(r);
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
}
