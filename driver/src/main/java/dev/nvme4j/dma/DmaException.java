package dev.nvme4j.dma;

/** DMA memory could not be allocated or mapped; the message says why and what to do. */
public class DmaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DmaException(String message) {
        super(message);
    }

    public DmaException(String message, Throwable cause) {
        super(message, cause);
    }
}
