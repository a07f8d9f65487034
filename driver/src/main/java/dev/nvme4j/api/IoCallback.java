package dev.nvme4j.api;

/**
 * Completion of one I/O submitted on an {@link IoQueuePair}: receives the caller's tag and the
 * raw status ({@link Status}, 0 = success), so completing allocates nothing. Called on the
 * thread that polls the queue pair, after the completion queue head doorbell was rung and the
 * command's slot released: a callback may submit new commands on the same queue pair.
 * A callback must not throw; if it does, the exception is logged once and counted.
 */
@FunctionalInterface
public interface IoCallback {
    void onComplete(long tag, int status);
}
