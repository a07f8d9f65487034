package dev.nvme4j.queue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.device.InterruptVector;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a queue pair's owner waits for completions ({@link CompletionMode}): spin on the CQ,
 * block on the MSI-X vector's eventfd, or spin first and then block (for as long as the pair's
 * {@link HybridSpin} says, which learns from the waits it is told about). Blocking happens outside
 * the pair's gate, so recovery can enter meanwhile. Also detects missed interrupts (recovery
 * step 1). Owner thread only.
 */
final class CompletionWaiter {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionWaiter.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();
    /**
     * Longest single block on a vector before looking at the CQ anyway: bounds the latency a
     * lost interrupt costs.
     */
    static final long SLICE_NANOS = 5_000_000L;
    /**
     * How long an interrupt may trail its completion and still count as delivered: an MSI-X
     * message, or the eventfd write behind it, is not instantaneous (a host or VM under load can
     * take milliseconds), and a slice can end between the completion being posted and its signal
     * arriving. One more slice: a lost interrupt then costs its owner two slices (10 ms) before it
     * is counted, where Linux notices one only at its 30 s command timeout. Added to the
     * controller's aggregation time, which holds interrupts back on purpose.
     */
    static final long LATE_SIGNAL_NANOS = SLICE_NANOS;

    private final IoQueuePairImpl pair;
    private final CompletionMode mode;
    private final InterruptVector vector;
    private final HybridSpin hybridSpin;
    /** The last block on the vector timed out without a signal. */
    private boolean waitedInVain;

    CompletionWaiter(IoQueuePairImpl pair, CompletionMode mode, InterruptVector vector, HybridSpin hybridSpin) {
        this.pair = pair;
        this.mode = mode;
        this.vector = vector;
        this.hybridSpin = hybridSpin;
    }

    /** See {@link dev.nvme4j.api.IoQueuePair#process}. */
    int process(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long spinUntil = switch (mode) {
            case POLL -> deadline;
            case HYBRID -> start + Math.min(timeout.toNanos(), hybridSpin.spinNanos());
            case INTERRUPT -> start;
        };
        boolean waited = false;
        while (true) {
            int n = pair.poll();
            if (n > 0 || pair.closed) {
                if (n > 0 && waitedInVain) {
                    checkMissedInterrupt();
                }
                if (n > 0 && waited && mode == CompletionMode.HYBRID) {
                    // Only waits that had to wait teach the spin: one that found completions at
                    // once says nothing about how long the device takes.
                    hybridSpin.observe(System.nanoTime() - start);
                }
                return n;
            }
            waited = true;
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                return 0;
            }
            if (now - spinUntil < 0 || vector == null) {
                Thread.onSpinWait();
            } else {
                boolean fired = vector.await(Math.min(deadline - now, SLICE_NANOS));
                waitedInVain = !fired;
                if (fired) {
                    count(false);
                }
            }
        }
    }

    /**
     * Blocking on the vector ended without an interrupt, and completions were found since (they
     * are already completed, by polling: recovery step 1). Their interrupt is missed only if it
     * does not come within {@link #LATE_SIGNAL_NANOS} plus the controller's aggregation time; a
     * late one is counted as an interrupt. Only this path waits that long, and only once per
     * vain slice. Counted, logged once.
     */
    private void checkMissedInterrupt() {
        waitedInVain = false;
        if (vector.drain() > 0 || vector.await(LATE_SIGNAL_NANOS + pair.host().interruptAggregationNanos())) {
            count(false);
        } else if (!pair.closed) {
            count(true);
            if (LOGGED.compareAndSet(false, true)) {
                LOG.warn("queue {}: completions arrived without an interrupt (missed interrupt); recovered by"
                        + " polling. Further occurrences are only counted (QueueCounters.missedInterrupts)",
                        pair.queueId());
            }
        }
    }

    /** Counters are written inside the gate (the single-writer rule of {@link QueueStats}). */
    private void count(boolean missed) {
        OwnerGate gate = pair.gate();
        gate.enter();
        try {
            QueueStats stats = pair.commandQueue().stats();
            if (missed) {
                stats.countMissedInterrupt();
            } else {
                stats.countInterrupt();
            }
        } finally {
            gate.exit();
        }
    }
}
