package dev.nvme4j.api;

/** How a queue pair learns about completions. Immutable and thread-safe. */
public enum CompletionMode {
    /** The owner thread polls the completion queue; no interrupts (lowest latency, one core). */
    POLL,
    /** The owner thread blocks on the queue's MSI-X vector (eventfd) when idle. */
    INTERRUPT,
    /**
     * Spin on the completion queue for a short time, then block on the MSI-X vector; by default
     * the spin is learnt from the pair's completion times ({@link ControllerOptions#hybridSpinAdaptive()}).
     */
    HYBRID
}
