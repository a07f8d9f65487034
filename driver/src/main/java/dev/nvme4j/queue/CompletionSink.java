package dev.nvme4j.queue;

/**
 * Receives the completions a {@link CommandQueue} reaped, after the CQ head doorbell was rung.
 * The sink releases the tracker (through {@link CommandQueue#release}) and then tells whoever
 * issued the command.
 */
public interface CompletionSink {
    void onCompletion(Tracker tracker, int status, int dw0, int dw1);
}
