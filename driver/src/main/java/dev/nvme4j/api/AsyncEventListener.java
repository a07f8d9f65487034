package dev.nvme4j.api;

/**
 * Receives asynchronous events. Called on the controller's own event thread
 * ({@code nvme4j-events-<address>}), one event at a time, in order. A slow listener delays only
 * later events, never failure detection, recovery or close: up to 64 events wait for it, further
 * ones are dropped (counted in {@link ControllerCounters#asyncEventsDropped()}; their log pages
 * are still read, so the controller goes on reporting events). After close no listener call
 * starts. It should not throw (what it throws is logged).
 */
@FunctionalInterface
public interface AsyncEventListener {
    void onEvent(AsyncEvent event);

    /**
     * The controller's namespaces changed: after a Namespace Attribute Changed event (delivered
     * to {@link #onEvent} first) the driver identified the namespaces again, or
     * {@link Controller#rescanNamespaces()} found a change. {@link Controller#namespaces()}
     * already shows the new state. Called on the event thread, as {@link #onEvent}, only when
     * something changed.
     */
    default void onNamespacesChanged(NamespaceChanges changes) {
    }
}
