package dev.nvme4j.ctrl;

import dev.nvme4j.api.AsyncEvent;
import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.Opcodes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asynchronous events (Base 5.2): keeps Asynchronous Event Requests outstanding, queues the
 * events they bring and delivers them on the {@link EventThread} (reads each event's log page,
 * rescans the namespaces after Namespace Attribute Changed, calls the application's listener),
 * and tells the listener of namespace changes found otherwise. Thread-safe.
 */
final class AsyncEvents {
    private static final Logger LOG = LoggerFactory.getLogger(AsyncEvents.class);
    static final int EVENT_QUEUE_CAPACITY = 64;

    private final String address;
    private final AdminQueue admin;
    private final AdminOps ops;
    private final ControllerStats stats;
    private final NamespaceRescan namespaces;
    private final int asyncEventLimit;
    private final EventThread thread;
    private volatile AsyncEventListener listener;
    /**
     * Events received, waiting for the event thread. Bounded: when a slow listener lets
     * {@value #EVENT_QUEUE_CAPACITY} pile up, further events are dropped (counted in
     * {@code asyncEventsDropped}, logged once); their log pages are still read, which the
     * controller needs before it reports that kind of event again.
     */
    private final ArrayBlockingQueue<Integer> events = new ArrayBlockingQueue<>(EVENT_QUEUE_CAPACITY);
    /** Log pages of dropped events, to read without a listener call: bit i of word i / 64. */
    private final AtomicLongArray unreadLogPages = new AtomicLongArray(4);
    private final AtomicBoolean aerStopped = new AtomicBoolean();

    AsyncEvents(ControllerParts p) {
        this.address = p.address();
        this.admin = p.admin();
        this.ops = p.adminOps();
        this.stats = p.stats();
        this.namespaces = p.namespaces();
        this.asyncEventLimit = p.info().asyncEventLimit();
        this.thread = new EventThread(address, stats, this::deliverEvents);
    }

    void listener(AsyncEventListener l) {
        listener = l;
    }

    /**
     * Keeps up to AERL + 1 (at most 4) Asynchronous Event Requests outstanding, but never more
     * than half the admin slots: AERs occupy their slot until an event, and other admin
     * commands must always find one (an admin queue of depth 2 gets none).
     */
    void start() {
        aerStopped.set(false);
        int slots = admin.commandQueue().depth() - 1;
        int n = Math.min(Math.min(4, asyncEventLimit), slots / 2);
        for (int i = 0; i < n; i++) {
            submitAer();
        }
    }

    /**
     * Asynchronous Event Configuration (Base 5.27.1.9): report every SMART / health critical
     * warning (bits 7:0) and namespace attribute changes (bit 8). Not fatal if refused. Recorded,
     * so every reset sets it again.
     */
    void configure() {
        try {
            ops.setRecordedFeature(Opcodes.FEAT_ASYNC_EVENT_CONFIG,
                    LogPageLayout.AEC_SMART_CRITICAL_WARNINGS | LogPageLayout.AEC_NS_ATTRIBUTE_NOTICES);
        } catch (RuntimeException e) {
            LOG.info("{}: Asynchronous Event Configuration refused: {}", address, e.getMessage());
        }
    }

    /** No new Asynchronous Event Request is submitted after this (until {@link #start()}). */
    void stop() {
        aerStopped.set(true);
    }

    /** Stops the event thread (see {@link EventThread#stop()}). */
    void stopDelivery() {
        thread.stop();
    }

    private void submitAer() {
        admin.submit(AdminCommands.asyncEventRequest(), null, Long.MAX_VALUE / 4).thenAccept(this::onAer);
    }

    private void onAer(Completion c) {
        if (c.isSuccess()) {
            if (!events.offer(c.dw0())) {
                dropEvent(c.dw0());
            }
            // Counted once queued or dropped: a reader that sees the event counted sees its drop too.
            stats.asyncEvents.increment();
            thread.signal();
        }
        boolean aborted = NvmeStatus.of(c.status()) == NvmeStatus.COMMAND_ABORTED_BY_HOST;
        if (!aerStopped.get() && !aborted && (c.isSuccess() || !Status.dnr(c.status()))) {
            submitAer();
        }
    }

    private void dropEvent(int dw0) {
        int logPage = LogPageLayout.aerLogPage(dw0);
        unreadLogPages.getAndUpdate(logPage >>> 6, w -> w | 1L << (logPage & 63));
        stats.asyncEventsDropped.increment();
        if (stats.asyncEventsDropped.sum() == 1) {
            LOG.warn("{}: {} asynchronous events wait for the listener; dropping further events until it catches"
                    + " up (their log pages are still read; counted in asyncEventsDropped, logged once)",
                    address, EVENT_QUEUE_CAPACITY);
        }
    }

    /** Reads (and so clears, RAE = 0) the log pages of dropped events; on the event thread. */
    private void readDroppedLogPages() {
        for (int word = 0; word < unreadLogPages.length(); word++) {
            long bits = unreadLogPages.getAndSet(word, 0);
            while (bits != 0) {
                int logPage = word * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                readLogPage(logPage);
            }
        }
    }

    /**
     * Delivers queued events on the event thread: reads the log page the event names (which
     * also clears it, RAE = 0), rescans the namespaces after Namespace Attribute Changed, and
     * calls the listener.
     */
    private void deliverEvents() {
        Integer dw0;
        while (thread.running() && (dw0 = events.poll()) != null) {
            int logPageId = LogPageLayout.aerLogPage(dw0);
            AsyncEvent event = new AsyncEvent(LogPageLayout.aerType(dw0), LogPageLayout.aerInfo(dw0), logPageId,
                    readLogPage(logPageId));
            NamespaceChanges changes = event.type() == AsyncEvent.TYPE_NOTICE
                    && event.info() == AsyncEvent.NOTICE_NAMESPACE_ATTRIBUTE_CHANGED
                    ? namespaces.afterEvent(event.logPage()) : NamespaceChanges.NONE;
            AsyncEventListener l = listener;
            if (l != null) {
                try {
                    l.onEvent(event);
                } catch (RuntimeException e) {
                    LOG.warn("{}: async event listener threw", address, e);
                }
            }
            tell(changes);
        }
        readDroppedLogPages();
    }

    /** Tells the listener, if something changed, on the event thread. */
    void tell(NamespaceChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        thread.post(() -> {
            AsyncEventListener l = listener;
            if (l == null) {
                return;
            }
            try {
                l.onNamespacesChanged(changes);
            } catch (RuntimeException e) {
                LOG.warn("{}: async event listener threw on a namespace change", address, e);
            }
        });
    }

    private byte[] readLogPage(int logPage) {
        try {
            // The Changed Namespace List holds up to 1024 NSIDs; the other pages' headers fit in 512 bytes.
            return ops.getLogPage(logPage, AdminCommands.NSID_ALL, 0,
                    logPage == Opcodes.LOG_CHANGED_NAMESPACE_LIST ? 4096 : 512);
        } catch (RuntimeException e) {
            LOG.warn("{}: reading log page 0x{} for an async event failed: {}", address,
                    Integer.toHexString(logPage), e.getMessage());
            return new byte[0];
        }
    }
}
