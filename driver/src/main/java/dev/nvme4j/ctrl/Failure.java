package dev.nvme4j.ctrl;

import dev.nvme4j.queue.QueuePairControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the controller failed: admin commands and every queue pair's outstanding and new
 * commands complete with Command Aborted By Host (DNR); the reason is kept for
 * {@link dev.nvme4j.api.Controller#failureReason()}. Thread-safe; the first reason wins.
 */
final class Failure {
    private static final Logger LOG = LoggerFactory.getLogger(Failure.class);

    private final String address;
    private final Health health;
    private final ControllerStats stats;
    private final AdminQueue admin;
    private final AsyncEvents events;
    private final QueuePairs pairs;

    Failure(ControllerParts p, AsyncEvents events, QueuePairs pairs) {
        this.address = p.address();
        this.health = p.health();
        this.stats = p.stats();
        this.admin = p.admin();
        this.events = events;
        this.pairs = pairs;
    }

    void fail(String reason) {
        if (!health.fail(reason)) {
            return;
        }
        stats.failures.increment();
        LOG.error("{}: controller failed: {}", address, reason);
        Events.stateChange(address, "FAILED", reason);
        events.stop();
        admin.failAll(QueuePairControl.HOST_ABORT);
        pairs.requestFailAll(QueuePairControl.HOST_ABORT);
    }
}
