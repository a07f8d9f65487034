package dev.nvme4j.api;

/** Life cycle of a {@link Controller}. Immutable and thread-safe. */
public enum ControllerState {
    /** Brought up and accepting commands. */
    READY,
    /** Being reset by recovery; new I/O is queued or refused, in-flight I/O will be resubmitted. */
    RESETTING,
    /** Dead (removed, fatal status, or recovery gave up): everything fails fast with the reason. */
    FAILED,
    /** Closing or closed. */
    CLOSED
}
