package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.queue.CommandQueue;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.queue.RecoveryStep;
import dev.nvme4j.queue.ShadowDoorbells;
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

    private final NvmeController ctrl;

    ControllerReset(NvmeController ctrl) {
        this.ctrl = ctrl;
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
        if (!ctrl.health.beginReset()) {
            return false;
        }
        ctrl.stats.resets.increment();
        if (limited && ctrl.resetHistory.tooMany(System.nanoTime(), MAX_RESETS_IN_WINDOW, WINDOW_NANOS)) {
            ctrl.health.ready();
            ctrl.fail("recovery gave up: " + MAX_RESETS_IN_WINDOW + " controller resets within a minute (last: "
                    + reason + ")");
            return false;
        }
        LOG.warn("{}: resetting the controller: {}", ctrl.address(), reason);
        Events.stateChange(ctrl.address(), "RESETTING", reason);
        Events.ResetEvent event = new Events.ResetEvent();
        event.begin();
        List<QueuePairControl> held = enterAll(reason);
        int[] counts = new int[2];
        boolean ok = false;
        String failure = null;
        try {
            reinitialize(held, counts);
            ok = true;
        } catch (RuntimeException e) {
            LOG.error("{}: controller reset failed", ctrl.address(), e);
            failure = e.getMessage();
        } finally {
            // Every gate is still held: a reset request made before this point (by an owner's
            // deadline scan while this reset waited for its gate, or by recovery before an admin
            // timeout or CFS started this reset) belongs to the episode this reset ends. Each
            // command it was about was resubmitted with a fresh deadline or failed here.
            ctrl.recovery.takeResetRequest();
            for (QueuePairControl p : held) {
                p.gate().exit();
                if (counts[1] > 0) {
                    p.requestDeferredFailures();
                }
                p.wake();
            }
        }
        finish(event, reason, counts, ok, failure);
        return ok;
    }

    private void finish(Events.ResetEvent event, String reason, int[] counts, boolean ok, String failure) {
        event.address = ctrl.address();
        event.reason = reason;
        event.resubmitted = counts[0];
        event.failed = counts[1];
        event.succeeded = ok;
        event.commit();
        if (ok) {
            ctrl.health.ready();
            ctrl.admin.resume();
            ctrl.recovery.startAsyncEvents();
            Events.stateChange(ctrl.address(), "READY", "reset done");
            LOG.warn("{}: controller reset done; {} command(s) resubmitted, {} failed", ctrl.address(), counts[0],
                    counts[1]);
            ctrl.namespaceRescan.afterReset();
        } else {
            ctrl.health.ready();
            ctrl.fail("controller reset failed (" + reason + ")" + (failure == null ? "" : ": " + failure));
        }
    }

    private List<QueuePairControl> enterAll(String reason) {
        List<QueuePairControl> held = new ArrayList<>();
        for (QueuePairControl p : List.copyOf(ctrl.pairs.values())) {
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
                LOG.warn("{}: I/O queue pair {} closed: {}", ctrl.address(), p.queueId(), why);
                p.closeLostInReset(why, QueuePairControl.HOST_ABORT);
                ctrl.forget(p);
            }
        }
        return held;
    }

    private void reinitialize(List<QueuePairControl> pairs, int[] counts) {
        ctrl.recovery.stopAsyncEvents();
        ctrl.admin.pause();
        ctrl.bringUp.disable();
        ctrl.admin.failAll(QueuePairControl.HOST_ABORT, false);
        ctrl.admin.resetRings();
        CommandQueue aq = ctrl.admin.commandQueue();
        ctrl.bringUp.configureAdminQueues(aq.depth(), aq.sqRegion().iova(), aq.cqRegion().iova());
        ctrl.bringUp.enable();
        int wanted = ctrl.options.maxIoQueuePairs();
        int pairsGranted = NumberOfQueues.usablePairs(urgent(AdminCommands.numberOfQueues(wanted), -1).dw0(), wanted);
        ctrl.features.reportRestore(ctrl.features.restore(
                command -> ctrl.admin.executeUrgent(command, -1, ctrl.adminTimeoutNanos)));
        RetryDelays.enable(ctrl, (buf, fid) -> ctrl.admin.executeUrgent(AdminCommands.setFeatures(fid, 0), buf.iova(),
                ctrl.adminTimeoutNanos));
        ShadowDoorbells shadow = ctrl.shadowDoorbells;
        if (shadow != null && !ShadowDoorbellSetup.configure(ctrl, shadow, true)) {
            ctrl.shadowDoorbells = null; // MMIO doorbells only from now on (the queues attach null below)
            ctrl.dma.free(shadow.region());
        }
        for (QueuePairControl p : pairs) {
            if (p.queueId() > pairsGranted) {
                throw new NvmeException("after the reset the controller grants only " + pairsGranted
                        + " queue pairs; queue " + p.queueId() + " cannot be recreated");
            }
            recreate(p);
            resubmit(p, counts);
        }
    }

    private void recreate(QueuePairControl p) {
        CommandQueue q = p.commandQueue();
        q.resetRings();
        q.attachShadow(ctrl.shadowDoorbells, false);
        boolean irq = p.vector() != null;
        urgent(AdminCommands.createIoCq(q.qid(), q.depth(), irq, irq ? p.vector().index() : 0), q.cqRegion().iova());
        urgent(AdminCommands.createIoSq(q.qid(), q.depth(), q.qid()), q.sqRegion().iova());
    }

    /** Resubmits every outstanding command with retries left; marks the others for failure. */
    private void resubmit(QueuePairControl p, int[] counts) {
        CommandQueue q = p.commandQueue();
        TrackerPool pool = q.trackers();
        long deadline = System.nanoTime() + ctrl.ioTimeoutNanos();
        for (Tracker t = pool.nextBusy(null); t != null; t = pool.nextBusy(t)) {
            if (t.recoveryStep() == RecoveryStep.HELD) {
                continue; // completed and held for the owner's poll
            }
            if (t.retries() < ctrl.options.retryLimit() && t.recoveryStep() != RecoveryStep.FAIL_PENDING) {
                q.resubmitSaved(t, deadline);
                counts[0]++;
            } else {
                t.advanceRecovery(RecoveryStep.FAIL_PENDING, Long.MAX_VALUE);
                counts[1]++;
            }
        }
        q.ringSubmissions();
    }

    private Completion urgent(RawCommand command, long ringIova) {
        Completion c = ctrl.admin.executeUrgent(command, ringIova, ctrl.adminTimeoutNanos);
        if (!c.isSuccess()) {
            throw NvmeException.forStatus(dev.nvme4j.spec.Opcodes.adminName(command.opcode()) + " during reset",
                    c.status());
        }
        return c;
    }
}
