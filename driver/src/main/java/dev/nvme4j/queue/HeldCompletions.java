package dev.nvme4j.queue;

/**
 * Completions the controller's recovery reaped from a pair's CQ while its owner was away (a
 * missed interrupt, or an owner that does not poll; recovery step 1): the device's CQ slots are
 * freed and the commands leave the timeout ladder at once, while their callbacks wait for the
 * owner's next poll (recovery never runs application callbacks). Trackers stay busy, so their
 * command identifiers are not reused, until the owner delivers them.
 *
 * <p>Preallocated; every method is called with the pair's gate held.
 */
final class HeldCompletions implements CompletionSink {
    private final Tracker[] trackers;
    private final int[] status;
    private final int[] dw0;
    private final int[] dw1;
    private int count;

    HeldCompletions(int capacity) {
        trackers = new Tracker[capacity];
        status = new int[capacity];
        dw0 = new int[capacity];
        dw1 = new int[capacity];
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Reaps every completion waiting in {@code queue} into this holder; returns how many. */
    int reapFrom(CommandQueue queue) {
        int before = count;
        while (count < trackers.length && queue.reap(trackers.length - count, this) > 0) {
            // each round rings the CQ head doorbell once, before anything is held
        }
        return count - before;
    }

    @Override
    public void onCompletion(Tracker t, int st, int d0, int d1) {
        trackers[count] = t;
        status[count] = st;
        dw0[count] = d0;
        dw1[count] = d1;
        t.advanceRecovery(RecoveryStep.HELD, t.deadlineNanos()); // the deadline stays: recovery counts it if it passed
        count++;
    }

    /** Hands every held completion to {@code sink}, oldest first; returns how many. */
    int deliver(CompletionSink sink) {
        int n = count;
        count = 0;
        for (int i = 0; i < n; i++) {
            Tracker t = trackers[i];
            trackers[i] = null;
            sink.onCompletion(t, status[i], dw0[i], dw1[i]);
        }
        return n;
    }
}
