package dev.nvme4j.ctrl;

import java.util.ArrayDeque;

/** When the recent controller resets happened, to stop a reset loop. Thread-safe. */
final class ResetHistory {
    private final ArrayDeque<Long> times = new ArrayDeque<>();

    /** Records a reset at {@code now}; true when more than {@code max} fall within the window. */
    synchronized boolean tooMany(long now, int max, long windowNanos) {
        times.addLast(now);
        while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
            times.pollFirst();
        }
        return times.size() > max;
    }
}
