package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.queue.RecoveryStep;
import dev.nvme4j.queue.Tracker;
import dev.nvme4j.queue.TrackerPool;
import dev.nvme4j.spec.NumberOfQueues;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller reset, the last recovery step before giving up (Base 3.7.2 "Controller Level
 * Reset"): with every queue pair's gate held (no owner is inside), disable the controller
 * (which deletes all its queues), fail the admin commands it held, re-initialize (3.5.1),
 * renegotiate the number of queues, set again every feature the driver and the application
 * changed ({@link FeatureRecord}), recreate each I/O CQ and SQ on the same memory (same depth,
 * vector and completion mode), re-arm the Asynchronous Event Requests, identify the namespaces
 * again (a Namespace Attribute Changed event may have been lost with the requests the reset
 * aborted), and
 * resubmit each outstanding I/O command that has retries left (the rest are failed by the
 * owner's next poll). Queue pair handles held by the application stay valid; a pair whose owner
 * stays inside (a callback) past the 2 s wait is closed instead, never left open on queues that
 * no longer exist.
 *
 * <p>If the reset fails, or resets come too often, the controller is marked failed instead:
 * there is no endless reset loop. Run on the watchdog thread only.
 */
final class ControllerReset {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerReset.class);
    /** More resets than this within {@link #WINDOW_NANOS} means recovery is not working. */
    private static final int MAX_RESETS_IN_WINDOW = 3;
    private static final long WINDOW_NANOS = 60_000_000_000L;
    static final long GATE_WAIT_NANOS = 2_000_000_000L;

    private final String address;
    private final Health health;
    private final ControllerStats stats;
    private final AdminQueue admin;
    private final AdminOps ops;
    private final BringUp bringUp;
    private final FeatureRecord features;
    private final RetryDelays retryDelays;
    private final ShadowDoorbellSetup shadow;
    private final ControllerMemoryBuffer cmb;
    private final NamespaceRescan namespaces;
    private final int wantedPairs;
    private final int retryLimit;
    private final long adminTimeoutNanos;
    private final long ioTimeoutNanos;
    private final Recovery recovery;
    private final AsyncEvents events;
    private final QueuePairs pairs;
    private final Failure failure;
    private final ResetHistory history = new ResetHistory();

    /** What a reset did with the outstanding I/O commands. */
    private static final class Outcome {
        int resubmitted;
        int failed;
    }

    ControllerReset(ControllerParts p, Recovery recovery, AsyncEvents events, QueuePairs pairs, Failure failure) {
        this.address = p.address();
        this.health = p.health();
        this.stats = p.stats();
        this.admin = p.admin();
        this.ops = p.adminOps();
        this.bringUp = p.bringUp();
        this.features = p.features();
        this.retryDelays = p.identity().retryDelays();
        this.shadow = p.shadow();
        this.cmb = p.ioQueues().cmb();
        this.namespaces = p.namespaces();
        this.wantedPairs = p.options().maxIoQueuePairs();
        this.retryLimit = p.options().retryLimit();
        this.adminTimeoutNanos = p.adminTimeoutNanos();
        this.ioTimeoutNanos = p.ioTimeoutNanos();
        this.recovery = recovery;
        this.events = events;
        this.pairs = pairs;
        this.failure = failure;
    }

    /** A reset by recovery: too many within a minute and the controller is failed instead. */
    void run(String reason) {
        run(reason, true);
    }

    /**
     * Resets the controller; {@code limited}: counts towards the reset-loop limit (recovery's
     * resets do, those the application asks for do not). Returns true when the controller is
     * ready again.
     */
    boolean run(String reason, boolean limited) {
        if (!health.beginReset()) {
            return false;
        }
        stats.resets.increment();
        if (limited && history.tooMany(System.nanoTime(), MAX_RESETS_IN_WINDOW, WINDOW_NANOS)) {
            health.ready();
            failure.fail("recovery gave up: " + MAX_RESETS_IN_WINDOW + " controller resets within a minute (last: "
                    + reason + ")");
            return false;
        }
        LOG.warn("{}: resetting the controller: {}", address, reason);
        Events.stateChange(address, "RESETTING", reason);
        Events.ResetEvent event = new Events.ResetEvent();
        event.begin();
        List<QueuePairControl> held = enterAll(reason);
        Outcome outcome = new Outcome();
        boolean ok = false;
        String cause = null;
        try {
            reinitialize(held, outcome);
            ok = true;
        } catch (RuntimeException e) {
            LOG.error("{}: controller reset failed", address, e);
            cause = e.getMessage();
        } finally {
            // Every gate is still held: a reset request made before this point (by an owner's
            // deadline scan while this reset waited for its gate, or by recovery before an admin
            // timeout or CFS started this reset) belongs to the episode this reset ends. Each
            // command it was about was resubmitted with a fresh deadline or failed here.
            recovery.takeResetRequest();
            for (QueuePairControl p : held) {
                p.gate().exit();
                if (outcome.failed > 0) {
                    p.requestDeferredFailures();
                }
                p.wake();
            }
        }
        finish(event, reason, outcome, ok, cause);
        return ok;
    }

    private void finish(Events.ResetEvent event, String reason, Outcome outcome, boolean ok, String cause) {
        event.address = address;
        event.reason = reason;
        event.resubmitted = outcome.resubmitted;
        event.failed = outcome.failed;
        event.succeeded = ok;
        event.commit();
        if (ok) {
            health.ready();
            admin.resume();
            events.start();
            Events.stateChange(address, "READY", "reset done");
            LOG.warn("{}: controller reset done; {} command(s) resubmitted, {} failed", address, outcome.resubmitted,
                    outcome.failed);
            events.tell(namespaces.afterReset());
        } else {
            health.ready();
            failure.fail("controller reset failed (" + reason + ")" + (cause == null ? "" : ": " + cause));
        }
    }

    private List<QueuePairControl> enterAll(String reason) {
        List<QueuePairControl> held = new ArrayList<>();
        for (QueuePairControl p : pairs.list()) {
            if (p.isClosed()) {
                continue;
            }
            if (p.gate().system(System.nanoTime() + GATE_WAIT_NANOS)) {
                held.add(p);
            } else {
                // Never half-alive: recreating its queues needs the gate; without them the pair
                // would ring doorbells of queues that no longer exist. It is closed instead.
                String why = "the controller was reset (" + reason + ") while the pair's owner stayed inside it (a"
                        + " callback) for more than " + GATE_WAIT_NANOS / 1_000_000 + " ms; the commands the"
                        + " controller had not answered completed with Command Aborted By Host; create a new queue pair";
                LOG.warn("{}: I/O queue pair {} closed: {}", address, p.queueId(), why);
                p.closeLostInReset(why, QueuePairControl.HOST_ABORT);
                pairs.forget(p);
            }
        }
        return held;
    }

    private void reinitialize(List<QueuePairControl> held, Outcome outcome) {
        events.stop();
        admin.pause();
        bringUp.disable();
        admin.failAll(QueuePairControl.HOST_ABORT, false);
        admin.resetRings();
        CommandQueue aq = admin.commandQueue();
        bringUp.configureAdminQueues(aq.depth(), aq.sqRegion().iova(), aq.cqRegion().iova());
        if (cmb != null && !cmb.program()) {
            // The re-created SQs keep their CMB addresses: a controller that refuses them now cannot get them.
            LOG.warn("{}: the controller refused the controller memory buffer's address after the reset", address);
        }
        bringUp.enable();
        int pairsGranted = NumberOfQueues.usablePairs(urgent(AdminCommands.numberOfQueues(wantedPairs), -1).dw0(),
                wantedPairs);
        features.reportRestore(features.restore(command -> admin.executeUrgent(command, -1, adminTimeoutNanos)));
        retryDelays.enable(address, ops, (buf, fid) -> admin.executeUrgent(AdminCommands.setFeatures(fid, 0),
                buf.iova(), adminTimeoutNanos));
        shadow.configureAfterReset();
        for (QueuePairControl p : held) {
            if (p.queueId() > pairsGranted) {
                throw new NvmeException("after the reset the controller grants only " + pairsGranted
                        + " queue pairs; queue " + p.queueId() + " cannot be recreated");
            }
            recreate(p);
            resubmit(p, outcome);
        }
    }

    private void recreate(QueuePairControl p) {
        CommandQueue q = p.commandQueue();
        q.resetRings();
        q.attachShadow(shadow.pages(), false);
        boolean irq = p.vector() != null;
        urgent(AdminCommands.createIoCq(q.qid(), q.depth(), irq, irq ? p.vector().index() : 0), q.cqRegion().iova());
        urgent(AdminCommands.createIoSq(q.qid(), q.depth(), q.qid()), q.sqRegion().iova());
    }

    /** Resubmits every outstanding command with retries left; marks the others for failure. */
    private void resubmit(QueuePairControl p, Outcome outcome) {
        CommandQueue q = p.commandQueue();
        TrackerPool pool = q.trackers();
        long deadline = System.nanoTime() + ioTimeoutNanos;
        for (Tracker t = pool.nextBusy(null); t != null; t = pool.nextBusy(t)) {
            if (t.recoveryStep() == RecoveryStep.HELD) {
                continue; // completed and held for the owner's poll
            }
            if (t.retries() < retryLimit && t.recoveryStep() != RecoveryStep.FAIL_PENDING) {
                q.resubmitSaved(t, deadline);
                outcome.resubmitted++;
            } else {
                t.advanceRecovery(RecoveryStep.FAIL_PENDING, Long.MAX_VALUE);
                outcome.failed++;
            }
        }
        q.ringSubmissions();
    }

    private Completion urgent(RawCommand command, long ringIova) {
        Completion c = admin.executeUrgent(command, ringIova, adminTimeoutNanos);
        if (!c.isSuccess()) {
            throw NvmeException.forStatus(dev.nvme4j.spec.Opcodes.adminName(command.opcode()) + " during reset",
                    c.status());
        }
        return c;
    }
}
