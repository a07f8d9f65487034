package dev.nvme4j.queue;

import dev.nvme4j.api.QueueCounters;

/**
 * Live counters of one queue. Written only by the thread that currently owns the queue (plain
 * stores: no cost on the hot path); read by any thread for a snapshot, which may therefore be
 * a few operations stale but never torn on a 64-bit JVM.
 */
public final class QueueStats {
    long submitted;
    long completed;
    long errors;
    long timeouts;
    long missedInterrupts;
    long lostDoorbells;
    long aborts;
    long resubmitted;
    long doorbellsRung;
    long interrupts;
    long queueFull;
    long callbackFailures;
    long staleCompletions;
    long sglCommands;
    long retried;

    public QueueCounters snapshot() {
        return new QueueCounters(submitted, completed, errors, timeouts, missedInterrupts, lostDoorbells, aborts,
                resubmitted, doorbellsRung, interrupts, queueFull, callbackFailures,
                staleCompletions, sglCommands, retried);
    }

    public void countTimeout() {
        timeouts++;
    }

    public void countMissedInterrupt() {
        missedInterrupts++;
    }

    public void countLostDoorbell() {
        lostDoorbells++;
    }

    public void countAbort() {
        aborts++;
    }
}
