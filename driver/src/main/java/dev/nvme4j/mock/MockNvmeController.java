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
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The mock controller: owns the device state and serialises access to it. Register accesses
 * are decoded here; command processing is in {@link Engine}, the registers' state machine in
 * {@link Registers}.
 *
 * <h2>Thread model</h2>
 * Two kinds of lock:
 * <ul>
 *   <li>the <em>device lock</em> ({@link #lock}) with every lane lock, taken together by
 *       {@link #lockAll()}: register accesses, the admin queue, CQ/SQ doorbells that do not
 *       qualify for a lane, the public API and the device thread of threaded mode. Whoever holds
 *       it owns all device state;
 *   <li>one <em>lane lock</em> per I/O queue identifier ({@link Lane}). In deterministic mode
 *       with run-on-doorbell, a doorbell of I/O queue pair {@code q} whose SQ {@code q} completes
 *       to CQ {@code q} alone, with interrupts off (IEN = 0), no command faults, no pending
 *       Abort, no latency and only null-store namespaces, runs its commands under lane
 *       {@code q}'s lock alone, with the lane's own {@link Engine} (decoded command, PRP walker,
 *       counters). Such a command touches only that SQ, that CQ, host memory and the immutable
 *       IOVA snapshot, so two host threads driving two queue pairs never share a lock or a
 *       written cache line. Everything else (and any change of the conditions, which happens
 *       under the device lock, hence under every lane lock) takes the device lock path.
 * </ul>
 * Lock order: the device lock, then lanes in ascending order. Spec-violation records and the
 * error log have their own monitors.
 */
public final class MockNvmeController implements MockController {
    final MockConfig config;
    final ReentrantLock lock = new ReentrantLock();
    /** Per I/O queue identifier (index 0 unused): the lock and engine of the lane fast path. */
    private final Lane[] lanes;
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
    final Engine engine;
    private final LongSupplier clock;
    private final int stride;
    /** log2 of the doorbell stride (4 << CAP.DSTRD bytes): doorbells decode with shifts, not divisions. */
    private final int strideShift;
    /** One past the highest existing SQ identifier: how far {@link Engine#runUntilIdle} scans. */
    int sqLimit;
    private final long doorbellEnd;
    private final MockPciFunction pci;
    private final DeviceThread thread;
    private boolean msix;
    private volatile boolean removed;
    private boolean closed;
    /** The device request and error interrupts of the function (NONE without config.deviceInterrupts()). */
    final DeviceEvents deviceEvents;
    /** Guards {@link #removalRequested} and {@link #hostReleased}; waited on by awaitRelease. */
    private final Object releaseMonitor = new Object();
    private boolean removalRequested;
    private boolean hostReleased;

    private MockNvmeController(MockConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.regs = new Registers(this, config);
        this.interrupts = new Interrupts(this, config.msixVectors());
        this.namespaces = new Namespaces(config.namespaces(), config.nn());
        this.sqs = new MockSq[config.maxIoQueuePairs() + 1];
        this.cqs = new MockCq[config.maxIoQueuePairs() + 1];
        this.engine = new Engine(this);
        this.lanes = new Lane[sqs.length];
        for (int q = 1; q < lanes.length; q++) {
            lanes[q] = new Lane();
        }
        this.stride = 4 << config.dstrd();
        this.strideShift = 2 + config.dstrd();
        this.doorbellEnd = NvmeRegs.DOORBELL_BASE + 2L * (sqs.length + 1) * stride;
        this.deviceEvents = DeviceEvents.create(dev.nvme4j.sys.LibC.system(), config.deviceInterrupts(),
                config.deviceInterrupts());
        this.pci = new MockPciFunction(this);
        this.thread = config.mode() == ExecutionMode.THREADED ? new DeviceThread(this) : null;
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

    boolean msixEnabled() {
        return msix;
    }

    // ---- register access (BAR0) ----

    int read32(long off) {
        if (removed) {
            return 0xFFFF_FFFF;
        }
        lockAll();
        try {
            tick();
            return off >= NvmeRegs.DOORBELL_BASE ? 0 : regs.read32(off);
        } finally {
            unlockAll();
        }
    }

    long read64(long off) {
        if (removed) {
            return -1L;
        }
        lockAll();
        try {
            tick();
            return off >= NvmeRegs.DOORBELL_BASE ? 0 : regs.read64(off);
        } finally {
            unlockAll();
        }
    }

    void write64(long off, long v) {
        if (removed) {
            return;
        }
        lockAll();
        try {
            tick();
            regs.write64(off, v);
        } finally {
            unlockAll();
        }
    }

    void write32(long off, int v) {
        if (removed) {
            return;
        }
        if (off >= NvmeRegs.DOORBELL_BASE && thread == null && laneDoorbell(off, v)) {
            return;
        }
        boolean run;
        lockAll();
        try {
            if (off < NvmeRegs.DOORBELL_BASE) {
                tick();
                regs.write32(off, v);
                return;
            }
            run = doorbell(off, v);
            if (run && thread == null && config.runOnDoorbell()) {
                engine.runUntilIdle();
            }
        } finally {
            unlockAll();
        }
        if (run && thread != null) {
            thread.wake();
        }
    }

    /** An I/O queue pair's lock and engine, for the doorbells that qualify (see the class comment). */
    private final class Lane {
        final ReentrantLock lock = new ReentrantLock();
        final Counters counters = new Counters();
        /**
         * Allocated last: keeps the next lane's lock and counters (allocated right after) off the
         * cache lines this lane writes for every command, so two lanes never false-share.
         */
        @SuppressWarnings("unused")
        private final long[] spacer = new long[24];
        Engine engine;

        Engine engine() {
            if (engine == null) {
                engine = new Engine(MockNvmeController.this, counters, new PrpWalker(MockNvmeController.this, counters));
            }
            return engine;
        }
    }

    /** Takes the device lock and every lane lock (in that order). */
    void lockAll() {
        lock.lock();
        for (int q = 1; q < lanes.length; q++) {
            lanes[q].lock.lock();
        }
    }

    void unlockAll() {
        for (int q = lanes.length - 1; q >= 1; q--) {
            lanes[q].lock.unlock();
        }
        lock.unlock();
    }

    /** The counters summed over the controller and its lanes; under {@link #lockAll()}. */
    Counters totals() {
        Counters sum = new Counters();
        counters.addTo(sum);
        for (int q = 1; q < lanes.length; q++) {
            lanes[q].counters.addTo(sum);
        }
        return sum;
    }

    /**
     * The lane fast path of an I/O doorbell (deterministic mode, see the class comment). Returns
     * false, having changed nothing, when the doorbell does not qualify: the caller then takes
     * the device lock path.
     */
    private boolean laneDoorbell(long off, int v) {
        if (!namespaces.nullStoresOnly() || !config.runOnDoorbell() || shadow != null) {
            return false;
        }
        long rel = off - NvmeRegs.DOORBELL_BASE;
        int qid = (int) (rel >>> (strideShift + 1));
        if (qid == 0 || qid >= lanes.length || (rel & (stride - 1)) != 0) {
            return false;
        }
        boolean cqDoorbell = ((rel >>> strideShift) & 1) == 1;
        Lane lane = lanes[qid];
        lane.lock.lock();
        try {
            MockSq sq = sqs[qid];
            MockCq cq = cqs[qid];
            if (sq == null || cq == null || sq.cqid != qid || cq.sqRefs != 1 || cq.ien || !laneConditions()) {
                return false;
            }
            if (cqDoorbell) {
                if (Integer.compareUnsigned(v, cq.size) >= 0) {
                    return false; // a violation: recorded by the device lock path
                }
                lane.engine().cqHeadDoorbell(cq, v);
                return true;
            }
            if (Integer.compareUnsigned(v, sq.size) >= 0) {
                return false;
            }
            sq.tail = v;
            Engine e = lane.engine();
            while (sq.hasWork() && laneConditions()) {
                e.executeNext(sq);
            }
            if (sq.hasWork()) {
                // Conditions changed under us (a fault installed from another thread): the device
                // lock path runs the rest; the tail is already recorded.
                lane.lock.unlock();
                try {
                    runUntilIdleLocked();
                } finally {
                    lane.lock.lock();
                }
            }
            return true;
        } finally {
            lane.lock.unlock();
        }
    }

    /** Controller-wide conditions of the lane path; read under a lane lock (written under all of them). */
    private boolean laneConditions() {
        return !removed && regs.operational() && !regs.cfs && !faults.commandFaults
                && faults.ignoreSqDoorbell.length == 0 && faults.corrupt.length == 0 && faults.corruptAt.length == 0
                && engine.latencyNanos == 0 && engine.abortsRequested() == 0;
    }

    private void runUntilIdleLocked() {
        lockAll();
        try {
            engine.runUntilIdle();
        } finally {
            unlockAll();
        }
    }

    /** Decodes a doorbell write (PCIe transport 3.1.2); returns true when the device has new work. */
    private boolean doorbell(long off, int v) {
        long rel = off - NvmeRegs.DOORBELL_BASE;
        int qid = (int) (rel >>> (strideShift + 1));
        boolean cq = ((rel >>> strideShift) & 1) == 1;
        if ((rel & (stride - 1)) != 0 || off >= doorbellEnd) {
            violation(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE, doorbellName(cq, qid, off, v) + " is not a doorbell register");
            return false;
        }
        if (!regs.operational()) {
            counters.doorbellsIgnored++;
            violation(Kind.DOORBELL_WHILE_NOT_READY, doorbellName(cq, qid, off, v) + " while CSTS.RDY = 0 or CC.EN = 0");
            return false;
        }
        if (cq) {
            MockCq q = qid < cqs.length ? cqs[qid] : null;
            if (q == null) {
                violation(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE, doorbellName(cq, qid, off, v));
                return false;
            }
            boolean work = engine.cqHeadDoorbell(q, v);
            MockShadowDoorbells s = shadow;
            if (s != null) {
                s.cqRung(q);
            }
            return work;
        }
        MockSq q = qid < sqs.length ? sqs[qid] : null;
        if (q == null) {
            violation(Kind.DOORBELL_FOR_NONEXISTENT_QUEUE, doorbellName(cq, qid, off, v));
            return false;
        }
        if (Integer.compareUnsigned(v, q.size) >= 0) {
            counters.doorbellsIgnored++;
            violation(Kind.SQ_TAIL_OUT_OF_RANGE, doorbellName(cq, qid, off, v) + ", the queue has " + q.size + " entries");
            return false;
        }
        FaultRule[] ignore = faults.ignoreSqDoorbell;
        if (ignore.length != 0 && Faults.firing(ignore, qid, -1) != null) {
            counters.doorbellsIgnored++;
            return false;
        }
        q.tail = v;
        MockShadowDoorbells s = shadow;
        if (s != null) {
            s.sqRung(q);
        }
        return true;
    }

    private static String doorbellName(boolean cq, int qid, long off, int v) {
        return String.format("%s doorbell of queue %d (offset 0x%x) = %d", cq ? "CQ head" : "SQ tail", qid, off, v);
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
        MemorySegment sqRing = ring(asq, (long) sqSize * 64);
        MemorySegment cqRing = ring(acq, (long) cqSize * 16);
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

    void attachVectors(EventFdVector[] v) {
        lockAll();
        try {
            msix = v != null;
            interrupts.attach(v == null ? new EventFdVector[0] : v);
        } finally {
            unlockAll();
        }
    }

    void functionReset() {
        lockAll();
        try {
            resetController();
            regs.cc = 0;
            regs.ready = false;
            regs.cfs = false;
            regs.shst = 0;
            regs.aqa = 0;
            regs.asq = 0;
            regs.acq = 0;
            regs.intms = 0;
        } finally {
            unlockAll();
        }
    }

    void setFatal() {
        lockAll();
        try {
            regs.cfs = true;
        } finally {
            unlockAll();
        }
    }

    void remove() {
        removed = true;
    }

    /** The kernel asks for the device back: the request interrupt fires; the device works on until released. */
    void requestRemoval() {
        synchronized (releaseMonitor) {
            removalRequested = true;
        }
        deviceEvents.signalRemovalRequest();
    }

    void raiseErrorInterrupt() {
        deviceEvents.signalError();
    }

    /**
     * The host let the device go (released it or closed the function): it is gone from now on.
     * A close without a pending removal request leaves the device usable (it can be opened again).
     */
    void hostReleased(boolean explicitRelease) {
        synchronized (releaseMonitor) {
            if (!explicitRelease && !removalRequested) {
                return;
            }
            // Gone before anyone waiting in awaitRelease looks: DMA detached first.
            removed = true;
            dma.detach();
            hostReleased = true;
            releaseMonitor.notifyAll();
        }
    }

    @Override
    public boolean awaitRelease(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (releaseMonitor) {
            while (!hostReleased) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(releaseMonitor, left);
            }
            return true;
        }
    }

    boolean isRemoved() {
        return removed;
    }

    // ---- public API ----

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
            return totals().snapshot(violationLog.total());
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
            engine.smartWarning(criticalWarning);
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
            int nsid = namespaces.attach(ns);
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
        engine.raiseEvent(LogPageLayout.AER_TYPE_NOTICE, LogPageLayout.AER_INFO_NS_ATTRIBUTE_CHANGED,
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
            removed = true;
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
            msix = false;
            interrupts.attach(new EventFdVector[0]);
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
