package dev.nvme4j.ctrl;

import dev.nvme4j.api.QueueCounters;
import java.util.concurrent.atomic.LongAdder;

/** Controller-level counters (not on the I/O path). Thread-safe. */
final class ControllerStats {
    final LongAdder adminTimeouts = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder failures = new LongAdder();
    final LongAdder asyncEvents = new LongAdder();
    final LongAdder asyncEventsDropped = new LongAdder();
    final LongAdder featuresRestored = new LongAdder();
    final LongAdder featureRestoreFailures = new LongAdder();
    final LongAdder namespaceChanges = new LongAdder();
    final LongAdder removals = new LongAdder();
    final LongAdder errorInterrupts = new LongAdder();
    private QueueCounters closedQueues = QueueCounters.ZERO;

    synchronized void addClosed(QueueCounters c) {
        closedQueues = closedQueues.plus(c);
    }

    synchronized QueueCounters closedQueues() {
        return closedQueues;
    }
}
