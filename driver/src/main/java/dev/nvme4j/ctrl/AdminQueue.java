package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.CompletionSink;
import dev.nvme4j.queue.PrpBuilder;
import dev.nvme4j.queue.Tracker;
import dev.nvme4j.spec.Le;
import dev.nvme4j.spec.Sgl;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The admin queue (queue 0), shared by every thread of the application and the controller's
 * own machinery. Not the hot path, so a lock guards it. At most depth - 1 commands are on the
 * device at once; more wait in software, in order, and are issued as slots free.
 *
 * <p>Abort commands (the recovery ladder's) wait in their own queue: at most the controller's
 * Abort Command Limit of them are on the device at once (Identify Controller ACL + 1, Base 5.1);
 * the rest wait until one completes. A reset drops the Aborts still waiting (completed with
 * Command Aborted By Host): they name CIDs of the queues before the reset, which resubmitted
 * commands may use by then. The command an Abort was not sent for climbs the ladder on (its
 * Abort deadline passes: reset).
 *
 * <p>Completions are reaped by whoever waits for one (no hand-off latency for synchronous
 * admin commands) and by the controller's watchdog thread (for futures nobody waits on and
 * for Asynchronous Event Requests, which stay outstanding). Futures are completed after the
 * lock is released, so their dependants never run under it.
 *
 * <p>Thread-safe.
 */
final class AdminQueue implements CompletionSink {
    private static final long WAIT_STEP_NANOS = 20_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final CommandQueue queue;
    private final int pageSize;
    private final AdminCommand[] byCid;
    private final ArrayDeque<AdminCommand> waiting = new ArrayDeque<>();
    /** Aborts not issued yet: held back by {@link #abortLimit}, or by a full queue. */
    private final ArrayDeque<AdminCommand> waitingAborts = new ArrayDeque<>();
    /** Aborts on the device at most: ACL + 1 once identified (1 until then). */
    private int abortLimit = 1;
    private int abortsOnDevice;
    private final List<Runnable> toComplete = new ArrayList<>();
    private boolean paused;
    private long submitted;
    private long completed;

    AdminQueue(CommandQueue queue, int pageSize) {
        this.queue = queue;
        this.pageSize = pageSize;
        this.byCid = new AdminCommand[queue.trackers().capacity()];
    }

    CommandQueue commandQueue() {
        return queue;
    }

    /** Submits a command; the future completes with the completion, error statuses included. */
    CompletableFuture<Completion> submit(RawCommand command, DmaBuffer buffer, long timeoutNanos) {
        return submit(command, buffer, -1, timeoutNanos);
    }

    /** As {@link #submit(RawCommand, DmaBuffer, long)}, with PRP1 set to a queue ring when {@code ringIova >= 0}. */
    CompletableFuture<Completion> submit(RawCommand command, DmaBuffer buffer, long ringIova, long timeoutNanos) {
        return submit(new AdminCommand(command, buffer, ringIova, timeoutNanos));
    }

    private CompletableFuture<Completion> submit(AdminCommand c) {
        lock.lock();
        try {
            if (c.isAbort()) {
                waitingAborts.addLast(c);
            } else if (c.urgent) {
                waiting.addFirst(c);
            } else {
                waiting.addLast(c);
            }
            issueWaiting();
        } finally {
            lock.unlock();
        }
        return c.future;
    }

    /**
     * Submits and waits, reaping while it waits. Returns the completion (errors included).
     *
     * @throws NvmeException when no completion arrived in time (the command stays tracked; the
     *                       watchdog's recovery deals with it)
     */
    Completion execute(RawCommand command, DmaBuffer buffer, long ringIova, long timeoutNanos) {
        CompletableFuture<Completion> f = submit(command, buffer, ringIova, timeoutNanos);
        return await(f, command, timeoutNanos);
    }

    /** Runs one of the reset's own commands while the queue is paused for everyone else. */
    Completion executeUrgent(RawCommand command, long ringIova, long timeoutNanos) {
        AdminCommand c = new AdminCommand(command, null, ringIova, timeoutNanos);
        c.urgent = true;
        return await(submit(c), command, timeoutNanos);
    }

    /**
     * Runs a command whose PRP1 and PRP2 are two given pages (Doorbell Buffer Config); {@code
     * urgent}: one of the reset's own commands.
     */
    Completion executeWithPages(RawCommand command, long prp1, long prp2, boolean urgent, long timeoutNanos) {
        AdminCommand c = new AdminCommand(command, null, prp1, timeoutNanos);
        c.prp2 = prp2;
        c.urgent = urgent;
        return await(submit(c), command, timeoutNanos);
    }

    /** Sets the Abort Command Limit (Identify Controller ACL + 1). */
    void abortLimit(int limit) {
        lock.lock();
        try {
            abortLimit = Math.max(1, limit);
        } finally {
            lock.unlock();
        }
    }

    /** Holds back ordinary commands (they wait in software) while the controller is reset. */
    void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    /** Lets waiting commands go again after a reset. */
    void resume() {
        lock.lock();
        try {
            paused = false;
            issueWaiting();
        } finally {
            lock.unlock();
        }
    }

    Completion await(CompletableFuture<Completion> f, RawCommand command, long timeoutNanos) {
        // The watchdog recovers a late command (re-ring, then reset, which completes it with an
        // abort status) within about twice its timeout; the waiter gives up only after that.
        return awaitUntil(f, command, System.nanoTime() + Math.min(Long.MAX_VALUE / 4, timeoutNanos) * 3);
    }

    /** Waits, reaping, until the future completes or the absolute {@code deadline} (System.nanoTime) passes. */
    Completion awaitUntil(CompletableFuture<Completion> f, RawCommand command, long deadline) {
        while (!f.isDone()) {
            reap();
            if (f.isDone()) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException(dev.nvme4j.spec.Opcodes.adminName(command.opcode())
                        + ": no completion in time; the controller does not answer admin commands");
            }
            try {
                f.get(WAIT_STEP_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // keep reaping
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NvmeException("interrupted while waiting for " + command, e);
            }
        }
        return f.join();
    }

    /** Reaps admin completions and issues waiting commands. Returns completions handled. */
    int reap() {
        int n;
        lock.lock();
        try {
            n = queue.reap(Integer.MAX_VALUE, this);
            issueWaiting();
        } finally {
            lock.unlock();
        }
        runCompletions();
        return n;
    }

    private void runCompletions() {
        List<Runnable> run;
        lock.lock();
        try {
            if (toComplete.isEmpty()) {
                return;
            }
            run = new ArrayList<>(toComplete);
            toComplete.clear();
        } finally {
            lock.unlock();
        }
        run.forEach(Runnable::run);
    }

    private void issueWaiting() {
        while (!paused && !waitingAborts.isEmpty() && abortsOnDevice < abortLimit) {
            Tracker t = queue.acquire();
            if (t == null) {
                break;
            }
            write(t, waitingAborts.pollFirst());
            abortsOnDevice++;
            submitted++;
        }
        while (!waiting.isEmpty() && (!paused || waiting.peekFirst().urgent)) {
            Tracker t = queue.acquire();
            if (t == null) {
                break;
            }
            AdminCommand c = waiting.pollFirst();
            write(t, c);
            submitted++;
        }
        queue.ringSubmissions();
    }

    private void write(Tracker t, AdminCommand c) {
        RawCommand cmd = c.command;
        MemorySegment sq = queue.sq();
        long base = queue.startRawEntry(t, cmd);
        if (c.ringIova >= 0) {
            Sqe.putLong(sq, base, Sqe.OFF_PRP1, c.ringIova);
            Sqe.putLong(sq, base, Sqe.OFF_PRP2, c.prp2);
        } else if (c.buffer != null && queue.sglOnly()) {
            // Fabrics: one SGL Data Block descriptor for the whole buffer, never PRPs.
            sq.set(Le.INT, base + Sqe.OFF_CDW0, sq.get(Le.INT, base + Sqe.OFF_CDW0) | Sgl.CDW0_PSDT_SGL);
            Sgl.put(sq, base + Sqe.OFF_PRP1, c.buffer.iova(), (int) c.buffer.byteSize(), Sgl.TYPE_DATA_BLOCK);
        } else if (c.buffer != null) {
            long iova = c.buffer.iova();
            Sqe.putLong(sq, base, Sqe.OFF_PRP1, iova);
            Sqe.putLong(sq, base, Sqe.OFF_PRP2,
                    PrpBuilder.prp2(iova, c.buffer.byteSize(), pageSize, t.prpList(), t.prpListIova()));
        }
        c.cid = t.cid();
        c.deadlineNanos = c.hasDeadline() ? System.nanoTime() + c.timeoutNanos : Long.MAX_VALUE;
        byCid[t.index()] = c;
        queue.finishEntry(t, c.deadlineNanos);
    }

    @Override
    public void onCompletion(Tracker t, int status, int dw0, int dw1) {
        AdminCommand c = byCid[t.index()];
        byCid[t.index()] = null;
        queue.release(t);
        completed++;
        if (c.isAbort()) {
            abortsOnDevice--;
        }
        Completion completion = new Completion(status, dw0, dw1);
        toComplete.add(() -> c.future.complete(completion));
    }

    /** Recovery of a lost admin doorbell write: ring again, extend the command's deadline. */
    void rering(AdminCommand c, long newDeadline) {
        lock.lock();
        try {
            c.deadlineNanos = newDeadline;
            queue.reringSubmissions();
        } finally {
            lock.unlock();
        }
    }

    /** Commands on the device whose deadline passed (for the watchdog). */
    List<AdminCommand> overdue(long now) {
        List<AdminCommand> late = new ArrayList<>();
        lock.lock();
        try {
            for (AdminCommand c : byCid) {
                if (c != null && c.hasDeadline() && now - c.deadlineNanos > 0) {
                    late.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        return late;
    }

    /**
     * Completes every outstanding and waiting command with {@code status} (the controller is
     * being reset or is dead) and forgets the ring state.
     */
    void failAll(int status) {
        failAll(status, true);
    }

    /**
     * Fails what is on the device and, if {@code andWaiting}, what waits in software too; waiting
     * Aborts always (after a reset their CIDs may name other commands).
     */
    void failAll(int status, boolean andWaiting) {
        lock.lock();
        try {
            for (int cid = 0; cid < byCid.length; cid++) {
                AdminCommand c = byCid[cid];
                if (c != null) {
                    byCid[cid] = null;
                    queue.release(queue.trackers().get(cid));
                    toComplete.add(() -> c.future.complete(new Completion(status, 0, 0)));
                }
            }
            abortsOnDevice = 0;
            for (AdminCommand c : waitingAborts) {
                toComplete.add(() -> c.future.complete(new Completion(status, 0, 0)));
            }
            waitingAborts.clear();
            if (andWaiting) {
                for (AdminCommand c : waiting) {
                    toComplete.add(() -> c.future.complete(new Completion(status, 0, 0)));
                }
                waiting.clear();
            }
        } finally {
            lock.unlock();
        }
        runCompletions();
    }

    /** Resets the rings after a controller reset (called with no command outstanding). */
    void resetRings() {
        lock.lock();
        try {
            queue.resetRings();
        } finally {
            lock.unlock();
        }
    }

    /** Commands on the device or waiting, other than Asynchronous Event Requests. */
    int outstandingWithDeadline() {
        lock.lock();
        try {
            int n = waiting.size() + waitingAborts.size();
            for (AdminCommand c : byCid) {
                if (c != null && c.hasDeadline()) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commands written to the admin SQ (every admin command the driver sends, whoever sent it:
     * the only place submissions are counted), resubmissions excluded.
     */
    long submittedCount() {
        lock.lock();
        try {
            return submitted;
        } finally {
            lock.unlock();
        }
    }

    /** Completions the controller posted for them. */
    long completedCount() {
        lock.lock();
        try {
            return completed;
        } finally {
            lock.unlock();
        }
    }

    int outstanding() {
        lock.lock();
        try {
            return queue.trackers().inUse() + waiting.size() + waitingAborts.size();
        } finally {
            lock.unlock();
        }
    }
}
