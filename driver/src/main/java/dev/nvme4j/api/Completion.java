package dev.nvme4j.api;

/**
 * Result of a passthrough or admin command: the raw status and the command-specific
 * dwords 0 and 1 of the completion queue entry. Immutable and thread-safe.
 */
public record Completion(int status, int dw0, int dw1) {
    public boolean isSuccess() {
        return status == Status.SUCCESS;
    }
}
