package dev.nvme4j.api;

/**
 * Receives asynchronous events. Called on the controller's watchdog thread, one event at a time;
 * must not block for long (the watchdog also runs recovery) and must not throw.
 */
@FunctionalInterface
public interface AsyncEventListener {
    void onEvent(AsyncEvent event);
}
