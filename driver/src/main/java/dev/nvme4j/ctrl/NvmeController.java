package dev.nvme4j.ctrl;

import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FeatureRestoreFailure;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.queue.QueueHost;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sgl;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: bring-up, identity, namespaces, DMA buffers, I/O queue pairs, admin
 * commands, recovery and teardown. Implements the public {@link Controller} and, for its
 * queue pairs, {@link QueueHost}.
 *
 * <p>Its parts are built once, in {@link #NvmeController(ControllerParts)}, each given the
 * collaborators it needs as final fields; none of them reaches back into this class.
 *
 * <p>Thread-safe: every public method may be called from any thread; queue creation and
 * deletion are serialized by {@link QueuePairs}; the admin queue has its own lock.
 */
public final class NvmeController implements Controller, QueueHost {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeController.class);

    private final String address;
    private final ControllerInfo info;
    private final ControllerOptions options;
    private final Health health;
    private final ControllerStats stats;
    private final FeatureRecord features;
    private final AdminQueue admin;
    private final AdminOps adminOps;
    private final NamespaceRescan namespaces;
    private final RetryDelays retryDelays;
    private final int sgls;
    /** Reached over a fabric (NVMe/TCP): every transfer is an SGL, a failure is a lost path. */
    private final boolean fabrics;
    private final UserBuffers buffers;
    private final QueuePairs pairs;
    private final AsyncEvents asyncEvents;
    private final Watchdog watchdog;
    private final LifecycleRequests requests;
    private final DeviceEventWatch deviceEvents;
    private final Teardown teardown;
    private final Management management;

    /** Builds the controller's parts in dependency order, each given what it needs; starts nothing. */
    private NvmeController(ControllerParts p) {
        this.address = p.address();
        this.info = p.info();
        this.options = p.options();
        this.health = p.health();
        this.stats = p.stats();
        this.features = p.features();
        this.admin = p.admin();
        this.adminOps = p.adminOps();
        this.namespaces = p.namespaces();
        this.retryDelays = p.identity().retryDelays();
        this.sgls = p.identity().sgls();
        this.fabrics = p.pci().fabricsLink() != null;
        this.buffers = new UserBuffers(address, p.dma(), health);
        Recovery recovery = new Recovery(p, this::wakeWatchdog);
        this.pairs = new QueuePairs(p, new QueuePairBuilder(p, this, recovery));
        this.asyncEvents = new AsyncEvents(p);
        Failure failure = new Failure(p, asyncEvents, pairs, this::stopWatchdog);
        ControllerReset reset = new ControllerReset(p, recovery, asyncEvents, pairs, failure);
        WatchdogWork work = new WatchdogWork(address, health, this::wakeWatchdog);
        this.watchdog = new Watchdog(p, recovery, reset, pairs, failure, work);
        this.requests = new LifecycleRequests(p, work, reset, pairs, asyncEvents);
        this.deviceEvents = DeviceEventWatch.create(p, recovery, watchdog, failure);
        this.teardown = new Teardown(p, pairs, buffers, asyncEvents, watchdog, deviceEvents);
        this.management = new ManagementOps(p, pairs, this::rescanNamespaces);
    }

    /**
     * Brings up the controller behind {@code pci} (Base 3.5.1), identifies it and its active
     * namespaces, negotiates the number of I/O queues and starts the watchdog.
     *
     * @param ownsFunction close {@code pci} when the controller is closed
     * @throws NvmeException naming the step that failed and why
     */
    public static NvmeController open(PciFunction pci, ControllerOptions options, boolean ownsFunction) {
        NvmeController c = new NvmeController(Startup.run(pci, options, ownsFunction));
        try {
            c.start();
        } catch (RuntimeException e) {
            c.teardown.releaseAfterFailedOpen();
            throw e;
        }
        return c;
    }

    private void start() {
        health.ready();
        asyncEvents.configure();
        asyncEvents.start();
        watchdog.start();
        if (deviceEvents != null) {
            deviceEvents.start();
        }
        LOG.info("{}: NVMe {} controller ready: {} namespace(s), {} I/O queue pair(s), MDTS {} bytes",
                address, info.versionString(), namespaces.table().list().size(), info.ioQueuePairsGranted(),
                info.maxTransferBytes());
    }

    private void wakeWatchdog() {
        watchdog.wake();
    }

    private void stopWatchdog() {
        watchdog.stop();
    }

    // ---- Controller ----

    @Override
    public String address() {
        return address;
    }

    @Override
    public ControllerInfo info() {
        return info;
    }

    @Override
    public ControllerState state() {
        return health.state();
    }

    @Override
    public String failureReason() {
        return health.failureReason();
    }

    @Override
    public List<Namespace> namespaces() {
        return namespaces.table().list();
    }

    @Override
    public Namespace namespace(int nsid) {
        NamespaceTable table = namespaces.table();
        Namespace ns = table.get(nsid);
        if (ns == null) {
            throw new IllegalArgumentException("namespace " + nsid + " is not active on " + address
                    + "; active namespaces: " + table.describeActive());
        }
        return ns;
    }

    @Override
    public DmaBuffer allocateBuffer(long bytes) {
        return buffers.allocate(bytes);
    }

    @Override
    public IoQueuePair createQueuePair() {
        return createQueuePair(Math.min(options.ioQueueDepth(), info.maxQueueEntries()), options.completionMode());
    }

    @Override
    public IoQueuePair createQueuePair(int depth, CompletionMode mode) {
        Objects.requireNonNull(mode, "mode");
        return pairs.create(depth, mode);
    }

    @Override
    public CompletableFuture<Completion> adminPassthrough(RawCommand command, DmaBuffer buffer,
                                                          java.time.Duration timeout) {
        Objects.requireNonNull(command, "command");
        ManagementChecks.timeout("admin passthrough", timeout);
        health.checkAccepting();
        if (buffer != null) {
            checkBuffer(buffer);
            if (buffer.byteSize() > Identification.ADMIN_MAX_TRANSFER || (buffer.iova() & 3) != 0) {
                throw new IllegalArgumentException("admin passthrough buffer must be dword aligned and at most "
                        + Identification.ADMIN_MAX_TRANSFER + " bytes, got " + buffer);
            }
        }
        return admin.submit(command, buffer, (timeout != null ? timeout : options.adminTimeout()).toNanos());
    }

    @Override
    public byte[] getLogPage(int logPageId, int bytes) {
        return getLogPage(logPageId, AdminCommands.NSID_ALL, 0, bytes);
    }

    @Override
    public byte[] getLogPage(int logPageId, int nsid, long offset, int bytes) {
        return adminOps.getLogPage(logPageId, nsid, offset, bytes);
    }

    @Override
    public byte[] identifyController() {
        return adminOps.read(AdminCommands.identify(Opcodes.CNS_CONTROLLER, 0), IdentifyLayout.SIZE);
    }

    @Override
    public byte[] identifyNamespace(int nsid) {
        if (nsid == 0 || nsid == AdminCommands.NSID_ALL) {
            throw new IllegalArgumentException("Identify Namespace needs an NSID of an existing namespace, got 0x"
                    + Integer.toHexString(nsid));
        }
        return adminOps.read(AdminCommands.identify(Opcodes.CNS_NAMESPACE, nsid), IdentifyLayout.SIZE);
    }

    @Override
    public int getFeature(int featureId, int cdw11) {
        health.checkAccepting();
        return adminOps.sync(AdminCommands.getFeatures(featureId, cdw11), null).dw0();
    }

    @Override
    public Management management() {
        return management;
    }

    @Override
    public int setFeature(int featureId, int cdw11) {
        health.checkAccepting();
        return adminOps.setRecordedFeature(featureId, cdw11);
    }

    @Override
    public void reset() {
        requests.reset(watchdog.isWatchdogThread());
    }

    @Override
    public NamespaceChanges rescanNamespaces() {
        return requests.rescanNamespaces(watchdog.isWatchdogThread());
    }

    @Override
    public List<FeatureRestoreFailure> featureRestoreFailures() {
        return features.lastFailures();
    }

    @Override
    public void setInterruptCoalescing(int aggregationTime100us, int aggregationThreshold) {
        if (aggregationTime100us < 0 || aggregationTime100us > 255 || aggregationThreshold < 1
                || aggregationThreshold > 256) {
            throw new IllegalArgumentException("aggregation time must be 0..255 (100 us units) and threshold 1..256,"
                    + " got " + aggregationTime100us + " and " + aggregationThreshold);
        }
        health.checkAccepting();
        RawCommand c = AdminCommands.interruptCoalescing(aggregationTime100us, aggregationThreshold - 1);
        adminOps.setRecordedFeature(c.cdw10(), c.cdw11());
    }

    @Override
    public void setAsyncEventListener(AsyncEventListener listener) {
        asyncEvents.listener(listener);
    }

    @Override
    public ControllerCounters counters() {
        return new ControllerCounters(pairs.counters(), admin.submittedCount(), admin.completedCount(),
                stats.adminTimeouts.sum(), stats.resets.sum(), stats.failures.sum(), stats.asyncEvents.sum(),
                stats.featuresRestored.sum(), stats.featureRestoreFailures.sum(), stats.namespaceChanges.sum(),
                stats.removals.sum(), stats.errorInterrupts.sum(), stats.asyncEventsDropped.sum());
    }

    @Override
    public void close() {
        pairs.checkNotInside();
        teardown.close();
    }

    /** The controller's handle on its open I/O queue pair {@code qid}, or null. */
    QueuePairControl pairControl(int qid) {
        return pairs.get(qid);
    }

    // ---- QueueHost ----

    @Override
    public long interruptAggregationNanos() {
        int value = features.value(Opcodes.FEAT_INTERRUPT_COALESCING, 0);
        return AdminFields.coalescingTimeNanos(AdminFields.coalescingTime(value));
    }

    @Override
    public void checkBuffer(DmaBuffer buffer) {
        buffers.check(buffer);
    }

    @Override
    public void checkNamespace(Namespace ns) {
        NamespaceTable table = namespaces.table();
        if (!table.accepts(ns)) {
            throw new IllegalArgumentException("namespace " + ns.nsid() + " is not active on " + address
                    + " (or is not this controller's, or its LBA format changed); active namespaces: "
                    + table.describeActive());
        }
    }

    @Override
    public void checkAccepting() {
        health.checkOpen();
    }

    @Override
    public boolean isFailed() {
        return health.isFailed();
    }

    @Override
    public int failureStatus() {
        // A fabrics controller that failed lost its path (reconnecting did not bring it back).
        return health.isRemoved() || fabrics ? QueuePairControl.DEVICE_REMOVED
                : QueuePairControl.HOST_ABORT;
    }

    @Override
    public long commandRetryDelayNanos(int crd) {
        return retryDelays.nanos(crd);
    }

    @Override
    public int oncs() {
        return info.oncs();
    }

    @Override
    public long sglThreshold() {
        if (fabrics) {
            return 1; // fabrics: every transfer is described by an SGL (NVMe over Fabrics 1.1, 2.3.1)
        }
        return Sgl.supported(sgls) ? options.sglThreshold() : Long.MAX_VALUE;
    }

    @Override
    public long maxTransferBytes() {
        return info.maxTransferBytes();
    }

    @Override
    public int pageSize() {
        return info.pageSize();
    }

    @Override
    public long ioTimeoutNanos() {
        return options.ioTimeout().toNanos();
    }

    @Override
    public boolean deleteSubmissionQueue(int qid) {
        return teardown.deleteQueue(AdminCommands.deleteIoSq(qid));
    }

    @Override
    public boolean deleteCompletionQueue(int qid) {
        return teardown.deleteQueue(AdminCommands.deleteIoCq(qid));
    }

    @Override
    public void forget(QueuePairControl pair) {
        pairs.forget(pair);
    }
}
