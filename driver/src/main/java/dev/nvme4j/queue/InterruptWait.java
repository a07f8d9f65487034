package dev.nvme4j.queue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Constants and the log-once of blocking on an interrupt vector. */
final class InterruptWait {
    private static final Logger LOG = LoggerFactory.getLogger(InterruptWait.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /**
     * Longest single block on a vector before looking at the CQ anyway: bounds the latency a
     * lost interrupt costs (recovery step 1 happens at the latest this much later).
     */
    static final long SLICE_NANOS = 5_000_000L;

    private InterruptWait() {
    }

    static void logMissedOnce(int qid) {
        if (LOGGED.compareAndSet(false, true)) {
            LOG.warn("queue {}: completions arrived without an interrupt (missed interrupt); recovered by polling."
                    + " Further occurrences are only counted (QueueCounters.missedInterrupts)", qid);
        }
    }
}
