package dev.nvme4j.queue;

import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.spec.Cqe;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live counters of one queue. Single writer: only the thread that holds the queue (its owner,
 * or the controller's machinery inside the gate) counts. Any thread may take a
 * {@link #snapshot()}. Each counter is written and read with <em>opaque</em> accesses: a read
 * from another thread sees a whole value that is at most a few operations stale, never a torn
 * one (which plain {@code long}s do not promise in Java), at the cost of a plain store on x86-64.
 */
public final class QueueStats {
    private static final Logger LOG = LoggerFactory.getLogger(CommandQueue.class);
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private static final int SUBMITTED = 0;
    private static final int COMPLETED = 1;
    private static final int ERRORS = 2;
    private static final int TIMEOUTS = 3;
    private static final int MISSED_INTERRUPTS = 4;
    private static final int LOST_DOORBELLS = 5;
    private static final int ABORTS = 6;
    private static final int RESUBMITTED = 7;
    private static final int DOORBELLS_RUNG = 8;
    private static final int INTERRUPTS = 9;
    private static final int QUEUE_FULL = 10;
    private static final int CALLBACK_FAILURES = 11;
    private static final int STALE_COMPLETIONS = 12;
    private static final int SGL_COMMANDS = 13;
    private static final int RETRIED = 14;
    private static final int DOORBELLS_AVOIDED = 15;
    private static final int COUNT = 16;

    private final long[] counts = new long[COUNT];

    /** Adds {@code n} to counter {@code i} (single writer); returns the value before. */
    private long add(int i, long n) {
        long before = (long) SLOT.getOpaque(counts, i);
        SLOT.setOpaque(counts, i, before + n);
        return before;
    }

    private long get(int i) {
        return (long) SLOT.getOpaque(counts, i);
    }

    public QueueCounters snapshot() {
        return new QueueCounters(get(SUBMITTED), get(COMPLETED), get(ERRORS), get(TIMEOUTS), get(MISSED_INTERRUPTS),
                get(LOST_DOORBELLS), get(ABORTS), get(RESUBMITTED), get(DOORBELLS_RUNG), get(INTERRUPTS),
                get(QUEUE_FULL), get(CALLBACK_FAILURES), get(STALE_COMPLETIONS), get(SGL_COMMANDS), get(RETRIED),
                get(DOORBELLS_AVOIDED));
    }

    void countSubmitted() {
        add(SUBMITTED, 1);
    }

    void countCompleted(int n) {
        add(COMPLETED, n);
    }

    void countError() {
        add(ERRORS, 1);
    }

    public void countTimeout() {
        add(TIMEOUTS, 1);
    }

    public void countMissedInterrupt() {
        add(MISSED_INTERRUPTS, 1);
    }

    public void countLostDoorbell() {
        add(LOST_DOORBELLS, 1);
    }

    public void countAbort() {
        add(ABORTS, 1);
    }

    void countResubmitted() {
        add(RESUBMITTED, 1);
    }

    void countDoorbell() {
        add(DOORBELLS_RUNG, 1);
    }

    void countDoorbellAvoided() {
        add(DOORBELLS_AVOIDED, 1);
    }

    void countInterrupt() {
        add(INTERRUPTS, 1);
    }

    void countQueueFull() {
        add(QUEUE_FULL, 1);
    }

    /** Returns how many callbacks had failed before this one (0: the first, to be logged). */
    long countCallbackFailure() {
        return add(CALLBACK_FAILURES, 1);
    }

    /**
     * A completion entry of queue {@code qid} whose CID names no outstanding command: a duplicate,
     * a stale entry for a CID since reused, or garbage. Counted; the first one is logged.
     */
    void staleCompletion(int qid, int dw3) {
        if (add(STALE_COMPLETIONS, 1) == 0) {
            LOG.warn("queue {}: dropped a completion for CID {} (status 0x{}), which names no outstanding command"
                    + " (a duplicate or stale entry from the device); further ones are only counted"
                    + " (QueueCounters.staleCompletions)", qid, Cqe.cid(dw3), Integer.toHexString(Cqe.status(dw3)));
        }
    }

    void countSglCommand() {
        add(SGL_COMMANDS, 1);
    }

    void countRetry() {
        add(RETRIED, 1);
    }
}
