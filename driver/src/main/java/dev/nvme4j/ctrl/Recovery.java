package dev.nvme4j.ctrl;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.DeadlineCheck;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.queue.QueueStats;
import dev.nvme4j.queue.RecoveryStep;
import dev.nvme4j.queue.Tracker;
import dev.nvme4j.queue.TrackerPool;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery ladder for late I/O commands, and asynchronous events. A command whose
 * deadline passed goes up one step each time its (re-armed) deadline passes again:
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

    private final NvmeController ctrl;
    private final long stepNanos;
    /** How often the owner's poll path scans for late commands: deadlines are met within this. */
    private final long scanIntervalNanos;
    /** Why a reset was requested (the first reason until the reset ran), null when none is. */
    private final java.util.concurrent.atomic.AtomicReference<String> resetRequested =
            new java.util.concurrent.atomic.AtomicReference<>();
    /**
     * Events received, waiting for the event thread. Bounded: when a slow listener lets
     * {@value #EVENT_QUEUE_CAPACITY} pile up, further events are dropped (counted in
     * {@code asyncEventsDropped}, logged once); their log pages are still read, which the
     * controller needs before it reports that kind of event again.
     */
    private final ArrayBlockingQueue<Integer> events = new ArrayBlockingQueue<>(EVENT_QUEUE_CAPACITY);
    /** Log pages of dropped events, to read without a listener call: bit i of word i / 64. */
    private final AtomicLongArray unreadLogPages = new AtomicLongArray(4);
    static final int EVENT_QUEUE_CAPACITY = 64;
    private final AtomicBoolean aerStopped = new AtomicBoolean();

    Recovery(NvmeController ctrl) {
        this.ctrl = ctrl;
        // Each further step waits a quarter of the I/O timeout (at least 1 ms).
        this.stepNanos = Math.max(1_000_000L, ctrl.options.ioTimeout().toNanos() / 4);
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
            late = RecoveryStep.onLadder(t.recoveryStep()) && now - t.deadlineNanos() > 0;
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
            case RecoveryStep.POLL -> rering(pair, t, now);
            case RecoveryStep.RERING -> abort(pair, t, now);
            case RecoveryStep.ABORT -> {
                t.advanceRecovery(RecoveryStep.RESET, now + ctrl.adminTimeoutNanos);
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
        t.advanceRecovery(RecoveryStep.ABORT, now + ctrl.adminTimeoutNanos);
        Events.recovery(q.qid(), t.cid(), "abort");
        ctrl.admin.submit(AdminCommands.abort(q.qid(), t.cid()), null, ctrl.adminTimeoutNanos);
    }

    /** Asks the watchdog to reset the controller (once until the reset ran). */
    void requestReset(String why) {
        if (resetRequested.compareAndSet(null, why)) {
            LOG.warn("{}: controller reset requested: {}", ctrl.address(), why);
            ctrl.wakeWatchdog();
        }
    }

    /** {@return why a reset was requested, consuming the request; null when none was} */
    String takeResetRequest() {
        return resetRequested.getAndSet(null);
    }

    // ---- asynchronous events (Base 5.2) ----

    /**
     * Keeps up to AERL + 1 (at most 4) Asynchronous Event Requests outstanding, but never more
     * than half the admin slots: AERs occupy their slot until an event, and other admin
     * commands must always find one (an admin queue of depth 2 gets none).
     */
    void startAsyncEvents() {
        aerStopped.set(false);
        int slots = ctrl.admin.commandQueue().depth() - 1;
        int n = Math.min(Math.min(4, ctrl.info().asyncEventLimit()), slots / 2);
        for (int i = 0; i < n; i++) {
            submitAer();
        }
    }

    /**
     * Asynchronous Event Configuration (Base 5.27.1.9): report every SMART / health critical
     * warning (bits 7:0) and namespace attribute changes (bit 8). Not fatal if refused. Recorded,
     * so every reset sets it again.
     */
    void configureAsyncEvents() {
        try {
            ctrl.setRecordedFeature(dev.nvme4j.spec.Opcodes.FEAT_ASYNC_EVENT_CONFIG, 0x1FF);
        } catch (RuntimeException e) {
            LOG.info("{}: Asynchronous Event Configuration refused: {}", ctrl.address(), e.getMessage());
        }
    }

    void stopAsyncEvents() {
        aerStopped.set(true);
    }

    private void submitAer() {
        ctrl.admin.submit(AdminCommands.asyncEventRequest(), null, Long.MAX_VALUE / 4).thenAccept(this::onAer);
    }

    private void onAer(Completion c) {
        if (c.isSuccess()) {
            ctrl.stats.asyncEvents.increment();
            if (!events.offer(c.dw0())) {
                dropEvent(c.dw0());
            }
            ctrl.events.signal();
        }
        boolean aborted = NvmeStatus.of(c.status()) == NvmeStatus.COMMAND_ABORTED_BY_HOST;
        if (!aerStopped.get() && !aborted && (c.isSuccess() || !Status.dnr(c.status()))) {
            submitAer();
        }
    }

    private void dropEvent(int dw0) {
        int logPage = (dw0 >>> 16) & 0xFF;
        unreadLogPages.getAndUpdate(logPage >>> 6, w -> w | 1L << (logPage & 63));
        ctrl.stats.asyncEventsDropped.increment();
        if (ctrl.stats.asyncEventsDropped.sum() == 1) {
            LOG.warn("{}: {} asynchronous events wait for the listener; dropping further events until it catches"
                    + " up (their log pages are still read; counted in asyncEventsDropped, logged once)",
                    ctrl.address(), EVENT_QUEUE_CAPACITY);
        }
    }

    /** Reads (and so clears, RAE = 0) the log pages of dropped events; on the event thread. */
    private void readDroppedLogPages() {
        for (int word = 0; word < unreadLogPages.length(); word++) {
            long bits = unreadLogPages.getAndSet(word, 0);
            while (bits != 0) {
                int logPage = word * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                readLogPage(logPage);
            }
        }
    }

    /**
     * Delivers queued events on the event thread ({@link EventThread}): reads the log page the
     * event names (which also clears it, RAE = 0), rescans the namespaces after Namespace
     * Attribute Changed, and calls the listener.
     */
    void deliverEvents() {
        Integer dw0;
        while (ctrl.events.running() && (dw0 = events.poll()) != null) {
            int type = dw0 & 0x7;
            int info = (dw0 >>> 8) & 0xFF;
            int logPage = (dw0 >>> 16) & 0xFF;
            byte[] page = readLogPage(logPage);
            NamespaceChanges changes = type == AsyncEvent.TYPE_NOTICE
                    && info == AsyncEvent.NOTICE_NAMESPACE_ATTRIBUTE_CHANGED
                    ? ctrl.namespaceRescan.afterEvent(page) : NamespaceChanges.NONE;
            AsyncEventListener l = ctrl.listener();
            if (l != null) {
                try {
                    l.onEvent(new AsyncEvent(type, info, logPage, page));
                } catch (RuntimeException e) {
                    LOG.warn("{}: async event listener threw", ctrl.address(), e);
                }
            }
            ctrl.namespaceRescan.tell(changes);
        }
        readDroppedLogPages();
    }

    private byte[] readLogPage(int logPage) {
        try {
            // The Changed Namespace List holds up to 1024 NSIDs; the other pages' headers fit in 512 bytes.
            return ctrl.getLogPage(logPage, logPage == dev.nvme4j.spec.Opcodes.LOG_CHANGED_NAMESPACE_LIST ? 4096 : 512);
        } catch (RuntimeException e) {
            LOG.warn("{}: reading log page 0x{} for an async event failed: {}", ctrl.address(),
                    Integer.toHexString(logPage), e.getMessage());
            return new byte[0];
        }
    }
}
