package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerState;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.queue.QueuePairControl;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two ends of a controller's life other than close, thread-safe, the first reason wins.
 *
 * <p><b>Failed</b> ({@link #fail}): admin commands and every queue pair's outstanding and new
 * commands complete with Command Aborted By Host (DNR); the reason is kept for
 * {@link dev.nvme4j.api.Controller#failureReason()}. A failure that came from a register
 * reading all ones while the function's configuration space is gone too
 * ({@link PciFunction#isPresent()}) is a removal instead.
 *
 * <p><b>Removed</b> ({@link #remove}): the kernel asked for the device back (device request), or
 * it vanished (surprise removal: CSTS reads all ones). The controller is marked
 * {@link ControllerState#REMOVED}; register accesses stop at once (reads all ones, writes
 * dropped: no register or doorbell write reaches the device after this), async events and the
 * watchdog stop, the function is released (DMA out of the IOMMU, BAR0 unmapped, fds closed; safe
 * against register accesses other threads make at that moment), and every outstanding and new
 * command completes exactly once with Host Pathing Error (DNR): admin commands at once, I/O (in
 * flight, waiting for a retry, parts not yet issued) at the owner's next poll, which is woken.
 * Nothing waits for the device or for an owner; no application callback runs here. Callable from
 * any thread, also the watchdog's.
 */
final class Failure {
    private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

    private final String address;
    private final PciFunction pci;
    private final Health health;
    private final ControllerStats stats;
    private final AdminQueue admin;
    private final AsyncEvents events;
    private final QueuePairs pairs;
    /** Stops the watchdog (bounded; from the watchdog itself too). */
    private final Runnable stopWatchdog;

    Failure(ControllerParts p, AsyncEvents events, QueuePairs pairs, Runnable stopWatchdog) {
        this.address = p.address();
        this.pci = p.pci();
        this.health = p.health();
        this.stats = p.stats();
        this.admin = p.admin();
        this.events = events;
        this.pairs = pairs;
        this.stopWatchdog = stopWatchdog;
    }

    void fail(String reason) {
        ControllerState s = health.state();
        if ((s == ControllerState.READY || s == ControllerState.RESETTING) && !pci.isPresent()) {
            remove(reason + "; the function is gone (its configuration space reads all ones)");
            return;
        }
        if (!health.fail(reason)) {
            return;
        }
        stats.failures.increment();
        LOG.error("{}: controller failed: {}", address, reason);
        Events.stateChange(address, "FAILED", reason);
        events.stop();
        // A fabrics controller that failed lost its path (reconnecting did not bring it back).
        int status = pci.fabricsLink() != null ? QueuePairControl.DEVICE_REMOVED : QueuePairControl.HOST_ABORT;
        admin.failAll(status);
        pairs.requestFailAll(status);
    }

    /**
     * Gives the device up.
     *
     * @param cause what showed the removal, for the reason and the JFR event
     * @return false when the controller is closing (the close releases the device then)
     */
    boolean remove(String cause) {
        String reason = "device removed: " + cause;
        if (!health.remove(reason)) {
            if (health.isRemoved()) {
                pci.release(); // removed by surprise before: the kernel's request finds it given up
                return true;
            }
            LOG.info("{}: the device went away while the controller closes ({}); the close releases it", address,
                    cause);
            return false;
        }
        long start = System.nanoTime();
        pci.detach();
        stats.removals.increment();
        List<QueuePairControl> open = pairs.list();
        int outstanding = 0;
        for (QueuePairControl p : open) {
            outstanding += p.outstanding();
        }
        LOG.error("{}: {}; giving it up now: {} I/O command(s) outstanding complete with Host Pathing Error",
                address, reason, outstanding);
        Events.stateChange(address, "REMOVED", reason);
        events.stop();
        events.stopDelivery();
        stopWatchdog.run();
        try {
            pci.release();
        } catch (RuntimeException e) {
            LOG.error("{}: releasing the removed device failed", address, e);
        }
        admin.failAll(QueuePairControl.DEVICE_REMOVED);
        for (QueuePairControl p : open) {
            p.requestFailAll(QueuePairControl.DEVICE_REMOVED);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("{}: device released to the kernel in {} ms; close the controller, and open the device again once it"
                + " is back", address, millis);
        Events.removal(address, cause, outstanding, millis);
        return true;
    }
}
