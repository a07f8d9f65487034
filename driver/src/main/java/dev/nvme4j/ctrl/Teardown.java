package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
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

    private final String address;
    private final PciFunction pci;
    private final boolean ownsFunction;
    private final RegisterSpace regs;
    private final QueueFactory queues;
    private final Health health;
    private final BringUp bringUp;
    private final AdminQueue admin;
    private final QueueFactory.Built adminMemory;
    private final ShadowDoorbellSetup shadow;
    private final long shutdownTimeoutNanos;
    private final long adminTimeoutNanos;
    private final long rtd3eMicros;
    private final QueuePairs pairs;
    private final UserBuffers buffers;
    private final AsyncEvents asyncEvents;
    private final Watchdog watchdog;
    /** Null when the function offers no device interrupts. */
    private final DeviceEventWatch deviceEvents;
    private final AtomicBoolean started = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);

    Teardown(ControllerParts p, QueuePairs pairs, UserBuffers buffers, AsyncEvents asyncEvents, Watchdog watchdog,
             DeviceEventWatch deviceEvents) {
        this.address = p.address();
        this.pci = p.pci();
        this.ownsFunction = p.ownsFunction();
        this.regs = p.regs();
        this.queues = p.ioQueues();
        this.health = p.health();
        this.bringUp = p.bringUp();
        this.admin = p.admin();
        this.adminMemory = p.adminMemory();
        this.shadow = p.shadow();
        this.shutdownTimeoutNanos = p.options().shutdownTimeout().toNanos();
        this.adminTimeoutNanos = p.adminTimeoutNanos();
        this.rtd3eMicros = p.identity().rtd3eMicros();
        this.pairs = pairs;
        this.buffers = buffers;
        this.asyncEvents = asyncEvents;
        this.watchdog = watchdog;
        this.deviceEvents = deviceEvents;
    }

    void close() {
        if (!started.compareAndSet(false, true)) {
            awaitFinished();
            return;
        }
        try {
            stopDeviceEvents();
            ControllerState before = health.close();
            stopWatchdog();
            int abortStatus = before == ControllerState.REMOVED ? QueuePairControl.DEVICE_REMOVED
                    : QueuePairControl.HOST_ABORT;
            long bound = shutdownTimeoutNanos;
            boolean alive = before != ControllerState.FAILED && deviceResponds();
            List<QueuePairControl> open = pairs.list(); // with pairs whose own close is deferred to the owner
            List<QueuePairControl> claimed = pairs.claimForClose();
            if (alive && !claimed.isEmpty()) {
                deleteAll(claimed, bound);
                // A failed or late deletion does not skip the orderly shutdown: only a device
                // that stopped answering its registers does.
                alive = deviceResponds();
            }
            for (QueuePairControl p : claimed) {
                p.finishClosedByController(abortStatus);
                pairs.forget(p);
            }
            admin.failAll(abortStatus);
            if (alive && !bringUp.shutdown(bound)) {
                LOG.warn("{}: shutdown did not complete within shutdownTimeout ({} ms){}", address,
                        bound / 1_000_000, rtd3eHint(bound));
            }
            Events.stateChange(address, "CLOSED", alive ? "closed" : before == ControllerState.REMOVED
                    ? "closed after the device was removed" : "closed without shutdown (device not answering)");
            bringUp.disableBounded(Math.min(bound, 500_000_000L));
            for (QueuePairControl p : open) {
                if (!p.releaseDma(Math.min(bound, 1_000_000_000L))) {
                    LOG.warn("{}: queue pair {} was still finishing its close on its owner thread when the DMA memory"
                            + " was released", address, p.queueId());
                }
            }
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
        long rtd3e = rtd3eMicros * 1_000L;
        return rtd3e > bound ? "; the controller reports RTD3E = " + rtd3e / 1_000_000 + " ms, raise shutdownTimeout"
                : "";
    }

    private void awaitFinished() {
        try {
            if (!finished.await(TimeUnit.NANOSECONDS.toMillis(shutdownTimeoutNanos) * 3 + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warn("{}: close by another thread is still running", address);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean deviceResponds() {
        int csts = regs.read32(NvmeRegs.CSTS);
        return !NvmeRegs.isAllOnes(csts) && !NvmeRegs.cstsCfs(csts);
    }

    /** Deletes all SQs, then (only if all succeeded) all CQs; failures are logged. */
    private void deleteAll(List<QueuePairControl> claimed, long boundNanos) {
        long deadline = System.nanoTime() + boundNanos;
        List<CompletableFuture<Completion>> sqs = new ArrayList<>();
        for (QueuePairControl p : claimed) {
            sqs.add(admin.submit(AdminCommands.deleteIoSq(p.queueId()), null, boundNanos));
        }
        if (!awaitAll(sqs, deadline)) {
            LOG.warn("{}: deleting I/O submission queues failed; skipping completion queues, shutting down",
                    address);
            return;
        }
        List<CompletableFuture<Completion>> cqs = new ArrayList<>();
        for (QueuePairControl p : claimed) {
            cqs.add(admin.submit(AdminCommands.deleteIoCq(p.queueId()), null, boundNanos));
        }
        if (!awaitAll(cqs, deadline)) {
            LOG.warn("{}: deleting I/O completion queues failed", address);
        }
    }

    private boolean awaitAll(List<CompletableFuture<Completion>> futures, long deadline) {
        boolean ok = true;
        for (CompletableFuture<Completion> f : futures) {
            try {
                Completion c = admin.awaitUntil(f, AdminCommands.deleteIoSq(0), deadline);
                ok &= c.isSuccess();
            } catch (NvmeException e) {
                return false;
            }
        }
        return ok;
    }

    /** One queue deletion for a queue pair's own close; false when it failed or timed out. */
    boolean deleteQueue(RawCommand command) {
        if (health.state() == ControllerState.FAILED || !deviceResponds()) {
            return false;
        }
        try {
            return admin.execute(command, null, -1, adminTimeoutNanos).isSuccess();
        } catch (NvmeException e) {
            LOG.warn("{}: {}", address, e.getMessage());
            return false;
        }
    }

    private void stopDeviceEvents() {
        if (deviceEvents != null) {
            deviceEvents.stop(); // bounded; a removal under way finishes first
        }
    }

    private void stopWatchdog() {
        asyncEvents.stopDelivery();
        watchdog.stop();
    }

    private void releaseMemory() {
        release(address, pci, ownsFunction, this::freeMemory);
    }

    private void freeMemory() {
        buffers.freeAll();
        queues.free(adminMemory);
        shadow.release();
        if (queues.cmb() != null) {
            queues.cmb().close(); // the I/O queues were deleted and their memory freed before
        }
    }

    /**
     * Gives back what a controller holds, also when bring-up failed half-way: MSI-X, then the
     * driver's DMA memory ({@code freeMemory}), then the function when the controller owns it.
     * A failure to disable MSI-X is logged and does not stop the rest.
     */
    static void release(String address, PciFunction pci, boolean ownsFunction, Runnable freeMemory) {
        try {
            pci.disableMsix();
        } catch (RuntimeException e) {
            LOG.warn("{}: disabling MSI-X failed: {}", address, e.toString());
        }
        freeMemory.run();
        if (ownsFunction) {
            pci.close();
        }
    }

    /** Bring-up failed after the controller was built: undo what exists without talking to the device beyond disabling it. */
    void releaseAfterFailedOpen() {
        started.set(true);
        stopDeviceEvents();
        health.close();
        stopWatchdog();
        releaseAfterFailedOpen(address, bringUp, pci, ownsFunction, this::freeMemory);
        finished.countDown();
    }

    /** Bring-up failed: disables the controller (bounded, failures ignored) and releases as {@link #release} does. */
    static void releaseAfterFailedOpen(String address, BringUp bringUp, PciFunction pci, boolean ownsFunction,
                                       Runnable freeMemory) {
        try {
            bringUp.disableBounded(100_000_000L);
        } catch (RuntimeException e) {
            LOG.debug("disable after failed open", e);
        }
        release(address, pci, ownsFunction, freeMemory);
    }
}
