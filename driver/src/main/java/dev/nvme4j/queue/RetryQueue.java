package dev.nvme4j.queue;

import dev.nvme4j.api.Status;

/**
 * Commands of a queue pair waiting to be re-issued after an error status without DNR (Base
 * 4.2.3: with DNR cleared "the same command may succeed if retried"). Like Linux, a command is
 * retried at most {@link #MAX_RETRIES} times; each retry waits the Command Retry Delay the
 * status's CRD field selects (CRDT1..3 of Identify Controller; CRD 0, which is all a controller
 * reports unless the host enabled ACRE, retries at once).
 *
 * <p>Not retried: passthrough commands (the caller asked for exactly that command), commands
 * recovery already worked on (timed out, aborted, resubmitted after a reset: they used up their
 * time), and anything on a closing pair. A waiting command keeps its tracker but is not at the
 * device; the owner's poll re-issues it once its time has come, so waiting never blocks the
 * owner. Preallocated arrays, no allocation; owned by the queue pair's owner (gate held).
 */
final class RetryQueue {
    /** Retries per command, as Linux's default {@code nvme_core.max_retries}. */
    static final int MAX_RETRIES = 5;

    private final CommandQueue queue;
    private final QueueHost host;
    private final long ioTimeoutNanos;
    private final Tracker[] waiting;
    /** The CID the command had when it was queued: a tracker reused meanwhile no longer matches. */
    private final int[] waitingCid;
    private final long[] due;
    private int count;

    RetryQueue(CommandQueue queue, QueueHost host, long ioTimeoutNanos) {
        this.queue = queue;
        this.host = host;
        this.ioTimeoutNanos = ioTimeoutNanos;
        int n = queue.trackers().capacity();
        waiting = new Tracker[n];
        waitingCid = new int[n];
        due = new long[n];
    }

    boolean isEmpty() {
        return count == 0;
    }

    /**
     * Takes the command of {@code t}, which completed with the error {@code status}, for a
     * retry if it qualifies; false when the status is final.
     */
    boolean offer(Tracker t, int status, boolean passthrough) {
        if (Status.dnr(status) || passthrough || t.errorRetries >= MAX_RETRIES || t.recoveryStep != RecoveryStep.NONE
                || t.retries != 0 || count == waiting.length) {
            return false;
        }
        long now = System.nanoTime();
        long at = now + host.commandRetryDelayNanos(Status.crd(status));
        t.retryWaiting = true;
        t.advanceRecovery(RecoveryStep.RETRY_WAIT, at + ioTimeoutNanos); // not at the device: no timeout ladder
        waiting[count] = t;
        waitingCid[count] = t.cid;
        due[count] = at;
        count++;
        return true;
    }

    /** Re-issues every waiting command whose delay has passed (the caller rings the doorbell). */
    void issueDue() {
        long now = System.nanoTime();
        int kept = 0;
        for (int i = 0; i < count; i++) {
            Tracker t = waiting[i];
            waiting[i] = null;
            if (!t.busy || !t.retryWaiting || t.cid != waitingCid[i]) {
                continue; // failed, or resubmitted by a controller reset, meanwhile
            }
            if (now - due[i] >= 0 && queue.hasSqSlot()) {
                queue.retrySaved(t, now + ioTimeoutNanos);
            } else {
                waiting[kept] = t;
                waitingCid[kept] = waitingCid[i];
                due[kept] = due[i];
                kept++;
            }
        }
        count = kept;
    }

    /** Forgets every waiting command (they are being failed). */
    void clear() {
        for (int i = 0; i < count; i++) {
            waiting[i].retryWaiting = false;
            waiting[i] = null;
        }
        count = 0;
    }
}
