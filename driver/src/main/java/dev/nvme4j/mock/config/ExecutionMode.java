package dev.nvme4j.mock.config;

/** How the mock controller does its work. */
public enum ExecutionMode {
    /**
     * The device works synchronously inside the host's doorbell write (or, with
     * {@link MockConfig.Builder#runOnDoorbell(boolean) runOnDoorbell(false)}, only when the test
     * calls {@link MockController#step()} or {@link MockController#runUntilIdle()}). No device
     * thread; results are reproducible run to run.
     */
    DETERMINISTIC,
    /**
     * A device thread notices doorbells, processes commands after the configured latency and
     * posts completions concurrently with the host, like hardware.
     */
    THREADED
}
