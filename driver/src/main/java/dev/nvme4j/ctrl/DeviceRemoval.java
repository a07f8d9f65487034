package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerState;
import dev.nvme4j.queue.QueuePairControl;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a device up that is gone or going: the kernel asked for it back (device request), or it
 * vanished (surprise removal: CSTS, or another register with the configuration space, reads all
 * ones). The controller is marked {@link dev.nvme4j.api.ControllerState#REMOVED}; register
 * accesses stop at once (reads all ones, writes dropped: no doorbell reaches the device after
 * this), the watchdog stops, the function is released (DMA out of the IOMMU, BAR0 unmapped, fds
 * closed; safe against register accesses other threads make at that moment), and every
 * outstanding and new command completes exactly once with Host Pathing Error (DNR): admin
 * commands at once, I/O (in flight, waiting for a retry, parts not yet issued) at the owner's
 * next poll, which is woken. Nothing waits for the device or for an owner; no application
 * callback runs here. Callable from any thread, also the watchdog's.
 */
final class DeviceRemoval {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceRemoval.class);

    private DeviceRemoval() {
    }

    /**
     * A failure whose cause was a register reading all ones, with the function's configuration
     * space gone too, is a removal: gives the device up instead of failing the controller.
     *
     * @return true when it did (then the controller is REMOVED, not FAILED)
     */
    static boolean removedInsteadOfFailed(NvmeController ctrl, String reason) {
        ControllerState s = ctrl.health.state();
        if (s != ControllerState.READY && s != ControllerState.RESETTING || ctrl.pci.isPresent()) {
            return false;
        }
        giveUp(ctrl, reason + "; the function is gone (its configuration space reads all ones)");
        return true;
    }

    /**
     * @param cause what showed the removal, for the reason and the JFR event
     * @return false when the controller is closing (the close releases the device then)
     */
    static boolean giveUp(NvmeController ctrl, String cause) {
        String reason = "device removed: " + cause;
        if (!ctrl.health.remove(reason)) {
            if (ctrl.health.isRemoved()) {
                // Removed by surprise before; the kernel's request that follows finds it given up.
                ctrl.pci.release();
                return true;
            }
            LOG.info("{}: the device went away while the controller closes ({}); the close releases it",
                    ctrl.address(), cause);
            return false;
        }
        long start = System.nanoTime();
        ctrl.pci.detach();
        ctrl.stats.removals.increment();
        List<QueuePairControl> pairs = List.copyOf(ctrl.pairs.values());
        int outstanding = 0;
        for (QueuePairControl p : pairs) {
            outstanding += p.outstanding();
        }
        LOG.error("{}: {}; giving it up now: {} I/O command(s) outstanding complete with Host Pathing Error",
                ctrl.address(), reason, outstanding);
        Events.stateChange(ctrl.address(), "REMOVED", reason);
        if (ctrl.recovery != null) {
            ctrl.recovery.stopAsyncEvents();
        }
        ctrl.stopWatchdog();
        try {
            ctrl.pci.release();
        } catch (RuntimeException e) {
            LOG.error("{}: releasing the removed device failed", ctrl.address(), e);
        }
        if (ctrl.admin != null) {
            ctrl.admin.failAll(QueuePairControl.DEVICE_REMOVED);
        }
        for (QueuePairControl p : pairs) {
            p.requestFailAll(QueuePairControl.DEVICE_REMOVED);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        LOG.info("{}: device released to the kernel in {} ms; close the controller, and open the device again once it"
                + " is back", ctrl.address(), millis);
        Events.removal(ctrl.address(), cause, outstanding, millis);
        return true;
    }
}
