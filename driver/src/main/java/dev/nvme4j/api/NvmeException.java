package dev.nvme4j.api;

/**
 * A command failed, or the controller cannot do what was asked. The message names the command,
 * the status in the specification's words and what it means for the caller.
 * {@link #status()} is the raw status field when a completion (real or synthesised by the host)
 * exists, or -1 when the failure happened before anything reached the device. Immutable and
 * thread-safe.
 */
public class NvmeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public NvmeException(String message) {
        this(message, -1, null);
    }

    public NvmeException(String message, Throwable cause) {
        this(message, -1, cause);
    }

    public NvmeException(String message, int status) {
        this(message, status, null);
    }

    public NvmeException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Builds the exception for a failed completion of the named command. */
    public static NvmeException forStatus(String command, int status) {
        return new NvmeException(command + " failed: " + Status.describe(status) + ": " + Status.meaning(status),
                status);
    }

    /** Raw status field, or -1 when the command never reached the device. */
    public int status() {
        return status;
    }

    /** Named status, or {@link NvmeStatus#UNKNOWN} when there is none. */
    public NvmeStatus nvmeStatus() {
        return status < 0 ? NvmeStatus.UNKNOWN : NvmeStatus.of(status);
    }
}
