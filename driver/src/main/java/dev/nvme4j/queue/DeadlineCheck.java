package dev.nvme4j.queue;

/**
 * The controller's timeout machinery, called by a queue pair at the end of each poll with the
 * pair's gate held. Implementations must be cheap on the common path (a counter and, rarely,
 * a clock read) and must not block.
 */
@FunctionalInterface
public interface DeadlineCheck {
    void onPoll(QueuePairControl pair);
}
