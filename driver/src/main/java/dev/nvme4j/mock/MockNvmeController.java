package dev.nvme4j.mock;

import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.device.EventFdVector;
import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultInjector;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.MockCounters;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.mock.config.SpecViolation;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.Cqe;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The mock controller: owns the device state and serialises access to it. Register accesses are
 * decoded in {@link Bar0}; commands run in {@link Engine}, the registers' state machine in {@link Registers}.
 *
 * <h2>Thread model</h2>
 * Two kinds of lock:
 * <ul>
 *   <li>the <em>device lock</em> ({@link #lock}) with every lane lock, taken together by
 *       {@link #lockAll()}: register accesses, the admin queue, CQ/SQ doorbells that do not
 *       qualify for a lane, the public API and the device thread of threaded mode. Whoever holds
 *       it owns all device state;
 *   <li>one <em>lane lock</em> per I/O queue identifier ({@link Lanes}). In deterministic mode
 *       with run-on-doorbell, a doorbell of I/O queue pair {@code q} whose SQ {@code q} completes
 *       to CQ {@code q} alone, no command faults (nor dropped- or delayed-interrupt faults when its
 *       interrupts are on), no pending Abort, no latency and only null-store namespaces or RAM-store ones
 *       without metadata (whose stripe locks make each command's range atomic, see
 *       {@code RamStore}), runs its commands under lane {@code q}'s lock alone, with the lane's own
 *       {@link Engine} (decoded command, PRP walker, counters). Such a command touches only that
 *       SQ, that CQ, host memory, the immutable IOVA snapshot and (RAM store) the chunks of its
 *       range under their stripe locks, so two host threads driving two queue pairs share no lock
 *       or written cache line unless their ranges share a stripe. With interrupts on (IEN = 1) it
 *       signals the CQ's vector from the lane ({@code Interrupts}: the vector's own monitor guards
 *       coalescing and a masked vector's pending signal, which lanes sharing a vector both touch).
 *       Everything else (and any change of the conditions, which happens under the device lock,
 *       hence under every lane lock) takes the device lock path.
 * </ul>
 * Lock order: the device lock, lanes in ascending order, a RAM store's stripes in ascending
 * order, an MSI-X vector's monitor. Spec-violation records and the error log have their own monitors.
 */
public final class MockNvmeController implements MockController {
    final MockConfig config;
    final ReentrantLock lock = new ReentrantLock();
    /** The device lock with the lane locks and engines of the lane fast path. */
    private final Lanes lanes;
    /** Decodes the host's register and doorbell accesses. */
    final Bar0 bar0;
    final IovaTable iommu = new IovaTable();
    final MockDmaAllocator dma = new MockDmaAllocator(iommu);
    final Violations violationLog = new Violations();
    final Counters counters = new Counters();
    final Faults faults = new Faults(this);
    final Registers regs;
    final Interrupts interrupts;
    final PrpWalker prp = new PrpWalker(this, counters);
    final Namespaces namespaces;
    final MockSq[] sqs;
    final MockCq[] cqs;
    /** Doorbell Buffer Config in effect (shadow doorbells), or null. Under the device lock. */
    volatile MockShadowDoorbells shadow;
    /** The Controller Memory Buffer, or null (MockConfig.cmbSize 0). */
    final MockCmb cmb;
    final Engine engine;
    private final LongSupplier clock;
    /** One past the highest existing SQ identifier: how far {@link Engine#runUntilIdle} scans. */
    int sqLimit;
    private final MockPciFunction pci;
    private final DeviceThread thread;
    private boolean closed;
    /** The device request and error interrupts of the function (NONE without config.deviceInterrupts()). */
    final DeviceEvents deviceEvents;
    /** Surprise removal and the removal request's release handshake. */
    final Removal removal;

    private MockNvmeController(MockConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.cmb = MockCmb.of(config);
        this.regs = new Registers(this, config);
        this.interrupts = new Interrupts(this, config.msixVectors());
        this.namespaces = new Namespaces(config.namespaces(), config.nn());
        this.sqs = new MockSq[config.maxIoQueuePairs() + 1];
        this.cqs = new MockCq[config.maxIoQueuePairs() + 1];
        this.engine = new Engine(this);
        this.lanes = new Lanes(this, lock, sqs.length);
        this.deviceEvents = DeviceEvents.create(dev.nvme4j.sys.LibC.system(), config.deviceInterrupts(),
                config.deviceInterrupts());
        this.removal = new Removal(deviceEvents, dma);
        this.pci = new MockPciFunction(this);
        this.thread = config.mode() == ExecutionMode.THREADED ? new DeviceThread(this) : null;
        this.bar0 = new Bar0(this, lanes, thread, config.dstrd(), sqs.length);
        if (thread != null) {
            thread.start();
        }
    }

    /** Creates a controller; see {@code dev.nvme4j.Nvme.createMock}. */
    public static MockNvmeController create(MockConfig config) {
        return new MockNvmeController(java.util.Objects.requireNonNull(config, "config"));
    }

    MockPciFunction pciFunction() {
        return pci;
    }

    Registers regs() {
        return regs;
    }

    long now() {
        return clock.getAsLong();
    }

    boolean threaded() {
        return thread != null;
    }

    /** A timer fires at {@code deadline}: make sure the device thread wakes for it. */
    void scheduleWakeup(long deadline) {
        if (thread != null) {
            thread.wake();
        }
    }

    void violation(Kind kind, String detail) {
        violationLog.record(kind, detail);
    }

    void iommuFault(long iova, long len) {
        iommuFault(iova, len, counters);
    }

    void iommuFault(long iova, long len, Counters where) {
        where.iommuFaults++;
        violation(Kind.DMA_TO_UNMAPPED_ADDRESS, String.format("DMA of %d bytes at IOVA 0x%x is outside every mapping", len, iova));
    }

    /** Takes the device lock and every lane lock (in that order). */
    void lockAll() {
        lanes.lockAll();
    }

    void unlockAll() {
        lanes.unlockAll();
    }

    /** The counters summed over the controller and its lanes; under {@link #lockAll()}. */
    Counters totals() {
        Counters sum = new Counters();
        counters.addTo(sum);
        lanes.addCountersTo(sum);
        return sum;
    }

    /** Applies due timers (ready, shutdown, delayed completions, coalescing); under the lock. */
    long tick() {
        long now = now();
        long next = regs.tick(now);
        MockShadowDoorbells s = shadow;
        if (s != null) {
            s.check(now, MockShadowDoorbells.GRACE_NANOS);
        }
        next = Math.min(next, engine.tick(now));
        return Math.min(next, interrupts.tick(now));
    }

    // ---- hooks of the register state machine ----

    /** Base 3.5.1 step: the admin queue pair from AQA/ASQ/ACQ. Returns false if the memory is not mapped. */
    boolean createAdminQueues(long asq, int sqSize, long acq, int cqSize) {
        MemorySegment sqRing = ring(asq, (long) sqSize * Sqe.SIZE);
        MemorySegment cqRing = ring(acq, (long) cqSize * Cqe.SIZE);
        if (sqRing == null || cqRing == null) {
            violation(Kind.INVALID_ENABLE_CONFIGURATION, "admin queue memory is not mapped for DMA");
            return false;
        }
        cqs[0] = new MockCq(0, cqRing, cqSize, true, 0);
        sqs[0] = new MockSq(0, sqRing, sqSize, 0, 0);
        cqs[0].sqRefs = 1;
        queuesChanged();
        return true;
    }

    /** After an SQ was created or deleted: recomputes {@link #sqLimit}. Under the lock. */
    void queuesChanged() {
        int limit = sqs.length;
        while (limit > 0 && sqs[limit - 1] == null) {
            limit--;
        }
        sqLimit = limit;
    }

    /** The host memory of a queue ring, or null (with an IOMMU fault counted) if not wholly mapped. */
    MemorySegment ring(long iova, long bytes) {
        MemorySegment inCmb = cmb == null ? null : cmb.ring(iova, bytes);
        if (inCmb != null) {
            return inCmb;
        }
        MemorySegment seg = iommu.find(iova, bytes);
        if (seg == null) {
            iommuFault(iova, bytes);
            return null;
        }
        return seg.asSlice(iommu.offsetOf(iova), bytes);
    }

    /** Controller reset (CC.EN 1 to 0, Base 3.7.2): queues deleted, outstanding work dropped. */
    void resetController() {
        shadow = null; // Base 5.8: a reset ends Doorbell Buffer Config
        java.util.Arrays.fill(sqs, null);
        java.util.Arrays.fill(cqs, null);
        queuesChanged();
        engine.reset();
        interrupts.reset();
    }

    /** MSI-X enabled with {@code v}, or disabled ({@code v} null): see {@link Interrupts#attach}. */
    void attachVectors(EventFdVector[] v) {
        lockAll();
        try {
            interrupts.attach(v);
        } finally {
            unlockAll();
        }
    }

    /** A function-level reset: as a controller reset, and the registers back to their reset values. */
    void functionReset() {
        lockAll();
        try {
            resetController();
            regs.functionLevelReset();
            MockCmb.reset(cmb);
        } finally {
            unlockAll();
        }
    }

    boolean isRemoved() {
        return removal.isRemoved();
    }

    // ---- public API ----

    @Override
    public int cmbSubmissionQueuesCreated() {
        return cmb == null ? 0 : cmb.sqsCreated();
    }

    @Override
    public boolean awaitRelease(java.time.Duration timeout) throws InterruptedException {
        return removal.awaitRelease(timeout);
    }

    @Override
    public MockConfig config() {
        return config;
    }

    @Override
    public FaultInjector faults() {
        return faults;
    }

    @Override
    public List<SpecViolation> violations() {
        checkShadowDoorbells();
        return violationLog.snapshot();
    }

    @Override
    public void assertNoViolations() {
        checkShadowDoorbells();
        violationLog.assertNone();
    }

    /** Shadow doorbells moved without the ring they needed: checked at once (the host is quiescent when asking). */
    private void checkShadowDoorbells() {
        if (shadow == null) {
            return;
        }
        lockAll();
        try {
            MockShadowDoorbells s = shadow;
            if (s != null) {
                s.check(now(), 0);
            }
        } finally {
            unlockAll();
        }
    }

    @Override
    public void clearViolations() {
        violationLog.clear();
    }

    @Override
    public MockCounters counters() {
        lockAll();
        try {
            return totals().snapshot(removal.writesWhileRemoved(), violationLog.total());
        } finally {
            unlockAll();
        }
    }

    @Override
    public boolean step() {
        requireDeterministic("step()");
        lockAll();
        try {
            tick();
            return engine.step();
        } finally {
            unlockAll();
        }
    }

    @Override
    public int runUntilIdle() {
        requireDeterministic("runUntilIdle()");
        lockAll();
        try {
            tick();
            return engine.runUntilIdle();
        } finally {
            unlockAll();
        }
    }

    private void requireDeterministic(String what) {
        if (thread != null) {
            throw new IllegalStateException(what + " is for ExecutionMode.DETERMINISTIC; this controller is THREADED");
        }
    }

    @Override
    public void setVectorMasked(int vector, boolean masked) {
        lockAll();
        try {
            interrupts.setMasked(vector, masked);
        } finally {
            unlockAll();
        }
    }

    @Override
    public void raiseSmartWarning(int criticalWarning) {
        lockAll();
        try {
            engine.asyncEvents.smartWarning(criticalWarning);
        } finally {
            unlockAll();
        }
    }

    @Override
    public void raiseNamespaceAttributeChanged(int nsid) {
        lockAll();
        try {
            namespaceChanged(nsid);
        } finally {
            unlockAll();
        }
    }

    @Override
    public int attachNamespace(NamespaceConfig ns) {
        java.util.Objects.requireNonNull(ns, "ns");
        lockAll();
        try {
            int nsid = namespaces.attach(ns, id -> engine.admin.management.pool.allocated(id) != null);
            namespaceChanged(nsid);
            return nsid;
        } finally {
            unlockAll();
        }
    }

    @Override
    public void detachNamespace(int nsid) {
        lockAll();
        try {
            namespaces.detach(nsid);
            namespaceChanged(nsid);
        } finally {
            unlockAll();
        }
    }

    @Override
    public void resizeNamespace(int nsid, long blocks) {
        lockAll();
        try {
            namespaces.resize(nsid, blocks);
            namespaceChanged(nsid);
        } finally {
            unlockAll();
        }
    }

    private void namespaceChanged(int nsid) {
        engine.asyncEvents.raiseEvent(LogPageLayout.AER_TYPE_NOTICE, LogPageLayout.AER_INFO_NS_ATTRIBUTE_CHANGED,
                Opcodes.LOG_CHANGED_NAMESPACE_LIST, nsid);
    }

    @Override
    public void close() {
        lockAll();
        try {
            if (closed) {
                return;
            }
            closed = true;
            removal.remove();
        } finally {
            unlockAll();
        }
        if (thread != null) {
            thread.shutdown();
        }
        lockAll();
        try {
            resetController();
            namespaces.forEach(ns -> ns.store.close());
            dma.close();
            interrupts.attach(null);
        } finally {
            unlockAll();
        }
        deviceEvents.close();
    }

    @Override
    public String toString() {
        return "MockController[" + config.serialNumber() + ", " + config.mode() + "]";
    }
}
