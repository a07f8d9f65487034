package dev.nvme4j.tool.cli;

/**
 * A failure the user can act on: bad input, a device that cannot be opened, a job that found
 * errors. {@link dev.nvme4j.tool.Main} prints its message as one line (no stack trace unless
 * {@code --debug}) and exits with {@link #exitCode()}.
 */
public class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for invalid input (the same as picocli's usage errors). */
    public static final int USAGE = 2;
    /** Exit code for failures at run time (device, I/O errors, verify mismatches). */
    public static final int FAILURE = 1;

    private final int exitCode;

    public ToolException(String message) {
        this(message, FAILURE, null);
    }

    public ToolException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    public ToolException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** Builds an invalid-input failure (exit code {@link #USAGE}). */
    public static ToolException usage(String message) {
        return new ToolException(message, USAGE);
    }

    /**
     * When {@code c} lost its device ({@link dev.nvme4j.api.ControllerState#REMOVED}: a hot-unplug
     * or unbind; or FAILED), a run-time failure that says so and why; otherwise null.
     */
    public static ToolException ifDeviceGone(dev.nvme4j.api.Controller c, String during, Throwable cause) {
        dev.nvme4j.api.ControllerState state = c.state();
        if (state != dev.nvme4j.api.ControllerState.REMOVED && state != dev.nvme4j.api.ControllerState.FAILED) {
            return null;
        }
        return new ToolException(c.address() + ": " + c.failureReason() + " (" + during + ")", FAILURE, cause);
    }

    public int exitCode() {
        return exitCode;
    }
}
