package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeException;

/**
 * {@link dev.nvme4j.api.Controller#reset()} and {@link dev.nvme4j.api.Controller#rescanNamespaces()}:
 * the checks of the caller's request, and the work itself run on the watchdog thread
 * ({@link WatchdogWork}) with a bound derived from the controller's timeouts. Thread-safe.
 */
final class LifecycleRequests {
    private static final String RESET_REASON = "requested by the application (Controller.reset)";

    private final NvmeController ctrl;
    private final WatchdogWork work;

    LifecycleRequests(NvmeController ctrl) {
        this.ctrl = ctrl;
        this.work = new WatchdogWork(ctrl);
    }

    void reset(boolean onWatchdogThread) {
        check("reset");
        boolean ok = work.call("the controller reset", () -> new ControllerReset(ctrl).run(RESET_REASON, false),
                resetBoundNanos(), onWatchdogThread);
        if (!ok) {
            check("reset");
            throw new NvmeException("controller reset of " + ctrl.address() + " failed: " + ctrl.health.failureReason());
        }
    }

    NamespaceChanges rescanNamespaces(boolean onWatchdogThread) {
        check("rescan the namespaces of");
        try {
            return work.call("the namespace rescan", () -> {
                check("rescan the namespaces of");
                return ctrl.namespaceRescan.rescanAll();
            }, rescanBoundNanos(), onWatchdogThread);
        } catch (NvmeException e) {
            check("finish the namespace rescan of");
            throw e;
        }
    }

    /** Runs what callers queued; on the watchdog thread, once a round. */
    void runPending() {
        work.runPending();
    }

    private void check(String what) {
        ControllerState s = ctrl.health.state();
        if (s == ControllerState.CLOSED) {
            throw new IllegalStateException("cannot " + what + " controller " + ctrl.address()
                    + ": it is closed; open it again with Nvme.open");
        }
        if (s == ControllerState.FAILED) {
            throw new IllegalStateException("cannot " + what + " controller " + ctrl.address() + ": it failed ("
                    + ctrl.health.failureReason() + "); close it and open it again");
        }
        if (s == ControllerState.REMOVED) {
            throw new IllegalStateException("cannot " + what + " controller " + ctrl.address() + ": "
                    + ctrl.health.failureReason() + "; close it, and open the device again once it is back");
        }
    }

    /**
     * How long a reset may take: the queue pairs' owners leaving (2 s), disable and enable (CAP.TO
     * each), one admin timeout for each command the reset sends, and two watchdog periods to pick
     * the request up; plus a second of slack for a loaded machine.
     */
    private long resetBoundNanos() {
        long commands = 2 + ctrl.features.entries().size() + 2L * ctrl.pairs.size();
        return ControllerReset.GATE_WAIT_NANOS + 2 * ctrl.bringUp.readyTimeoutNanos()
                + commands * ctrl.adminTimeoutNanos + slackNanos();
    }

    /**
     * A rescan sends one Identify per 1024 active NSIDs and one per namespace: bounded by NN
     * (and by the admin timeout of each).
     */
    private long rescanBoundNanos() {
        long nn = Integer.toUnsignedLong(ctrl.info().namespaceCount());
        long commands = 1 + Math.min(nn, 65_536) + nn / 1024;
        return commands * ctrl.adminTimeoutNanos + slackNanos();
    }

    private long slackNanos() {
        return 2 * ctrl.options.watchdogPeriod().toNanos() + 1_000_000_000L;
    }
}
