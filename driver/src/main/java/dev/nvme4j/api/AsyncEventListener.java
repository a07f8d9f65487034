package dev.nvme4j.api;

/** Receives asynchronous events; called on the controller's admin thread, must not block. */
@FunctionalInterface
public interface AsyncEventListener {
    void onEvent(AsyncEvent event);
}
