package dev.nvme4j.api;

/** Life cycle of a {@link Controller}. Immutable and thread-safe. */
public enum ControllerState {
    /** Brought up and accepting commands. */
    READY,
    /** Being reset by recovery; new I/O is queued or refused, in-flight I/O will be resubmitted. */
    RESETTING,
    /** Dead (a reset failed, or recovery gave up): everything fails fast with the reason. */
    FAILED,
    /**
     * The device was removed: the kernel requested it back (a hot-unplug, an unbind from
     * vfio-pci, or a remove through sysfs), or it vanished (surprise removal: CSTS, or another
     * register while the configuration space is gone too, reads all ones), and the driver gave
     * it up at once. Every outstanding
     * and new command completes with Host Pathing Error (DNR), other calls throw with
     * {@link Controller#failureReason()}; close the controller, and open the device again (by
     * its address) once it is back.
     */
    REMOVED,
    /** Closing or closed. */
    CLOSED
}
