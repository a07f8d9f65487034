package dev.nvme4j.ctrl;

import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.queue.OwnerGate;
import dev.nvme4j.spec.NvmeRegs;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's background thread (one per controller, daemon). Each round it:
 * reaps the admin queue (futures nobody waits on, Asynchronous Event Requests); looks at
 * CSTS (all-ones: the device is gone, {@link DeviceRemoval}; CFS: reset); checks admin deadlines; checks
 * the deadlines of every I/O queue pair whose owner is not inside it (it enters the pair's
 * gate only if free, so it never runs concurrently with the owner, and it never calls an
 * application callback); runs a reset recovery asked for; runs what the application asked for
 * (a reset, a namespace rescan). Asynchronous events it reaps go to the {@link EventThread}
 * (which also rescans the namespaces after a Namespace Attribute Changed event): no listener
 * ever runs here.
 *
 * <p>Rounds are {@code watchdogPeriod} apart, 1 ms while admin commands other than AERs are
 * outstanding (so an unawaited admin future still completes promptly).
 */
final class Watchdog implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    private static final long BUSY_PERIOD_NANOS = 1_000_000L;

    private final NvmeController ctrl;
    private final Thread thread;
    private volatile boolean running = true;

    Watchdog(NvmeController ctrl) {
        this.ctrl = ctrl;
        this.thread = Thread.ofPlatform().daemon().name("nvme4j-watchdog-" + ctrl.address()).unstarted(this);
    }

    void start() {
        thread.start();
    }

    void wake() {
        LockSupport.unpark(thread);
    }

    /** Stops the thread and waits for it (bounded); callable from the watchdog itself. */
    void stop() {
        running = false;
        LockSupport.unpark(thread);
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    boolean isWatchdogThread() {
        return Thread.currentThread() == thread;
    }

    @Override
    public void run() {
        long period = ctrl.options.watchdogPeriod().toNanos();
        while (running) {
            try {
                round();
            } catch (RuntimeException e) {
                LOG.error("{}: watchdog round failed", ctrl.address(), e);
            }
            LockSupport.parkNanos(ctrl.admin.outstandingWithDeadline() > 0 ? BUSY_PERIOD_NANOS : period);
        }
    }

    private void round() {
        ctrl.admin.reap();
        if (!running || !checkDevice()) {
            return;
        }
        long now = System.nanoTime();
        checkAdminDeadlines(now);
        for (QueuePairControl pair : List.copyOf(ctrl.pairs.values())) {
            OwnerGate gate = pair.gate();
            if (!pair.isClosed() && gate.trySystem()) {
                try {
                    ctrl.recovery.check(pair, now);
                } finally {
                    gate.exit();
                }
            }
        }
        String resetReason = ctrl.recovery.takeResetRequest();
        if (resetReason != null) {
            new ControllerReset(ctrl).run(resetReason);
        }
        ctrl.requests.runPending();
    }

    /** False when the device is gone (then the controller is removed) or was reset. */
    private boolean checkDevice() {
        int csts = ctrl.regs.read32(NvmeRegs.CSTS);
        if (NvmeRegs.isAllOnes(csts)) {
            DeviceRemoval.giveUp(ctrl, "CSTS reads all-ones (surprise removal: the device no longer answers)");
            return false;
        }
        if (NvmeRegs.cstsCfs(csts)) {
            new ControllerReset(ctrl).run("controller fatal status (CSTS.CFS)");
            return false;
        }
        return true;
    }

    /**
     * Late admin commands: first the SQ tail doorbell is written again (a lost kick) and the
     * deadline extended once; a command still late after that resets the controller (an Abort
     * would queue behind the very commands that do not move).
     */
    private void checkAdminDeadlines(long now) {
        List<AdminCommand> late = ctrl.admin.overdue(now);
        if (late.isEmpty()) {
            return;
        }
        boolean reset = false;
        for (AdminCommand c : late) {
            if (!c.reRung) {
                c.reRung = true;
                ctrl.stats.adminTimeouts.increment();
                LOG.warn("{}: admin command {} (CID {}) timed out; ringing the doorbell again", ctrl.address(),
                        c.name(), c.cid);
                ctrl.admin.rering(c, now + c.timeoutNanos / 2);
            } else {
                reset = true;
            }
        }
        if (reset) {
            new ControllerReset(ctrl).run("admin command " + late.get(0).name() + " timed out");
        }
    }
}
