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

    private final String address;
    private final Health health;
    private final FeatureRecord features;
    private final BringUp bringUp;
    private final NamespaceRescan namespaces;
    private final int namespaceCount;
    private final long adminTimeoutNanos;
    private final long watchdogPeriodNanos;
    private final WatchdogWork work;
    private final ControllerReset reset;
    private final QueuePairs pairs;
    private final AsyncEvents events;

    LifecycleRequests(ControllerParts p, WatchdogWork work, ControllerReset reset, QueuePairs pairs,
                      AsyncEvents events) {
        this.address = p.address();
        this.health = p.health();
        this.features = p.features();
        this.bringUp = p.bringUp();
        this.namespaces = p.namespaces();
        this.namespaceCount = p.info().namespaceCount();
        this.adminTimeoutNanos = p.adminTimeoutNanos();
        this.watchdogPeriodNanos = p.options().watchdogPeriod().toNanos();
        this.work = work;
        this.reset = reset;
        this.pairs = pairs;
        this.events = events;
    }

    void reset(boolean onWatchdogThread) {
        check("reset");
        boolean ok = work.call("the controller reset", () -> reset.run(RESET_REASON, false),
                resetBoundNanos(), onWatchdogThread);
        if (!ok) {
            check("reset");
            throw new NvmeException("controller reset of " + address + " failed: " + health.failureReason());
        }
    }

    NamespaceChanges rescanNamespaces(boolean onWatchdogThread) {
        check("rescan the namespaces of");
        try {
            return work.call("the namespace rescan", () -> {
                check("rescan the namespaces of");
                NamespaceChanges changes = namespaces.rescanAll();
                events.tell(changes);
                return changes;
            }, rescanBoundNanos(), onWatchdogThread);
        } catch (NvmeException e) {
            check("finish the namespace rescan of");
            throw e;
        }
    }

    private void check(String what) {
        ControllerState s = health.state();
        if (s == ControllerState.CLOSED) {
            throw new IllegalStateException("cannot " + what + " controller " + address
                    + ": it is closed; open it again with Nvme.open");
        }
        if (s == ControllerState.FAILED) {
            throw new IllegalStateException("cannot " + what + " controller " + address + ": it failed ("
                    + health.failureReason() + "); close it and open it again");
        }
        if (s == ControllerState.REMOVED) {
            throw new IllegalStateException("cannot " + what + " controller " + address + ": "
                    + health.failureReason() + "; close it, and open the device again once it is back");
        }
    }

    /**
     * How long a reset may take: the queue pairs' owners leaving (2 s), disable and enable (CAP.TO
     * each), one admin timeout for each command the reset sends, and two watchdog periods to pick
     * the request up; plus a second of slack for a loaded machine.
     */
    private long resetBoundNanos() {
        long commands = 2 + features.entries().size() + 2L * pairs.size();
        return ControllerReset.GATE_WAIT_NANOS + 2 * bringUp.readyTimeoutNanos()
                + commands * adminTimeoutNanos + slackNanos();
    }

    /**
     * A rescan sends one Identify per 1024 active NSIDs and one per namespace: bounded by NN
     * (and by the admin timeout of each).
     */
    private long rescanBoundNanos() {
        long nn = Integer.toUnsignedLong(namespaceCount);
        long commands = 1 + Math.min(nn, 65_536) + nn / 1024;
        return commands * adminTimeoutNanos + slackNanos();
    }

    private long slackNanos() {
        return 2 * watchdogPeriodNanos + 1_000_000_000L;
    }
}
