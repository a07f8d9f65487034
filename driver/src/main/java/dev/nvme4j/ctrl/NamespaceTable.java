package dev.nvme4j.ctrl;

import dev.nvme4j.api.Namespace;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The active namespaces of a controller, looked up by NSID without allocation (an array
 * indexed by NSID), and the NSIDs that were active once and went away (a rescan replaces the
 * table). Immutable; thread-safe.
 */
final class NamespaceTable {
    private final Namespace[] byNsid;
    private final List<Namespace> list;
    /** NSIDs active in an earlier table and not in this one, ascending. */
    private final int[] gone;

    NamespaceTable(List<Namespace> active) {
        this(active, new int[0]);
    }

    private NamespaceTable(List<Namespace> active, int[] gone) {
        int max = active.stream().mapToInt(Namespace::nsid).max().orElse(0);
        byNsid = new Namespace[max + 1];
        for (Namespace ns : active) {
            byNsid[ns.nsid()] = ns;
        }
        list = Collections.unmodifiableList(new ArrayList<>(active));
        this.gone = gone;
    }

    /** The table after a rescan found {@code active}: NSIDs of this table missing there are remembered as gone. */
    NamespaceTable next(List<Namespace> active) {
        int[] nextGone = java.util.stream.IntStream.concat(Arrays.stream(gone), list.stream().mapToInt(Namespace::nsid))
                .filter(nsid -> active.stream().noneMatch(n -> n.nsid() == nsid)).distinct().sorted().toArray();
        return new NamespaceTable(active, nextGone);
    }

    List<Namespace> list() {
        return list;
    }

    Namespace get(int nsid) {
        return nsid > 0 && nsid < byNsid.length ? byNsid[nsid] : null;
    }

    /**
     * True when the controller should get I/O for {@code ns}: its NSID is active with the same
     * LBA format (its size may have changed since {@code ns} was identified: the device checks
     * the range), or it was active once and went away (the device then answers Invalid
     * Namespace or Format, a status the caller sees in the completion).
     */
    boolean accepts(Namespace ns) {
        Namespace known = get(ns.nsid());
        if (known != null) {
            return known == ns || sameFormat(known, ns);
        }
        return Arrays.binarySearch(gone, ns.nsid()) >= 0;
    }

    static boolean sameFormat(Namespace a, Namespace b) {
        return a.lbaSize() == b.lbaSize() && a.metadataSize() == b.metadataSize() && a.lbaFormat() == b.lbaFormat()
                && a.extendedLba() == b.extendedLba() && a.protectionType() == b.protectionType()
                && a.protectionFirst() == b.protectionFirst();
    }

    String describeActive() {
        return list.isEmpty() ? "none" : list.stream().map(n -> Integer.toString(n.nsid()))
                .collect(Collectors.joining(", "));
    }
}
