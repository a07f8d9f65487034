package dev.nvme4j.api;

import java.util.List;

/**
 * What a namespace rescan found ({@link Controller#rescanNamespaces()}, or the rescan after a
 * Namespace Attribute Changed event, see {@link AsyncEventListener#onNamespacesChanged}).
 * Immutable and thread-safe.
 *
 * @param added   namespaces that became active, as identified now
 * @param removed namespaces that are no longer active, as last identified; I/O to them
 *                completes with Invalid Namespace or Format ({@link NvmeStatus#INVALID_NAMESPACE_OR_FORMAT})
 * @param changed namespaces still active whose size, capacity or format changed, as identified
 *                now ({@link Controller#namespace(int)} returns these; a record of the old size
 *                still works for I/O within the new size)
 */
public record NamespaceChanges(List<Namespace> added, List<Namespace> removed, List<Namespace> changed) {
    /** No change. */
    public static final NamespaceChanges NONE = new NamespaceChanges(List.of(), List.of(), List.of());

    public NamespaceChanges {
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
    }

    /** True when nothing was added, removed or changed. */
    public boolean isEmpty() {
        return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }
}
