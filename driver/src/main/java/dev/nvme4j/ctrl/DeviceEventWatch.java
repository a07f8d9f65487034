package dev.nvme4j.ctrl;

import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.spec.NvmeRegs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the function's own interrupts ({@link DeviceEvents}) on a thread of its own (one per
 * controller, daemon, only when the function offers either interrupt), so that a removal is
 * acted on at once even while the watchdog is busy in a reset.
 *
 * <p><b>Device request</b> (the kernel wants the device back: hot-unplug, unbind from vfio-pci,
 * remove through sysfs; it waits until the device's file descriptors are closed): the controller
 * is marked {@link dev.nvme4j.api.ControllerState#REMOVED} and the device is given up at once:
 * register accesses stop (reads all ones, writes dropped), the watchdog stops, the function is
 * released (DMA out of the IOMMU, BAR0 unmapped, fds closed; safe against register accesses
 * other threads are making at that moment), and then every outstanding and new command
 * completes once with Host Pathing Error (DNR): admin commands at once, I/O at the owner's next
 * poll, which is woken (no application callback runs on this thread). Nothing waits for the
 * device or for an owner.
 *
 * <p><b>Error interrupt</b> (PCIe AER): CSTS decides. All ones: the device is gone, the
 * controller is marked removed ({@link DeviceRemoval}). CSTS.CFS, or a ready controller that is no longer ready: the
 * recovery ladder's reset (by the watchdog, which also resubmits retryable I/O; if the reset
 * fails, the controller fails with the reason). A controller that still reports ready: logged;
 * commands the error may have lost climb the ladder as their deadlines pass.
 *
 * <p>Thread-safe: {@link #stop()} may be called from any thread, also this one.
 */
final class DeviceEventWatch implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceEventWatch.class);
    /** The wait is re-armed this often (stop also wakes it at once). */
    private static final long WAIT_NANOS = 1_000_000_000L;
    static final String REMOVAL_CAUSE = "the kernel requested the device back (hot-unplug, unbind from vfio-pci"
            + " or remove through sysfs)";

    private final NvmeController ctrl;
    private final DeviceEvents events;
    private final Thread thread;
    private volatile boolean running = true;

    private DeviceEventWatch(NvmeController ctrl, DeviceEvents events) {
        this.ctrl = ctrl;
        this.events = events;
        this.thread = Thread.ofPlatform().daemon().name("nvme4j-device-events-" + ctrl.address()).unstarted(this);
    }

    /** {@return a started watch, or null when the function offers neither interrupt} */
    static DeviceEventWatch start(NvmeController ctrl) {
        DeviceEvents events = ctrl.pci.deviceEvents();
        if (events == null || (!events.hasRemovalRequest() && !events.hasError())) {
            return null;
        }
        DeviceEventWatch w = new DeviceEventWatch(ctrl, events);
        w.thread.start();
        return w;
    }

    /** Stops the thread and waits for it (bounded; a removal under way is finished first). */
    void stop() {
        running = false;
        events.wakeUp();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
                if (thread.isAlive()) {
                    LOG.warn("{}: the device event thread did not stop within 10 s", ctrl.address());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        while (running) {
            int fired;
            try {
                fired = events.await(WAIT_NANOS);
            } catch (RuntimeException e) {
                LOG.error("{}: waiting for device events failed; hot-unplug and PCIe errors are no longer watched",
                        ctrl.address(), e);
                return;
            }
            if (!running) {
                return;
            }
            try {
                if ((fired & DeviceEvents.REMOVAL_REQUEST) != 0) {
                    if (remove()) {
                        return; // the device is gone: nothing more to watch
                    }
                } else if ((fired & DeviceEvents.ERROR) != 0) {
                    onError();
                }
            } catch (RuntimeException e) {
                LOG.error("{}: handling a device event failed", ctrl.address(), e);
            }
        }
    }

    /** Gives the device up; false when the controller is closing (close releases the device then). */
    private boolean remove() {
        return DeviceRemoval.giveUp(ctrl, REMOVAL_CAUSE);
    }

    private void onError() {
        ctrl.stats.errorInterrupts.increment();
        if (ctrl.health.state() == dev.nvme4j.api.ControllerState.CLOSED || ctrl.health.isFailed()) {
            LOG.warn("{}: PCIe error interrupt (AER) on a controller that is {}; nothing to recover", ctrl.address(),
                    ctrl.health.state());
            Events.errorInterrupt(ctrl.address(), 0, "ignored (" + ctrl.health.state() + ")");
            return;
        }
        int csts = ctrl.regs.read32(NvmeRegs.CSTS);
        String what = "PCIe error reported (AER error interrupt), CSTS 0x" + Integer.toHexString(csts);
        String action;
        if (NvmeRegs.isAllOnes(csts)) {
            action = "removed";
            DeviceRemoval.giveUp(ctrl, what + ": the device no longer answers (CSTS reads all-ones; surprise removal)");
        } else if (NvmeRegs.cstsCfs(csts)) {
            action = "reset";
            LOG.error("{}: {}: controller fatal status; resetting", ctrl.address(), what);
            ctrl.wakeWatchdog(); // the watchdog resets on CSTS.CFS
        } else if (!NvmeRegs.cstsRdy(csts) && ctrl.health.state() == dev.nvme4j.api.ControllerState.READY) {
            action = "reset";
            ctrl.recovery.requestReset(what + ": the controller is no longer ready (CSTS.RDY 0)");
        } else {
            action = "checked";
            LOG.warn("{}: {}: the controller still reports ready; commands the error lost are recovered when their"
                    + " deadlines pass", ctrl.address(), what);
            ctrl.wakeWatchdog();
        }
        Events.errorInterrupt(ctrl.address(), csts, action);
    }
}
