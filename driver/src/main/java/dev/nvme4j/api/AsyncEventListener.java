package dev.nvme4j.api;

/**
 * Receives asynchronous events. Called on the controller's watchdog thread, one event at a time;
 * must not block for long (the watchdog also runs recovery) and must not throw.
 */
@FunctionalInterface
public interface AsyncEventListener {
    void onEvent(AsyncEvent event);

    /**
     * The controller's namespaces changed: after a Namespace Attribute Changed event (delivered
     * to {@link #onEvent} first) the driver identified the namespaces again, or
     * {@link Controller#rescanNamespaces()} found a change. {@link Controller#namespaces()}
     * already shows the new state. Called on the watchdog thread, only when something changed.
     */
    default void onNamespacesChanged(NamespaceChanges changes) {
    }
}
