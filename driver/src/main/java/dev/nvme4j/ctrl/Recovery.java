package dev.nvme4j.ctrl;

import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.DeadlineCheck;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.queue.QueueStats;
import dev.nvme4j.queue.RecoveryStep;
import dev.nvme4j.queue.Tracker;
import dev.nvme4j.queue.TrackerPool;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery ladder for late I/O commands. Every check that finds a command late first takes
 * step 1 for all of them at once; a command still outstanding after it takes its next step in
 * the same check (step 2 the first time), and one more step each time its re-armed deadline
 * passes again:
 * <ol>
 * <li>look at the CQ: its completion is there but nobody was told (a missed interrupt, or an
 *     owner that does not poll) - recovery reaps the CQ itself (the device gets its slots back,
 *     the command leaves the ladder) and holds the completions for the owner's next poll, which
 *     runs their callbacks; counted, and the owner woken;</li>
 * <li>write the SQ tail doorbell again (a lost doorbell write); counted;</li>
 * <li>send Abort for it (Base 5.1); counted;</li>
 * <li>reset the controller ({@link ControllerReset}), resubmitting retryable commands;</li>
 * <li>if the reset fails: the controller is marked failed and everything completes with
 *     Command Aborted By Host (DNR).</li>
 * </ol>
 * Deadline checks run with the queue pair's gate held: by its owner at the end of a poll
 * (every 64th), or by the watchdog when no owner is inside. Neither ever calls an application
 * callback from here: completions reach the owner's next poll.
 *
 * <p>Thread-safe.
 */
final class Recovery implements DeadlineCheck {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final String address;
    private final AdminQueue admin;
    private final long adminTimeoutNanos;
    private final Runnable wakeWatchdog;
    private final long stepNanos;
    /** How often the owner's poll path scans for late commands: deadlines are met within this. */
    private final long scanIntervalNanos;
    /** Why a reset was requested (the first reason until the reset ran), null when none is. */
    private final AtomicReference<String> resetRequested = new AtomicReference<>();

    /** {@code wakeWatchdog}: runs a requested reset soon (the watchdog does). */
    Recovery(ControllerParts p, Runnable wakeWatchdog) {
        this.address = p.address();
        this.admin = p.admin();
        this.adminTimeoutNanos = p.adminTimeoutNanos();
        this.wakeWatchdog = wakeWatchdog;
        // Each further step waits a quarter of the I/O timeout (at least 1 ms).
        this.stepNanos = Math.max(1_000_000L, p.ioTimeoutNanos() / 4);
        this.scanIntervalNanos = Math.min(stepNanos / 2, 10_000_000L);
    }

    /**
     * Called every 64th poll: reads the clock and scans the trackers only when the pair's next
     * scan is due (at most every {@link #scanIntervalNanos}), so a deep queue costs nothing
     * per poll.
     */
    @Override
    public void onPoll(QueuePairControl pair) {
        long now = System.nanoTime();
        if (now - pair.nextDeadlineScan() >= 0) {
            pair.nextDeadlineScan(now + scanIntervalNanos);
            check(pair, now);
        }
    }

    /** Checks every outstanding command of {@code pair}; the caller holds the pair's gate. */
    void check(QueuePairControl pair, long now) {
        CommandQueue q = pair.commandQueue();
        TrackerPool pool = q.trackers();
        if (pool.inUse() == 0) {
            return;
        }
        boolean late = false;
        for (Tracker t = pool.nextBusy(null); t != null && !late; t = pool.nextBusy(t)) {
            // A completion held before its deadline still counts once the deadline passes.
            int step = t.recoveryStep();
            late = (RecoveryStep.onLadder(step) || step == RecoveryStep.HELD) && now - t.deadlineNanos() > 0;
        }
        if (!late) {
            return;
        }
        boolean reaped = q.completionPending() && pair.reapForOwner() > 0;
        for (Tracker t = pool.nextBusy(null); t != null; t = pool.nextBusy(t)) {
            if (now - t.deadlineNanos() <= 0) {
                continue;
            }
            if (t.recoveryStep() == RecoveryStep.HELD) {
                countHeld(q, t);
            } else if (RecoveryStep.onLadder(t.recoveryStep())) {
                climb(pair, t, now);
            }
        }
        if (reaped) {
            pair.wake();
        }
    }

    /**
     * Step 1: the late command's completion was waiting in the CQ (a missed interrupt, or an
     * owner that does not poll) and was just reaped: the device answered, nothing escalates.
     */
    private static void countHeld(CommandQueue q, Tracker t) {
        QueueStats stats = q.stats();
        stats.countTimeout();
        stats.countMissedInterrupt();
        Events.timeout(q.qid(), t.cid(), "completion waiting in the CQ; reaped for the owner");
        t.advanceRecovery(RecoveryStep.HELD, Long.MAX_VALUE);
    }

    private void climb(QueuePairControl pair, Tracker t, long now) {
        CommandQueue q = pair.commandQueue();
        QueueStats stats = q.stats();
        switch (t.recoveryStep()) {
            case RecoveryStep.NONE -> {
                stats.countTimeout();
                Events.timeout(q.qid(), t.cid(), "late");
                rering(pair, t, now);
            }
            case RecoveryStep.RERING -> abort(pair, t, now);
            case RecoveryStep.ABORT -> {
                t.advanceRecovery(RecoveryStep.RESET, now + adminTimeoutNanos);
                requestReset("command " + t.cid() + " on queue " + q.qid() + " was not answered, even after Abort");
            }
            default -> { } // a reset is under way
        }
    }

    private void rering(QueuePairControl pair, Tracker t, long now) {
        CommandQueue q = pair.commandQueue();
        q.reringSubmissions();
        q.stats().countLostDoorbell();
        t.advanceRecovery(RecoveryStep.RERING, now + stepNanos);
    }

    private void abort(QueuePairControl pair, Tracker t, long now) {
        CommandQueue q = pair.commandQueue();
        q.stats().countAbort();
        t.advanceRecovery(RecoveryStep.ABORT, now + adminTimeoutNanos);
        Events.recovery(q.qid(), t.cid(), "abort");
        admin.submit(AdminCommands.abort(q.qid(), t.cid()), null, adminTimeoutNanos);
    }

    /** Asks the watchdog to reset the controller (once until the reset ran). */
    void requestReset(String why) {
        if (resetRequested.compareAndSet(null, why)) {
            LOG.warn("{}: controller reset requested: {}", address, why);
            wakeWatchdog.run();
        }
    }

    /** {@return why a reset was requested, consuming the request; null when none was} */
    String takeResetRequest() {
        return resetRequested.getAndSet(null);
    }
}
