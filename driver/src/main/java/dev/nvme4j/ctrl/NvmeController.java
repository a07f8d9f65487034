package dev.nvme4j.ctrl;

import dev.nvme4j.queue.RegionBuffer;
import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FeatureRestoreFailure;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.device.PciFunction;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.queue.QueuePairControl;
import dev.nvme4j.queue.ShadowDoorbells;
import dev.nvme4j.queue.QueueHost;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Sgl;
import java.lang.foreign.Arena;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller: bring-up, identity, namespaces, DMA buffers, I/O queue pairs, admin
 * commands, recovery and teardown. Implements the public {@link Controller} and, for its
 * queue pairs, {@link QueueHost}.
 *
 * <p>Thread-safe: every public method may be called from any thread; queue creation and
 * deletion are serialized by {@link #queueLock}; the admin queue has its own lock.
 */
public final class NvmeController implements Controller, QueueHost {
    private static final Logger LOG = LoggerFactory.getLogger(NvmeController.class);

    final PciFunction pci;
    final RegisterSpace regs;
    final DmaAllocator dma;
    final ControllerOptions options;
    final BringUp bringUp;
    final long adminTimeoutNanos;
    private final boolean ownsFunction;
    private final Object queueLock = new Object();
    private final Set<DmaRegion> userRegions = ConcurrentHashMap.newKeySet();
    final Map<Integer, QueuePairControl> pairs = new ConcurrentHashMap<>();
    private final BitSet usedQids = new BitSet();
    final Health health = new Health();
    final ControllerStats stats = new ControllerStats();
    final ResetHistory resetHistory = new ResetHistory();
    final FeatureRecord features;
    final LifecycleRequests requests = new LifecycleRequests(this);
    final NamespaceRescan namespaceRescan = new NamespaceRescan(this);

    /** RTD3E from Identify Controller, microseconds (0: not reported). */
    volatile long rtd3eMicros;
    /** SGLS from Identify Controller (SGL support of the NVM command set). */
    volatile int sgls;
    /** CRDT1..3 of Identify Controller, in nanoseconds (written once at bring-up). */
    final long[] crdtNanos = new long[3];
    AdminQueue admin;
    QueueFactory.Built adminMemory;
    QueueFactory queues;
    /** The shadow doorbell and EventIdx pages, or null: MMIO doorbells only. */
    volatile ShadowDoorbells shadowDoorbells;
    private ControllerInfo info;
    /** Replaced by namespace rescans (on the watchdog thread); read on the I/O path. */
    private volatile NamespaceTable namespaces;
    InterruptVector[] vectors = new InterruptVector[0];
    private volatile AsyncEventListener listener;
    Recovery recovery;
    private Watchdog watchdog;
    /** Delivers asynchronous events to the listener, off the watchdog. */
    final EventThread events = new EventThread(this);
    private volatile DeviceEventWatch deviceEventWatch;
    private final Teardown teardown = new Teardown(this);

    private NvmeController(PciFunction pci, ControllerOptions options, boolean ownsFunction) {
        this.pci = Objects.requireNonNull(pci, "pci");
        this.options = Objects.requireNonNull(options, "options");
        this.ownsFunction = ownsFunction;
        this.regs = pci.registers();
        this.bringUp = new BringUp(regs, pci.address());
        this.dma = new PageAlignedDma(pci.dma(), 4096L << NvmeRegs.capMpsmin(bringUp.cap()));
        this.adminTimeoutNanos = options.adminTimeout().toNanos();
        this.features = new FeatureRecord(pci.address(), stats);
    }

    /**
     * Brings up the controller behind {@code pci} (Base 3.5.1), identifies it and its active
     * namespaces, negotiates the number of I/O queues and starts the watchdog.
     *
     * @param ownsFunction close {@code pci} when the controller is closed
     * @throws NvmeException naming the step that failed and why
     */
    public static NvmeController open(PciFunction pci, ControllerOptions options, boolean ownsFunction) {
        NvmeController c = new NvmeController(pci, options, ownsFunction);
        try {
            c.initialize();
        } catch (RuntimeException e) {
            c.teardown.releaseAfterFailedOpen();
            throw e;
        }
        return c;
    }

    private void initialize() {
        long cap = bringUp.cap();
        int pageSize = 4096 << NvmeRegs.capMpsmin(cap);
        int depth = Math.min(options.adminQueueDepth(), NvmeRegs.capMqes(cap) + 1);
        bringUp.disable();
        queues = new QueueFactory(dma, regs, NvmeRegs.capDstrd(cap), pageSize, Identification.ADMIN_MAX_TRANSFER,
                pci.fabricsLink());
        adminMemory = queues.build(0, depth, Arena.ofAuto());
        bringUp.configureAdminQueues(depth, adminMemory.queue().sqRegion().iova(),
                adminMemory.queue().cqRegion().iova());
        bringUp.enable();
        admin = new AdminQueue(adminMemory.queue(), pageSize);
        Identification id = new Identification(this, pageSize);
        info = id.identifyController(depth);
        namespaces = new NamespaceTable(id.activeNamespaces(info.namespaceCount()));
        info = id.withGrantedQueues(info, id.negotiateQueues(options.maxIoQueuePairs()));
        RetryDelays.enable(this, (buf, fid) -> admin.execute(AdminCommands.setFeatures(fid, 0), buf, -1,
                adminTimeoutNanos));
        shadowDoorbells = ShadowDoorbellSetup.setUp(this, info.oacs(), pageSize, NvmeRegs.capDstrd(cap));
        queues = new QueueFactory(dma, regs, NvmeRegs.capDstrd(cap), pageSize, info.maxTransferBytes(),
                pci.fabricsLink());
        enableInterrupts();
        recovery = new Recovery(this);
        health.ready();
        recovery.configureAsyncEvents();
        recovery.startAsyncEvents();
        watchdog = new Watchdog(this);
        watchdog.start();
        deviceEventWatch = DeviceEventWatch.start(this);
        LOG.info("{}: NVMe {} controller ready: {} namespace(s), {} I/O queue pair(s), MDTS {} bytes",
                pci.address(), info.versionString(), namespaces.list().size(), info.ioQueuePairsGranted(),
                info.maxTransferBytes());
    }

    private void enableInterrupts() {
        int available = pci.msixVectorCount();
        if (available > 0) {
            vectors = pci.enableMsix(Math.min(available, info.ioQueuePairsGranted() + 1));
        }
    }

    // ---- Controller ----

    @Override
    public String address() {
        return pci.address();
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
        return namespaces.list();
    }

    @Override
    public Namespace namespace(int nsid) {
        Namespace ns = namespaces.get(nsid);
        if (ns == null) {
            throw new IllegalArgumentException("namespace " + nsid + " is not active on " + address()
                    + "; active namespaces: " + namespaces.describeActive());
        }
        return ns;
    }

    @Override
    public DmaBuffer allocateBuffer(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        }
        health.checkOpen();
        DmaRegion region;
        try {
            region = dma.allocate(bytes);
        } catch (DmaException e) {
            throw new NvmeException("cannot allocate a DMA buffer of " + bytes + " bytes on " + address() + ": "
                    + e.getMessage(), e);
        }
        userRegions.add(region);
        return new RegionBuffer(region);
    }

    @Override
    public IoQueuePair createQueuePair() {
        return createQueuePair(Math.min(options.ioQueueDepth(), info.maxQueueEntries()), options.completionMode());
    }

    @Override
    public IoQueuePair createQueuePair(int depth, CompletionMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (depth < 2 || depth > info.maxQueueEntries()) {
            throw new IllegalArgumentException("queue depth must be between 2 and " + info.maxQueueEntries()
                    + " (CAP.MQES + 1), got " + depth);
        }
        synchronized (queueLock) {
            health.checkAccepting();
            int qid = usedQids.nextClearBit(1);
            if (qid > info.ioQueuePairsGranted()) {
                throw new IllegalStateException("all " + info.ioQueuePairsGranted() + " I/O queue pairs the controller"
                        + " granted are in use; close one first");
            }
            QueuePairControl pair;
            try {
                pair = new QueuePairBuilder(this).create(qid, depth, mode);
            } catch (DmaException e) {
                throw new NvmeException("cannot allocate the DMA memory of an I/O queue pair of depth " + depth
                        + " on " + address() + ": " + e.getMessage(), e);
            }
            usedQids.set(qid);
            pairs.put(qid, pair);
            return pair.pair();
        }
    }

    /** The interrupt vector of I/O queue {@code qid}: its own when there are enough, else shared. */
    InterruptVector vectorFor(int qid) {
        if (vectors.length == 0) {
            return null;
        }
        if (vectors.length == 1) {
            return vectors[0];
        }
        return vectors[1 + (qid - 1) % (vectors.length - 1)];
    }

    @Override
    public CompletableFuture<Completion> adminPassthrough(RawCommand command, DmaBuffer buffer) {
        Objects.requireNonNull(command, "command");
        health.checkAccepting();
        if (buffer != null) {
            checkBuffer(buffer);
            if (buffer.byteSize() > Identification.ADMIN_MAX_TRANSFER || (buffer.iova() & 3) != 0) {
                throw new IllegalArgumentException("admin passthrough buffer must be dword aligned and at most "
                        + Identification.ADMIN_MAX_TRANSFER + " bytes, got " + buffer);
            }
        }
        return admin.submit(command, buffer, adminTimeoutNanos);
    }

    /** Runs an admin command synchronously; error statuses throw, naming the command. */
    Completion adminSync(RawCommand command, DmaBuffer buffer) {
        return adminSync(command, buffer, -1);
    }

    /** As {@link #adminSync(RawCommand, DmaBuffer)} with PRP1 pointing at a queue ring. */
    Completion adminSync(RawCommand command, DmaBuffer buffer, long ringIova) {
        Completion c = admin.execute(command, buffer, ringIova, adminTimeoutNanos);
        if (!c.isSuccess()) {
            throw NvmeException.forStatus(dev.nvme4j.spec.Opcodes.adminName(command.opcode()), c.status());
        }
        return c;
    }

    @Override
    public byte[] getLogPage(int logPageId, int bytes) {
        return getLogPage(logPageId, AdminCommands.NSID_ALL, 0, bytes);
    }

    @Override
    public byte[] getLogPage(int logPageId, int nsid, long offset, int bytes) {
        if (logPageId < 0 || logPageId > 0xFF) {
            throw new IllegalArgumentException("log page identifier must be 0..255, got " + logPageId);
        }
        if (bytes <= 0 || bytes % 4 != 0 || bytes > Identification.ADMIN_MAX_TRANSFER) {
            throw new IllegalArgumentException("log page size must be a positive multiple of 4 up to "
                    + Identification.ADMIN_MAX_TRANSFER + ", got " + bytes);
        }
        if (offset < 0 || offset % 4 != 0) {
            throw new IllegalArgumentException("log page offset must be a non-negative multiple of 4, got " + offset);
        }
        return readAdminData(AdminCommands.getLogPage(logPageId, bytes, nsid, offset), bytes);
    }

    @Override
    public byte[] identifyController() {
        return readAdminData(AdminCommands.identify(dev.nvme4j.spec.Opcodes.CNS_CONTROLLER, 0), IdentifyLayout.SIZE);
    }

    @Override
    public byte[] identifyNamespace(int nsid) {
        if (nsid == 0 || nsid == AdminCommands.NSID_ALL) {
            throw new IllegalArgumentException("Identify Namespace needs an NSID of an existing namespace, got 0x"
                    + Integer.toHexString(nsid));
        }
        return readAdminData(AdminCommands.identify(dev.nvme4j.spec.Opcodes.CNS_NAMESPACE, nsid), IdentifyLayout.SIZE);
    }

    /** Runs an admin command that transfers {@code bytes} to the host and returns them. */
    private byte[] readAdminData(RawCommand command, int bytes) {
        health.checkAccepting();
        try (DmaBuffer buf = allocateInternal(bytes)) {
            buf.segment().fill((byte) 0);
            adminSync(command, buf);
            return buf.segment().asSlice(0, bytes).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    DmaBuffer allocateInternal(long bytes) {
        return new RegionBuffer(dma.allocate(bytes));
    }

    @Override
    public int getFeature(int featureId, int cdw11) {
        health.checkAccepting();
        return adminSync(AdminCommands.getFeatures(featureId, cdw11), null).dw0();
    }

    @Override
    public int setFeature(int featureId, int cdw11) {
        health.checkAccepting();
        return setRecordedFeature(featureId, cdw11);
    }

    /** Set Features, recorded so every reset sets it again; error statuses throw, naming the command. */
    int setRecordedFeature(int cdw10, int cdw11) {
        FeatureRecord.Entry previous = features.recordSet(cdw10, cdw11);
        try {
            return adminSync(AdminCommands.setFeatures(cdw10, cdw11), null).dw0();
        } catch (RuntimeException e) {
            features.undo(cdw10, cdw11, previous);
            throw e;
        }
    }

    @Override
    public void reset() {
        requests.reset(onWatchdogThread());
    }

    @Override
    public NamespaceChanges rescanNamespaces() {
        return requests.rescanNamespaces(onWatchdogThread());
    }

    private boolean onWatchdogThread() {
        return watchdog != null && watchdog.isWatchdogThread();
    }

    NamespaceTable namespaceTable() {
        return namespaces;
    }

    void namespaceTable(NamespaceTable next) {
        namespaces = next;
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
        setRecordedFeature(c.cdw10(), c.cdw11());
    }

    @Override
    public void setAsyncEventListener(AsyncEventListener listener) {
        this.listener = listener;
    }

    AsyncEventListener listener() {
        return listener;
    }

    @Override
    public ControllerCounters counters() {
        QueueCounters io = stats.closedQueues();
        for (QueuePairControl p : pairs.values()) {
            io = io.plus(p.counters());
        }
        return new ControllerCounters(io, admin == null ? 0 : admin.submittedCount(), admin == null ? 0 : admin.completedCount(),
                stats.adminTimeouts.sum(), stats.resets.sum(), stats.failures.sum(), stats.asyncEvents.sum(),
                stats.featuresRestored.sum(), stats.featureRestoreFailures.sum(), stats.namespaceChanges.sum(),
                stats.removals.sum(), stats.errorInterrupts.sum(), stats.asyncEventsDropped.sum());
    }

    @Override
    public void close() {
        for (QueuePairControl p : pairs.values()) {
            if (p.gate().heldByCurrentThread()) {
                throw new IllegalStateException(address() + " cannot be closed from inside a callback or submit of"
                        + " its queue pair " + p.queueId() + "; close it after poll returns");
            }
        }
        teardown.close();
    }

    /**
     * Claims every open queue pair for the controller's close. Under the queue lock, so a pair
     * being created right now is either finished and claimed, or sees the controller closed.
     */
    java.util.List<QueuePairControl> claimPairsForClose() {
        synchronized (queueLock) {
            java.util.List<QueuePairControl> claimed = new java.util.ArrayList<>();
            for (QueuePairControl p : pairs.values()) {
                if (p.beginClose()) {
                    claimed.add(p);
                }
            }
            return claimed;
        }
    }

    void stopWatchdog() {
        events.stop();
        if (watchdog != null) {
            watchdog.stop();
        }
    }

    /** Stops watching the device request and error interrupts (bounded; a removal under way finishes first). */
    void stopDeviceEvents() {
        DeviceEventWatch w = deviceEventWatch;
        if (w != null) {
            w.stop();
        }
    }

    boolean ownsFunction() {
        return ownsFunction;
    }

    // ---- QueueHost ----

    @Override
    public void checkBuffer(DmaBuffer buffer) {
        DmaRegion region = RegionBuffer.regionOf(buffer);
        if (region.owner() != dma || !userRegions.contains(region)) {
            throw new IllegalArgumentException(buffer + " was not allocated by this controller (" + address()
                    + "); use Controller.allocateBuffer of the controller that does the I/O");
        }
        if (!region.isLive()) {
            throw new IllegalArgumentException(buffer + " has been freed");
        }
    }

    /** Forgets a user buffer's region (freed through DmaBuffer.close, or at close). */
    Set<DmaRegion> userRegions() {
        return userRegions;
    }

    @Override
    public void checkNamespace(Namespace ns) {
        if (!namespaces.accepts(ns)) {
            throw new IllegalArgumentException("namespace " + ns.nsid() + " is not active on " + address()
                    + " (or is not this controller's, or its LBA format changed); active namespaces: "
                    + namespaces.describeActive());
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
        return health.isRemoved() || pci.fabricsLink() != null ? QueuePairControl.DEVICE_REMOVED
                : QueuePairControl.HOST_ABORT;
    }

    void wakeWatchdog() {
        if (watchdog != null) {
            watchdog.wake();
        }
    }

    /**
     * Marks the controller failed: admin commands and every queue pair's outstanding and new
     * commands complete with Command Aborted By Host (DNR; Host Pathing Error over a fabric, see
     * {@link #failureStatus()}); {@link #failureReason()} says why.
     */
    void fail(String reason) {
        if (!health.fail(reason)) {
            return;
        }
        stats.failures.increment();
        LOG.error("{}: controller failed: {}", address(), reason);
        Events.stateChange(address(), "FAILED", reason);
        if (recovery != null) {
            recovery.stopAsyncEvents();
        }
        admin.failAll(failureStatus());
        for (QueuePairControl p : pairs.values()) {
            p.requestFailAll(failureStatus());
        }
    }

    @Override
    public long commandRetryDelayNanos(int crd) {
        return crd == 0 ? 0 : crdtNanos[crd - 1];
    }

    @Override
    public int oncs() {
        return info.oncs();
    }

    @Override
    public long sglThreshold() {
        if (pci.fabricsLink() != null) {
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
        synchronized (queueLock) {
            if (pairs.remove(pair.queueId(), pair)) {
                usedQids.clear(pair.queueId());
                stats.addClosed(pair.counters());
            }
        }
    }
}
