package dev.nvme4j.ctrl;

import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.RegisterSpace;
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
 * controller is removed ({@link Failure#remove}). CSTS.CFS, or a ready controller that is no longer ready: the
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

    private final String address;
    private final RegisterSpace regs;
    private final Health health;
    private final ControllerStats stats;
    private final Recovery recovery;
    private final Watchdog watchdog;
    private final Failure failure;
    private final DeviceEvents events;
    private final Thread thread;
    private volatile boolean running = true;

    private DeviceEventWatch(ControllerParts p, Recovery recovery, Watchdog watchdog, Failure failure,
                             DeviceEvents events) {
        this.address = p.address();
        this.regs = p.regs();
        this.health = p.health();
        this.stats = p.stats();
        this.recovery = recovery;
        this.watchdog = watchdog;
        this.failure = failure;
        this.events = events;
        this.thread = Thread.ofPlatform().daemon().name("nvme4j-device-events-" + address).unstarted(this);
    }

    /** {@return a watch, not started yet, or null when the function offers neither interrupt} */
    static DeviceEventWatch create(ControllerParts p, Recovery recovery, Watchdog watchdog, Failure failure) {
        DeviceEvents events = p.pci().deviceEvents();
        if (events == null || (!events.hasRemovalRequest() && !events.hasError())) {
            return null;
        }
        return new DeviceEventWatch(p, recovery, watchdog, failure, events);
    }

    void start() {
        thread.start();
    }

    /** Stops the thread and waits for it (bounded; a removal under way is finished first). */
    void stop() {
        running = false;
        events.wakeUp();
        if (Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
                if (thread.isAlive()) {
                    LOG.warn("{}: the device event thread did not stop within 10 s", address);
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
                        address, e);
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
                LOG.error("{}: handling a device event failed", address, e);
            }
        }
    }

    /** Gives the device up ({@link Failure#remove}); false when the controller is closing (close releases it then). */
    private boolean remove() {
        return failure.remove(REMOVAL_CAUSE);
    }

    private void onError() {
        stats.errorInterrupts.increment();
        if (health.state() == dev.nvme4j.api.ControllerState.CLOSED || health.isFailed()) {
            LOG.warn("{}: PCIe error interrupt (AER) on a controller that is {}; nothing to recover", address,
                    health.state());
            Events.errorInterrupt(address, 0, "ignored (" + health.state() + ")");
            return;
        }
        int csts = regs.read32(NvmeRegs.CSTS);
        String what = "PCIe error reported (AER error interrupt), CSTS 0x" + Integer.toHexString(csts);
        String action;
        if (NvmeRegs.isAllOnes(csts)) {
            action = "removed";
            failure.remove(what + ": the device no longer answers (CSTS reads all-ones; surprise removal)");
        } else if (NvmeRegs.cstsCfs(csts)) {
            action = "reset";
            LOG.error("{}: {}: controller fatal status; resetting", address, what);
            watchdog.wake(); // the watchdog resets on CSTS.CFS
        } else if (!NvmeRegs.cstsRdy(csts) && health.state() == dev.nvme4j.api.ControllerState.READY) {
            action = "reset";
            recovery.requestReset(what + ": the controller is no longer ready (CSTS.RDY 0)");
        } else {
            action = "checked";
            LOG.warn("{}: {}: the controller still reports ready; commands the error lost are recovered when their"
                    + " deadlines pass", address, what);
            watchdog.wake();
        }
        Events.errorInterrupt(address, csts, action);
    }
}
