package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.NvmeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resets the application asks for ({@link dev.nvme4j.api.Controller#reset()}). The reset runs
 * on the watchdog thread, as every reset does (so it never races recovery, the deadline checks
 * or async event delivery); the caller waits for it, bounded. Requests that arrive together are
 * served by one reset. Thread-safe.
 */
final class ResetRequests {
    /** How often a waiting caller looks whether the controller was closed meanwhile. */
    private static final long POLL_NANOS = 20_000_000L;
    private static final String REASON = "requested by the application (Controller.reset)";

    private final NvmeController ctrl;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> pending = new ConcurrentLinkedQueue<>();

    ResetRequests(NvmeController ctrl) {
        this.ctrl = ctrl;
    }

    /** Asks for a reset and waits for it; see {@link dev.nvme4j.api.Controller#reset()}. */
    void resetAndWait(boolean onWatchdogThread) {
        checkResettable();
        if (onWatchdogThread) {
            // Asked for on the watchdog thread itself: run it here rather than wait for this thread.
            complete(List.of(), new ControllerReset(ctrl).run(REASON, false));
            throwIfFailed();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        pending.add(done);
        ctrl.wakeWatchdog();
        await(done, System.nanoTime() + boundNanos());
    }

    /** Runs one reset for every request waiting; on the watchdog thread. */
    void runPending() {
        if (pending.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        CompletableFuture<Void> f;
        while ((f = pending.poll()) != null) {
            waiting.add(f);
        }
        complete(waiting, new ControllerReset(ctrl).run(REASON, false));
    }

    private void complete(List<CompletableFuture<Void>> waiting, boolean ok) {
        for (CompletableFuture<Void> f : waiting) {
            if (ok) {
                f.complete(null);
            } else {
                f.completeExceptionally(failure());
            }
        }
    }

    private RuntimeException failure() {
        ControllerState s = ctrl.health.state();
        if (s == ControllerState.CLOSED) {
            return new IllegalStateException("controller " + ctrl.address() + " was closed before the reset ran");
        }
        return new NvmeException("controller reset of " + ctrl.address() + " failed: " + ctrl.health.failureReason());
    }

    private void throwIfFailed() {
        if (ctrl.health.state() != ControllerState.READY) {
            throw failure();
        }
    }

    private void checkResettable() {
        ControllerState s = ctrl.health.state();
        if (s == ControllerState.CLOSED) {
            throw new IllegalStateException("cannot reset controller " + ctrl.address()
                    + ": it is closed; open it again with Nvme.open");
        }
        if (s == ControllerState.FAILED) {
            throw new IllegalStateException("cannot reset controller " + ctrl.address() + ": it failed ("
                    + ctrl.health.failureReason() + "); close it and open it again");
        }
    }

    private void await(CompletableFuture<Void> done, long deadline) {
        while (true) {
            try {
                done.get(POLL_NANOS, TimeUnit.NANOSECONDS);
                return;
            } catch (TimeoutException e) {
                if (ctrl.health.state() == ControllerState.CLOSED) {
                    pending.remove(done);
                    throw new IllegalStateException("controller " + ctrl.address() + " was closed during the reset");
                }
                if (System.nanoTime() - deadline > 0) {
                    pending.remove(done);
                    throw new NvmeException("controller reset of " + ctrl.address() + " did not finish within "
                            + TimeUnit.NANOSECONDS.toMillis(boundNanos()) + " ms; state " + ctrl.health.state());
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new NvmeException("controller reset failed", cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending.remove(done);
                throw new NvmeException("interrupted while waiting for the controller reset of " + ctrl.address(), e);
            }
        }
    }

    /**
     * How long a reset may take: the queue pairs' owners leaving (2 s), disable and enable (CAP.TO
     * each), one admin timeout for each command the reset sends, and two watchdog periods to pick
     * the request up; plus a second of slack for a loaded machine.
     */
    private long boundNanos() {
        long commands = 2 + ctrl.features.entries().size() + 2L * ctrl.pairs.size();
        return ControllerReset.GATE_WAIT_NANOS + 2 * ctrl.bringUp.readyTimeoutNanos()
                + commands * ctrl.adminTimeoutNanos + 2 * ctrl.options.watchdogPeriod().toNanos() + 1_000_000_000L;
    }
}
