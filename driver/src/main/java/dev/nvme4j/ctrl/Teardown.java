package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.spec.NvmeRegs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller close (NVMe Base Specification 2.0, section 3.6): stop new I/O; delete every I/O
 * SQ, then every I/O CQ (the admin queue never holds more than its slots: extra deletions wait
 * in software); if an SQ deletion fails or times out, skip the CQs and go straight to shutdown;
 * CC.SHN normal and wait for CSTS.SHST complete, up to {@code shutdownTimeout}; disable;
 * release memory and the function.
 * A dead or hung device is not waited for beyond the bound: outstanding I/O completes with
 * Command Aborted By Host (DNR).
 *
 * <p>Thread-safe and idempotent: the first caller does the work, later callers wait for it
 * (bounded).
 */
final class Teardown {
    private static final Logger LOG = LoggerFactory.getLogger(Teardown.class);

    private final NvmeController ctrl;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    Teardown(NvmeController ctrl) {
        this.ctrl = ctrl;
    }

    void close() {
        if (!started.compareAndSet(false, true)) {
            awaitFinished();
            return;
        }
        try {
            ctrl.stopDeviceEvents();
            ControllerState before = ctrl.health.close();
            ctrl.stopWatchdog();
            int abortStatus = before == ControllerState.REMOVED ? QueuePairControl.DEVICE_REMOVED
                    : QueuePairControl.HOST_ABORT;
            long bound = ctrl.options.shutdownTimeout().toNanos();
            boolean alive = before != ControllerState.FAILED && deviceResponds();
            List<QueuePairControl> claimed = ctrl.claimPairsForClose();
            if (alive && !claimed.isEmpty()) {
                deleteAll(claimed, bound);
                // A failed or late deletion does not skip the orderly shutdown: only a device
                // that stopped answering its registers does.
                alive = deviceResponds();
            }
            for (QueuePairControl p : claimed) {
                p.finishClosedByController(abortStatus);
                ctrl.forget(p);
            }
            if (ctrl.admin != null) {
                ctrl.admin.failAll(abortStatus);
            }
            if (alive && !ctrl.bringUp.shutdown(bound)) {
                LOG.warn("{}: shutdown did not complete within shutdownTimeout ({} ms){}", ctrl.address(),
                        bound / 1_000_000, rtd3eHint(bound));
            }
            Events.stateChange(ctrl.address(), "CLOSED", alive ? "closed" : before == ControllerState.REMOVED
                    ? "closed after the device was removed" : "closed without shutdown (device not answering)");
            ctrl.bringUp.disableBounded(Math.min(bound, 500_000_000L));
            releaseMemory();
        } finally {
            finished.countDown();
        }
    }

    /**
     * The wait for CSTS.SHST complete (Base 3.6.1) is {@code shutdownTimeout}, whatever RTD3E
     * says: RTD3E is 0 (not reported) on many controllers, and where it is reported it is often
     * optimistic. When the controller reports an RTD3E longer than the timeout, the warning of
     * an unfinished shutdown says so.
     */
    private String rtd3eHint(long bound) {
        long rtd3e = ctrl.rtd3eMicros * 1_000L;
        return rtd3e > bound ? "; the controller reports RTD3E = " + rtd3e / 1_000_000 + " ms, raise shutdownTimeout"
                : "";
    }

    private void awaitFinished() {
        try {
            if (!finished.await(ctrl.options.shutdownTimeout().toMillis() * 3 + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: close by another thread is still running", ctrl.address());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean deviceResponds() {
        int csts = ctrl.regs.read32(NvmeRegs.CSTS);
        return !NvmeRegs.isAllOnes(csts) && !NvmeRegs.cstsCfs(csts);
    }

    /** Deletes all SQs, then (only if all succeeded) all CQs; failures are logged. */
    private void deleteAll(List<QueuePairControl> pairs, long boundNanos) {
        long deadline = System.nanoTime() + boundNanos;
        List<CompletableFuture<Completion>> sqs = new ArrayList<>();
        for (QueuePairControl p : pairs) {
            sqs.add(ctrl.admin.submit(AdminCommands.deleteIoSq(p.queueId()), null, boundNanos));
        }
        if (!awaitAll(sqs, deadline)) {
            LOG.warn("{}: deleting I/O submission queues failed; skipping completion queues, shutting down",
                    ctrl.address());
            return;
        }
        List<CompletableFuture<Completion>> cqs = new ArrayList<>();
        for (QueuePairControl p : pairs) {
            cqs.add(ctrl.admin.submit(AdminCommands.deleteIoCq(p.queueId()), null, boundNanos));
        }
        if (!awaitAll(cqs, deadline)) {
            LOG.warn("{}: deleting I/O completion queues failed", ctrl.address());
        }
    }

    private boolean awaitAll(List<CompletableFuture<Completion>> futures, long deadline) {
        boolean ok = true;
        for (CompletableFuture<Completion> f : futures) {
            try {
                Completion c = ctrl.admin.awaitUntil(f, AdminCommands.deleteIoSq(0), deadline);
                ok &= c.isSuccess();
            } catch (NvmeException e) {
                return false;
            }
        }
        return ok;
    }

    /** One queue deletion for a queue pair's own close; false when it failed or timed out. */
    boolean deleteQueue(RawCommand command) {
        if (ctrl.health.state() == ControllerState.FAILED || !deviceResponds()) {
            return false;
        }
        try {
            return ctrl.admin.execute(command, null, -1, ctrl.adminTimeoutNanos).isSuccess();
        } catch (NvmeException e) {
            LOG.warn("{}: {}", ctrl.address(), e.getMessage());
            return false;
        }
    }

    private void releaseMemory() {
        try {
            ctrl.pci.disableMsix();
        } catch (RuntimeException e) {
            LOG.warn("{}: disabling MSI-X failed: {}", ctrl.address(), e.toString());
        }
        for (DmaRegion r : new ArrayList<>(ctrl.userRegions())) {
            ctrl.dma.free(r);
        }
        ctrl.userRegions().clear();
        if (ctrl.adminMemory != null) {
            ctrl.queues.free(ctrl.adminMemory);
        }
        if (ctrl.shadowDoorbells != null) {
            ctrl.dma.free(ctrl.shadowDoorbells.region());
            ctrl.shadowDoorbells = null;
        }
        if (ctrl.ownsFunction()) {
            ctrl.pci.close();
        }
    }

    /** Bring-up failed: undo what exists without talking to the device beyond disabling it. */
    void releaseAfterFailedOpen() {
        started.set(true);
        ctrl.stopDeviceEvents();
        ctrl.health.close();
        ctrl.stopWatchdog();
        try {
            ctrl.bringUp.disableBounded(100_000_000L);
        } catch (RuntimeException e) {
            LOG.debug("disable after failed open", e);
        }
        releaseMemory();
        finished.countDown();
    }
}
