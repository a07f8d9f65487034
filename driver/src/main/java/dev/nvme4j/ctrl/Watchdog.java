package dev.nvme4j.ctrl;

import dev.nvme4j.device.FabricsLink;
import dev.nvme4j.device.RegisterSpace;
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
 * CSTS (all-ones: the device is gone, removed at once; CFS: reset); checks admin deadlines; checks
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

    private final String address;
    private final long periodNanos;
    private final RegisterSpace regs;
    /** The fabrics transport (null for PCIe): it names the cause of a CSTS.CFS that is its own. */
    private final FabricsLink link;
    private final AdminQueue admin;
    private final ControllerStats stats;
    private final Recovery recovery;
    private final ControllerReset reset;
    private final QueuePairs pairs;
    private final Failure failure;
    private final WatchdogWork work;
    private final Thread thread;
    private volatile boolean running = true;

    Watchdog(ControllerParts p, Recovery recovery, ControllerReset reset, QueuePairs pairs, Failure failure,
             WatchdogWork work) {
        this.address = p.address();
        this.periodNanos = p.options().watchdogPeriod().toNanos();
        this.regs = p.regs();
        this.link = p.pci().fabricsLink();
        this.admin = p.admin();
        this.stats = p.stats();
        this.recovery = recovery;
        this.reset = reset;
        this.pairs = pairs;
        this.failure = failure;
        this.work = work;
        this.thread = Thread.ofPlatform().daemon().name("nvme4j-watchdog-" + address).unstarted(this);
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
        while (running) {
            try {
                round();
            } catch (RuntimeException e) {
                LOG.error("{}: watchdog round failed", address, e);
            }
            LockSupport.parkNanos(admin.outstandingWithDeadline() > 0 ? BUSY_PERIOD_NANOS : periodNanos);
        }
    }

    private void round() {
        admin.reap();
        if (!running || !checkDevice()) {
            return;
        }
        long now = System.nanoTime();
        checkAdminDeadlines(now);
        for (QueuePairControl pair : pairs.list()) {
            OwnerGate gate = pair.gate();
            if (!pair.isClosed() && gate.trySystem()) {
                try {
                    recovery.check(pair, now);
                } finally {
                    gate.exit();
                }
            }
        }
        String resetReason = recovery.takeResetRequest();
        if (resetReason != null) {
            reset.run(resetReason);
        }
        work.runPending();
    }

    /** False when the device is gone (then the controller is removed) or was reset. */
    private boolean checkDevice() {
        int csts = regs.read32(NvmeRegs.CSTS);
        if (NvmeRegs.isAllOnes(csts)) {
            failure.remove("CSTS reads all-ones (surprise removal: the device no longer answers)");
            return false;
        }
        if (NvmeRegs.cstsCfs(csts)) {
            String cause = link == null ? null : link.failureCause();
            reset.run(cause != null ? "connection failure: " + cause : "controller fatal status (CSTS.CFS)");
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
        List<AdminCommand> late = admin.overdue(now);
        if (late.isEmpty()) {
            return;
        }
        boolean stuck = false;
        for (AdminCommand c : late) {
            if (!c.reRung) {
                c.reRung = true;
                stats.adminTimeouts.increment();
                LOG.warn("{}: admin command {} (CID {}) timed out; ringing the doorbell again", address,
                        c.name(), c.cid);
                admin.rering(c, now + c.timeoutNanos / 2);
            } else {
                stuck = true;
            }
        }
        if (stuck) {
            reset.run("admin command " + late.get(0).name() + " timed out");
        }
    }
}
