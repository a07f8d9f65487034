package dev.nvme4j.ctrl;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.queue.QueuePairControl;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The controller's open I/O queue pairs by queue id. Creation, close and forgetting are
 * serialized by one lock, so a pair being created while the controller closes is either finished
 * and claimed by the close, or sees the controller closed. Thread-safe; readers iterate a copy.
 */
final class QueuePairs {
    private final String address;
    private final ControllerInfo info;
    private final Health health;
    private final ControllerStats stats;
    private final InterruptVector[] vectors;
    private final QueuePairBuilder builder;
    private final Object lock = new Object();
    private final Map<Integer, QueuePairControl> pairs = new ConcurrentHashMap<>();
    private final BitSet usedQids = new BitSet();
    /** The destructive operation running with no pair open (creation is refused meanwhile), or null. Under lock. */
    private String exclusive;

    QueuePairs(ControllerParts p, QueuePairBuilder builder) {
        this.address = p.address();
        this.info = p.info();
        this.health = p.health();
        this.stats = p.stats();
        this.vectors = p.vectors();
        this.builder = builder;
    }

    IoQueuePair create(int depth, CompletionMode mode) {
        if (depth < 2 || depth > info.maxQueueEntries()) {
            throw new IllegalArgumentException("queue depth must be between 2 and " + info.maxQueueEntries()
                    + " (CAP.MQES + 1), got " + depth);
        }
        synchronized (lock) {
            health.checkAccepting();
            if (exclusive != null) {
                throw new IllegalStateException("no I/O queue pair can be created while " + exclusive + " runs (it"
                        + " refuses to start while one is open, as any pair can address the namespace); retry once it"
                        + " returned");
            }
            int qid = usedQids.nextClearBit(1);
            if (qid > info.ioQueuePairsGranted()) {
                throw new IllegalStateException("all " + info.ioQueuePairsGranted() + " I/O queue pairs the controller"
                        + " granted are in use; close one first");
            }
            QueuePairControl pair;
            try {
                pair = builder.create(qid, depth, mode, mode == CompletionMode.POLL ? null : vectorFor(qid));
            } catch (DmaException e) {
                throw new NvmeException("cannot allocate the DMA memory of an I/O queue pair of depth " + depth
                        + " on " + address + ": " + e.getMessage(), e);
            }
            usedQids.set(qid);
            pairs.put(qid, pair);
            return pair.pair();
        }
    }

    /**
     * Runs {@code op} (a destructive operation called {@code what}) only if no queue pair is open,
     * and refuses to create one until it returns: the check and the operation are one step against
     * a pair being created at the same moment. Throws IllegalStateException naming the open pairs
     * (nothing of {@code op} runs then).
     */
    <T> T withNoPairOpen(String what, Supplier<T> op) {
        synchronized (lock) {
            List<Integer> open = new ArrayList<>();
            for (QueuePairControl p : pairs.values()) {
                if (!p.isClosed()) {
                    open.add(p.queueId());
                }
            }
            if (!open.isEmpty()) {
                open.sort(null);
                throw new IllegalStateException(what + " refused: " + open.size() + " I/O queue pair"
                        + (open.size() == 1 ? " is" : "s are") + " open (qid " + open + "), and each can address the"
                        + " namespace; close them (and what uses them, such as a BlockDevice) first; nothing was sent"
                        + " to the device");
            }
            if (exclusive != null) {
                throw new IllegalStateException(what + " refused: " + exclusive + " runs; nothing was sent to the"
                        + " device");
            }
            exclusive = what;
        }
        try {
            return op.get();
        } finally {
            synchronized (lock) {
                exclusive = null;
            }
        }
    }

    /** The interrupt vector of I/O queue {@code qid}: its own when there are enough, else shared. */
    private InterruptVector vectorFor(int qid) {
        if (vectors.length == 0) {
            return null;
        }
        if (vectors.length == 1) {
            return vectors[0];
        }
        return vectors[1 + (qid - 1) % (vectors.length - 1)];
    }

    /** A snapshot of the open pairs. */
    List<QueuePairControl> list() {
        return List.copyOf(pairs.values());
    }

    /** The open pair of queue id {@code qid}, or null. */
    QueuePairControl get(int qid) {
        return pairs.get(qid);
    }

    int size() {
        return pairs.size();
    }

    /** The counters of every pair, open and closed. */
    QueueCounters counters() {
        QueueCounters io = stats.closedQueues();
        for (QueuePairControl p : pairs.values()) {
            io = io.plus(p.counters());
        }
        return io;
    }

    /** Refuses a controller close from inside one of its pairs' callbacks or submits. */
    void checkNotInside() {
        for (QueuePairControl p : pairs.values()) {
            if (p.gate().heldByCurrentThread()) {
                throw new IllegalStateException(address + " cannot be closed from inside a callback or submit of"
                        + " its queue pair " + p.queueId() + "; close it after poll returns");
            }
        }
    }

    /** Asks every pair's owner to complete all its commands with {@code status} (the controller failed). */
    void requestFailAll(int status) {
        for (QueuePairControl p : pairs.values()) {
            p.requestFailAll(status);
        }
    }

    /**
     * Claims every open queue pair for the controller's close. Under the lock, so a pair being
     * created right now is either finished and claimed, or sees the controller closed.
     */
    List<QueuePairControl> claimForClose() {
        synchronized (lock) {
            List<QueuePairControl> claimed = new ArrayList<>();
            for (QueuePairControl p : pairs.values()) {
                if (p.beginClose()) {
                    claimed.add(p);
                }
            }
            return claimed;
        }
    }

    /** A pair is gone (closed by its owner, by the controller, or lost in a reset): frees its queue id. */
    void forget(QueuePairControl pair) {
        synchronized (lock) {
            if (pairs.remove(pair.queueId(), pair)) {
                usedQids.clear(pair.queueId());
                stats.addClosed(pair.counters());
            }
        }
    }
}
