package dev.nvme4j.api;

/**
 * A snapshot of a controller's counters. Immutable and thread-safe.
 *
 * @param io              the sum over its I/O queue pairs (current and closed)
 * @param adminSubmitted  admin commands written to the admin queue, whoever sent them (the
 *                        application, bring-up, queue creation and deletion, recovery, close;
 *                        Asynchronous Event Requests included)
 * @param adminCompleted  completions the controller posted for them (commands given up by a
 *                        reset or close are not counted)
 * @param adminTimeouts   admin commands whose deadline passed
 * @param resets          controller resets (recovery step 4, CSTS.CFS, and {@link Controller#reset()})
 * @param failures        times the controller was marked failed
 * @param asyncEvents     asynchronous events received
 * @param featuresRestored features set again after controller resets (one per feature per reset)
 * @param featureRestoreFailures features a reset could not set again (see
 *                        {@link Controller#featureRestoreFailures()})
 * @param namespaceChanges namespaces that appeared, went away or changed size, as found by the
 *                        rescans after Namespace Attribute Changed events and
 *                        {@link Controller#rescanNamespaces()}
 * @param removals        device requests acted on: the kernel asked for the device back
 *                        (hot-unplug, unbind, remove) and the driver released it (0 or 1)
 * @param errorInterrupts PCIe error interrupts (AER) received
 * @param asyncEventsDropped asynchronous events the listener never saw: more than 64 were
 *                        waiting for it (a slow listener); their log pages were still read
 */
public record ControllerCounters(QueueCounters io, long adminSubmitted, long adminCompleted, long adminTimeouts,
                                 long resets, long failures, long asyncEvents, long featuresRestored,
                                 long featureRestoreFailures, long namespaceChanges, long removals,
                                 long errorInterrupts, long asyncEventsDropped) {
    /** True when any recovery happened (timeouts, missed interrupts, lost kicks, aborts, resets). */
    public boolean anyRecovery() {
        return io.timeouts() + io.missedInterrupts() + io.lostDoorbells() + io.aborts() + io.resubmitted()
                + adminTimeouts + resets + failures + removals + errorInterrupts > 0;
    }
}
