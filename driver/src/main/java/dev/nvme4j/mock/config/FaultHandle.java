package dev.nvme4j.mock.config;

/** An installed fault: how often it fired, and a way to remove it. Thread-safe. */
public interface FaultHandle {
    /** How many times the fault has fired. */
    long hits();

    /** True while the fault can still fire (not removed, count not exhausted). */
    boolean isActive();

    /** Removes the fault; idempotent. */
    void remove();
}
