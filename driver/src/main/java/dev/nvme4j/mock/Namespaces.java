package dev.nvme4j.mock;

import dev.nvme4j.mock.config.NamespaceConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * The mock's namespaces: NSID {@code i} at index {@code i - 1}, null when inactive. Attached,
 * detached and resized at run time (NVMe Base 8.11 Namespace Management and Attachment, as
 * far as a host sees it), always under the device lock (hence every lane lock), so the lane
 * path reads them without a lock of its own.
 */
final class Namespaces {
    private final int nn;
    private MockNamespace[] byIndex;
    private boolean laneStoresOnly;

    Namespaces(List<NamespaceConfig> initial, int nn) {
        this.nn = nn;
        byIndex = new MockNamespace[initial.size()];
        for (int i = 0; i < byIndex.length; i++) {
            byIndex[i] = new MockNamespace(i + 1, initial.get(i));
        }
        recompute();
    }

    /** The active namespace {@code nsid}, or null. */
    MockNamespace get(int nsid) {
        return nsid >= 1 && nsid <= byIndex.length ? byIndex[nsid - 1] : null;
    }

    /** Each active namespace, by ascending NSID. */
    void forEach(Consumer<MockNamespace> action) {
        for (MockNamespace ns : byIndex) {
            if (ns != null) {
                action.accept(ns);
            }
        }
    }

    /** The active namespaces, by ascending NSID (a copy). */
    List<MockNamespace> active() {
        List<MockNamespace> list = new ArrayList<>();
        forEach(list::add);
        return list;
    }

    /**
     * True when every active namespace may be used by several lanes at once: a null store, or a
     * RAM store without metadata (its stripes make each command atomic; see {@link RamStore}).
     */
    boolean laneStoresOnly() {
        return laneStoresOnly;
    }

    /**
     * Attaches a new namespace at the lowest inactive NSID up to NN that {@code allocated} does not
     * name (a namespace created by Namespace Management and not attached keeps its NSID); returns it.
     */
    int attach(NamespaceConfig cfg, java.util.function.IntPredicate allocated) {
        int nsid = 1;
        while (nsid <= byIndex.length && byIndex[nsid - 1] != null || allocated.test(nsid)) {
            nsid++;
        }
        if (Integer.compareUnsigned(nsid, nn) > 0) {
            throw new IllegalStateException("every NSID up to NN (" + nn + ") is attached; detach one first or "
                    + "configure a larger nn in MockConfig");
        }
        if (nsid > byIndex.length) {
            byIndex = Arrays.copyOf(byIndex, nsid);
        }
        byIndex[nsid - 1] = new MockNamespace(nsid, cfg);
        recompute();
        return nsid;
    }

    /** Makes {@code ns} active at its NSID (Namespace Attachment of an allocated namespace). */
    void put(MockNamespace ns) {
        if (ns.nsid > byIndex.length) {
            byIndex = Arrays.copyOf(byIndex, ns.nsid);
        }
        byIndex[ns.nsid - 1] = ns;
        recompute();
    }

    /** Makes namespace {@code nsid} inactive and returns it, data kept (Namespace Attachment detach). */
    MockNamespace take(int nsid) {
        MockNamespace ns = require(nsid);
        byIndex[nsid - 1] = null;
        recompute();
        return ns;
    }

    /** Detaches (and deletes) namespace {@code nsid}: its data is dropped. */
    void detach(int nsid) {
        MockNamespace ns = require(nsid);
        byIndex[nsid - 1] = null;
        ns.store.close();
        recompute();
    }

    /**
     * Format NVM of namespace {@code nsid} to {@code lbaf} (an index of its {@link MockNamespace#formats()}):
     * the same capacity in bytes, the new block and metadata size, every block erased. Returns 0 or a
     * status field.
     */
    int format(int nsid, int lbaf, boolean extended, int pi, boolean piFirst) {
        MockNamespace ns = get(nsid);
        int[][] formats = ns.formats();
        if (lbaf >= formats.length) {
            return dev.nvme4j.api.NvmeStatus.INVALID_FORMAT.code(true);
        }
        int lbaSize = 1 << formats[lbaf][0];
        int ms = formats[lbaf][1];
        if (pi != 0 && (ms < 8 || pi > 3)) {
            return dev.nvme4j.api.NvmeStatus.INVALID_FORMAT.code(true);
        }
        long bytes = ns.blocks << ns.lbaShift;
        NamespaceConfig old = ns.config;
        NamespaceConfig cfg = new NamespaceConfig(Math.max(1, bytes / lbaSize), lbaSize, old.store(), old.file(), ms,
                extended && ms > 0, pi, piFirst);
        ns.store.zero(0, bytes);
        byIndex[nsid - 1] = new MockNamespace(nsid, cfg, ns.store, formats);
        recompute();
        return 0;
    }

    /** Changes the size of namespace {@code nsid} to {@code blocks} logical blocks. */
    void resize(int nsid, long blocks) {
        if (blocks < 1) {
            throw new IllegalArgumentException("a namespace needs at least 1 block, got " + blocks);
        }
        require(nsid).resize(blocks);
    }

    private MockNamespace require(int nsid) {
        MockNamespace ns = get(nsid);
        if (ns == null) {
            StringBuilder active = new StringBuilder();
            forEach(n -> active.append(active.isEmpty() ? "" : ", ").append(n.nsid));
            throw new IllegalArgumentException("namespace " + nsid + " is not attached; attached: "
                    + (active.isEmpty() ? "none" : active));
        }
        return ns;
    }

    private void recompute() {
        boolean all = true;
        for (MockNamespace ns : byIndex) {
            all &= ns == null || ns.store instanceof NullStore || ns.store.laneSafe() && ns.metadataSize == 0;
        }
        laneStoresOnly = all;
    }
}
