package dev.nvme4j.mock;

import dev.nvme4j.mock.config.ExecutionMode;
import dev.nvme4j.mock.config.FaultInjector;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.MockCounters;
import dev.nvme4j.mock.config.SpecViolation;
import dev.nvme4j.mock.config.SpecViolation.Kind;
import dev.nvme4j.spec.LogPageLayout;
import dev.nvme4j.spec.NvmeRegs;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The mock controller: owns the device state and serialises every access to it with one lock
 * (register accesses from host threads, the device thread in threaded mode). Register accesses
 * are decoded here; command processing is in {@link Engine}, the registers' state machine in
 * {@link Registers}.
 */
public final class MockNvmeController implements MockController {
    final MockConfig config;
    final ReentrantLock lock = new ReentrantLock();
    final IovaTable iommu = new IovaTable();
    final MockDmaAllocator dma = new MockDmaAllocator(iommu);
    final Violations violationLog = new Violations();
    final Counters counters = new Counters();
    final Faults faults = new Faults(this);
    final Registers regs;
    final Interrupts interrupts;
    final PrpWalker prp = new PrpWalker(this);
    final MockNamespace[] namespaces;
    final MockSq[] sqs;
    final MockCq[] cqs;
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

    private MockNvmeController(MockConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.regs = new Registers(this, config);
        this.interrupts = new Interrupts(this, config.msixVectors());
        this.namespaces = new MockNamespace[config.namespaces().size()];
        for (int i = 0; i < namespaces.length; i++) {
            namespaces[i] = new MockNamespace(i + 1, config.namespaces().get(i));
        }
        this.sqs = new MockSq[config.maxIoQueuePairs() + 1];
        this.cqs = new MockCq[config.maxIoQueuePairs() + 1];
        this.engine = new Engine(this);
        this.stride = 4 << config.dstrd();
        this.strideShift = 2 + config.dstrd();
        this.doorbellEnd = NvmeRegs.DOORBELL_BASE + 2L * (sqs.length + 1) * stride;
        this.pci = new MockPciFunction(this);
        this.thread = config.mode() == ExecutionMode.THREADED ? new DeviceThread(this) : null;
        if (thread != null) {
            thread.start();
        }
    }

    /** Creates a controller; see {@link MockController#create}. */
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
        counters.iommuFaults++;
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
        lock.lock();
        try {
            tick();
            return off >= NvmeRegs.DOORBELL_BASE ? 0 : regs.read32(off);
        } finally {
            lock.unlock();
        }
    }

    long read64(long off) {
        if (removed) {
            return -1L;
        }
        lock.lock();
        try {
            tick();
            return off >= NvmeRegs.DOORBELL_BASE ? 0 : regs.read64(off);
        } finally {
            lock.unlock();
        }
    }

    void write64(long off, long v) {
        if (removed) {
            return;
        }
        lock.lock();
        try {
            tick();
            regs.write64(off, v);
        } finally {
            lock.unlock();
        }
    }

    void write32(long off, int v) {
        if (removed) {
            return;
        }
        boolean run;
        lock.lock();
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
            lock.unlock();
        }
        if (run && thread != null) {
            thread.wake();
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
            return engine.cqHeadDoorbell(q, v);
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
        return true;
    }

    private static String doorbellName(boolean cq, int qid, long off, int v) {
        return String.format("%s doorbell of queue %d (offset 0x%x) = %d", cq ? "CQ head" : "SQ tail", qid, off, v);
    }

    /** Applies due timers (ready, shutdown, delayed completions, coalescing); under the lock. */
    long tick() {
        long now = now();
        long next = regs.tick(now);
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
        java.util.Arrays.fill(sqs, null);
        java.util.Arrays.fill(cqs, null);
        queuesChanged();
        engine.reset();
        interrupts.reset();
    }

    void attachVectors(MockVector[] v) {
        lock.lock();
        try {
            msix = v != null;
            interrupts.attach(v == null ? new MockVector[0] : v);
        } finally {
            lock.unlock();
        }
    }

    void functionReset() {
        lock.lock();
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
            lock.unlock();
        }
    }

    void setFatal() {
        lock.lock();
        try {
            regs.cfs = true;
        } finally {
            lock.unlock();
        }
    }

    void remove() {
        removed = true;
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
        return violationLog.snapshot();
    }

    @Override
    public void assertNoViolations() {
        violationLog.assertNone();
    }

    @Override
    public void clearViolations() {
        violationLog.clear();
    }

    @Override
    public MockCounters counters() {
        lock.lock();
        try {
            return counters.snapshot(violationLog.total());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean step() {
        requireDeterministic("step()");
        lock.lock();
        try {
            tick();
            return engine.step();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int runUntilIdle() {
        requireDeterministic("runUntilIdle()");
        lock.lock();
        try {
            tick();
            return engine.runUntilIdle();
        } finally {
            lock.unlock();
        }
    }

    private void requireDeterministic(String what) {
        if (thread != null) {
            throw new IllegalStateException(what + " is for ExecutionMode.DETERMINISTIC; this controller is THREADED");
        }
    }

    @Override
    public void setVectorMasked(int vector, boolean masked) {
        lock.lock();
        try {
            interrupts.setMasked(vector, masked);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void raiseSmartWarning(int criticalWarning) {
        lock.lock();
        try {
            engine.smartWarning(criticalWarning);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void raiseNamespaceAttributeChanged(int nsid) {
        lock.lock();
        try {
            engine.raiseEvent(LogPageLayout.AER_TYPE_NOTICE, LogPageLayout.AER_INFO_NS_ATTRIBUTE_CHANGED,
                    0x04, nsid);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            removed = true;
        } finally {
            lock.unlock();
        }
        if (thread != null) {
            thread.shutdown();
        }
        lock.lock();
        try {
            resetController();
            for (MockNamespace ns : namespaces) {
                ns.store.close();
            }
            dma.close();
            msix = false;
            interrupts.attach(new MockVector[0]);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "MockController[" + config.serialNumber() + ", " + config.mode() + "]";
    }
}
