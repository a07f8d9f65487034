package dev.nvme4j.ctrl;

import dev.nvme4j.api.Namespace;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The active namespaces of a controller, looked up by NSID without allocation (an array
 * indexed by NSID). Immutable once built; thread-safe.
 */
final class NamespaceTable {
    private final Namespace[] byNsid;
    private final List<Namespace> list;

    NamespaceTable(List<Namespace> active) {
        int max = active.stream().mapToInt(Namespace::nsid).max().orElse(0);
        byNsid = new Namespace[max + 1];
        for (Namespace ns : active) {
            byNsid[ns.nsid()] = ns;
        }
        list = Collections.unmodifiableList(new ArrayList<>(active));
    }

    List<Namespace> list() {
        return list;
    }

    Namespace get(int nsid) {
        return nsid > 0 && nsid < byNsid.length ? byNsid[nsid] : null;
    }

    /** True when {@code ns} is the active namespace of its NSID, as this controller identified it. */
    boolean isActive(Namespace ns) {
        Namespace known = get(ns.nsid());
        return known == ns || (known != null && known.equals(ns));
    }

    String describeActive() {
        return list.isEmpty() ? "none" : list.stream().map(n -> Integer.toString(n.nsid()))
                .collect(Collectors.joining(", "));
    }
}
