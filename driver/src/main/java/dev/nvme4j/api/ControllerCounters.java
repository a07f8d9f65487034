package dev.nvme4j.api;

/**
 * A snapshot of a controller's counters. Immutable and thread-safe.
 *
 * @param io              the sum over its I/O queue pairs (current and closed)
 * @param adminSubmitted  admin commands submitted
 * @param adminCompleted  admin commands completed
 * @param adminTimeouts   admin commands whose deadline passed
 * @param resets          controller resets (recovery step 4)
 * @param failures        times the controller was marked failed
 * @param asyncEvents     asynchronous events received
 */
public record ControllerCounters(QueueCounters io, long adminSubmitted, long adminCompleted, long adminTimeouts,
                                 long resets, long failures, long asyncEvents) {
    /** True when any recovery happened (timeouts, missed interrupts, lost kicks, aborts, resets). */
    public boolean anyRecovery() {
        return io.timeouts() + io.missedInterrupts() + io.lostDoorbells() + io.aborts() + io.resubmitted()
                + adminTimeouts + resets + failures > 0;
    }
}
