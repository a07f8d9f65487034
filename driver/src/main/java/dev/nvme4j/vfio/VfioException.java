package dev.nvme4j.vfio;

/**
 * A PCI function could not be opened or driven through VFIO. The message says what is wrong
 * and, where there is one, the command that fixes it.
 */
public class VfioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VfioException(String message) {
        super(message);
    }

    public VfioException(String message, Throwable cause) {
        super(message, cause);
    }
}
