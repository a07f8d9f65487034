package dev.nvme4j.ctrl;

import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Identifies the namespaces again and replaces the controller's {@link NamespaceTable}: in full
 * ({@link dev.nvme4j.api.Controller#rescanNamespaces()}), or after a Namespace Attribute Changed
 * event only the NSIDs its Changed Namespace List log page names (Base 5.16.1.5; a full rescan
 * when the list overflowed or could not be read), and in full after every controller reset.
 * Each change is logged, counted and recorded as a JFR event; the caller tells the async event
 * listener ({@link AsyncEvents#tell}). Full rescans run on the watchdog thread, rescans after an
 * event on the event thread; a lock keeps them from overlapping. Owns the table: the I/O path
 * reads it through {@link #table()}.
 */
final class NamespaceRescan {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceRescan.class);

    private final String address;
    private final Identification identification;
    private final ControllerStats stats;
    private final int namespaceCount;
    private final Object lock = new Object();
    /** Replaced by rescans (watchdog or event thread); read on the I/O path. */
    private volatile NamespaceTable table;

    NamespaceRescan(String address, Identification identification, ControllerStats stats, int namespaceCount,
                    NamespaceTable initial) {
        this.address = address;
        this.identification = identification;
        this.stats = stats;
        this.namespaceCount = namespaceCount;
        this.table = initial;
    }

    /** The active namespaces as last identified. */
    NamespaceTable table() {
        return table;
    }

    /** Identifies every active namespace again and returns what changed. */
    NamespaceChanges rescanAll() {
        synchronized (lock) {
            return apply(identification.activeNamespaces(namespaceCount));
        }
    }

    /**
     * After a Namespace Attribute Changed event whose log page (the Changed Namespace List, read
     * and so cleared by the event delivery) is {@code changedList}. Never throws: a rescan that
     * fails is logged and the table stays as it was.
     */
    NamespaceChanges afterEvent(byte[] changedList) {
        return safely("after a Namespace Attribute Changed event", () -> {
            int[] nsids = listed(changedList);
            if (nsids == null) {
                return apply(identification.activeNamespaces(namespaceCount));
            }
            Map<Integer, Namespace> now = new TreeMap<>();
            for (Namespace ns : table.list()) {
                now.put(ns.nsid(), ns);
            }
            identification.identifyEach(nsids).forEach((nsid, ns) -> {
                if (ns == null) {
                    now.remove(nsid);
                } else {
                    now.put(nsid, ns);
                }
            });
            return apply(new ArrayList<>(now.values()));
        });
    }

    /**
     * After a controller reset: a Namespace Attribute Changed event may have been lost with the
     * Asynchronous Event Requests the reset aborted, so every namespace is identified again and
     * what changed returned. Never throws.
     */
    NamespaceChanges afterReset() {
        return safely("after the controller reset", () -> apply(identification.activeNamespaces(namespaceCount)));
    }

    /** Runs {@code rescan} under the lock; a failure is logged and changes nothing. */
    private NamespaceChanges safely(String when, Supplier<NamespaceChanges> rescan) {
        try {
            synchronized (lock) {
                return rescan.get();
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: identifying the namespaces {} failed: {}", address, when, e.getMessage());
            return NamespaceChanges.NONE;
        }
    }

    /** The NSIDs of a Changed Namespace List page, or null when a full rescan is needed (overflow, empty, unread). */
    static int[] listed(byte[] page) {
        MemorySegment s = MemorySegment.ofArray(page);
        int n = 0;
        while (n < Math.min(LogPageLayout.CHANGED_NS_LIST_ENTRIES, page.length / 4) && IdentifyParser.u32(s, n * 4) != 0) {
            n++;
        }
        if (n == 0 || IdentifyParser.u32(s, 0) == LogPageLayout.CHANGED_NS_LIST_OVERFLOW) {
            return null;
        }
        int[] nsids = new int[n];
        for (int i = 0; i < n; i++) {
            nsids[i] = IdentifyParser.u32(s, i * 4);
        }
        return nsids;
    }

    /** Compares {@code now} with the current table, installs the next table and reports each change. */
    private NamespaceChanges apply(List<Namespace> now) {
        NamespaceTable old = table;
        List<Namespace> added = new ArrayList<>();
        List<Namespace> changed = new ArrayList<>();
        List<Namespace> removed = new ArrayList<>();
        List<Namespace> next = new ArrayList<>();
        for (Namespace ns : now) {
            Namespace before = old.get(ns.nsid());
            if (before == null) {
                added.add(ns);
            } else if (differs(before, ns)) {
                changed.add(ns);
            } else {
                ns = before; // nothing to report: the application's record stays the current one
            }
            next.add(ns);
        }
        for (Namespace ns : old.list()) {
            if (now.stream().noneMatch(n -> n.nsid() == ns.nsid())) {
                removed.add(ns);
            }
        }
        table = old.next(next);
        report(added, "added");
        report(removed, "removed");
        report(changed, "changed");
        return new NamespaceChanges(added, removed, changed);
    }

    /** A change worth reporting: anything but NUSE, which moves with every write on a thin namespace. */
    private static boolean differs(Namespace a, Namespace b) {
        return a.sizeBlocks() != b.sizeBlocks() || a.capacityBlocks() != b.capacityBlocks()
                || !NamespaceTable.sameFormat(a, b) || a.thinProvisioned() != b.thinProvisioned()
                || a.deallocatedReadsZero() != b.deallocatedReadsZero();
    }

    private void report(List<Namespace> list, String change) {
        for (Namespace ns : list) {
            stats.namespaceChanges.increment();
            LOG.info("{}: namespace {} {}: {} blocks of {} bytes", address, ns.nsid(), change, ns.sizeBlocks(),
                    ns.lbaSize());
            Events.namespaceChange(address, ns.nsid(), change, ns.sizeBlocks());
        }
    }
}
