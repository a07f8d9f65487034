package dev.nvme4j.block;

/**
 * The {@link BlockDevice} was closed before or while an I/O waited; the I/O may or may not have
 * reached the media (a write that failed this way must be treated as not done).
 */
public class BlockDeviceClosedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public BlockDeviceClosedException(String message) {
        super(message);
    }
}
