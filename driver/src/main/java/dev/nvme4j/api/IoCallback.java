package dev.nvme4j.api;

/**
 * Completion of one I/O submitted on an {@link IoQueuePair}: receives the caller's tag and the
 * raw status ({@link Status}, 0 = success), so completing allocates nothing. Called on the
 * thread that polls the queue pair, after the completion queue head doorbell was rung and the
 * command's slot released: a callback may submit new commands on the same queue pair.
 * A callback must not throw. If one does, the other completions of the same poll are still
 * delivered, each exactly once, and the failure is counted in
 * {@link QueueCounters#callbackFailures()}: a {@link RuntimeException} is logged (the first
 * one of the pair) and otherwise ignored; an {@link Error} (such as a test's
 * {@code AssertionError}) is rethrown by the {@code poll}, {@code process} or {@code close}
 * call that ran the callback, after all of its other completions were delivered (only the
 * first Error of that call is rethrown). The command whose callback threw is complete either way.
 */
@FunctionalInterface
public interface IoCallback {
    void onComplete(long tag, int status);
}
