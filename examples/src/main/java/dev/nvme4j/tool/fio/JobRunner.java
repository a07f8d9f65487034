package dev.nvme4j.tool.fio;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.Status;
import dev.nvme4j.tool.cli.ByteSize;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one job on its own thread with its own queue pair and DMA buffers: keeps
 * {@code iodepth} I/Os in flight over the job's region and records their latencies.
 *
 * <p>Everything is allocated in {@link #setUp()}: the queue pair (depth iodepth + 1), one DMA
 * region sliced into iodepth buffers of bs, the per-slot state arrays. The submit/complete loop
 * allocates nothing: slots are indices, the runner itself is the {@link IoCallback} and the tag
 * is the slot. Closed loop: a completion issues the next I/O from its callback, inside the
 * driver's completion batch (one doorbell per batch), unless a rate or think time paces the job.
 * Latencies: an I/O starts when it is issued (from a callback: at its batch's completion time,
 * one clock reading per batch as in fio); slat ends when the device can see it (after the
 * submit call, or for I/Os issued in a batch at the batch's end, where the doorbell is rung:
 * {@link #stampDeferred()}); clat runs from there to the completion; lat = slat + clat.
 *
 * <p>Phases: a job runs its workload once (ramp first, then recorded until the run time passed
 * or, without {@code time_based}, until the region's bytes were transferred). With
 * {@code --verify=crc32c} and a workload that writes, it instead writes every unit of its
 * region once (sequential or random order as {@code rw} says; reads of a mixed workload are
 * not issued; no ramp; the run time bounds this pass), then reads back every unit written in the
 * same order and checks each logical block ({@link VerifyFormat}). With a read-only workload,
 * every read is checked (generation not known). The job stops issuing at the first I/O error.
 *
 * <p>Thread model: {@link #call()} on the job's thread; the progress getters from any thread.
 */
public final class JobRunner implements IoCallback, VerifyFormat.MismatchSink {
    /** Mismatches kept per job for the report (all are counted). */
    public static final int MAX_MISMATCHES_KEPT = 16;
    private static final Duration WAIT = Duration.ofMillis(10);

    /** What a pass of the job does: the workload, or the write and read-back passes of a verify. */
    private enum Phase { MAIN, WRITE_PASS, VERIFY_PASS }

    private final JobSpec spec;
    private final Controller controller;
    private final Namespace ns;
    private final DirectionStats read = new DirectionStats();
    private final DirectionStats write = new DirectionStats();
    private final DirectionStats trim = new DirectionStats();
    private static final byte READ = 0;
    private static final byte WRITE = 1;
    private static final byte TRIM = 2;
    private static final String[] DIRECTIONS = {"read", "write", "trim"};
    private final VerifyFormat verifyFormat;
    private final ThreadMeter meter = new ThreadMeter();
    private final CountDownLatch ready;
    private final CountDownLatch go;

    private final long[] slotStart;
    private final long[] slotSubmitted;
    private final long[] slotLba;
    private final int[] slotBlocks;
    /** Per slot: 0 read, 1 write, 2 trim (fio's data directions). */
    private final byte[] slotDir;
    private final int[] free;
    private final DmaBuffer[] buffers;
    private final ByteBuffer[] views;
    private int freeCount;
    private DmaBuffer region;
    /** Separate metadata of every slot (null entries when none moves) and its region. */
    private DmaBuffer metaRegion;
    private final DmaBuffer[] metas;
    /** Protection information of every read and write ({@code --pi}), null for none. */
    private final Protection protection;
    private IoQueuePair qp;
    private final OffsetGenerator offsets;
    private final SplittableRandom mix;

    private boolean recording;
    private boolean stopIssuing;
    private boolean checkReads;
    private long expectedGeneration = VerifyFormat.ANY_GENERATION;
    private boolean hasPending;
    private long pendingUnit;
    private byte pendingDir;
    private int pendingBlocks;
    private final int lbaSize;
    private final int unitBytes;
    private final long unitBlocks;
    private final boolean paced;
    private SplittableRandom sizeRandom;
    private boolean phaseReads;
    private boolean phaseWrites;
    private long bytesLimit;
    private long iosLimit;
    private long issuedIos;
    private long issuedBytes;
    private long paceStartNs;
    private long nextIssueNs;
    private int sinceThink;
    private long writePassBytes;
    private IoLogs logs;
    private Phase running = Phase.MAIN;
    private boolean inReap;
    private final int[] deferred;
    private int deferredCount;
    private long batchNow;

    private long ioErrors;
    private String firstError;
    private String failure;
    private long verifiedBlocks;
    private long mismatchCount;
    private final List<Mismatch> mismatches = new ArrayList<>(MAX_MISMATCHES_KEPT);
    private long recordStartNs;
    private final long[] depthLevels = new long[7];
    private long readRuntimeNs;
    private long writeRuntimeNs;
    private long trimRuntimeNs;
    private long runtimeNs;
    private QueueCounters counters = QueueCounters.ZERO;

    private volatile char phaseChar = 'P';
    private volatile boolean recordingReads;
    private volatile boolean recordingWrites;
    private volatile long startedNanos;
    private volatile boolean finished;
    private volatile boolean stopRequested;

    /**
     * @param ready counted down when this job is set up (or failed to)
     * @param go    awaited before the first I/O, so that all jobs start together
     */
    public JobRunner(JobSpec spec, Controller controller, CountDownLatch ready, CountDownLatch go) {
        this.spec = spec;
        this.controller = controller;
        this.ns = controller.namespace(spec.nsid());
        this.ready = ready;
        this.go = go;
        int depth = spec.iodepth();
        this.slotStart = new long[depth];
        this.slotSubmitted = new long[depth];
        this.slotLba = new long[depth];
        this.slotBlocks = new int[depth];
        this.deferred = new int[depth];
        this.slotDir = new byte[depth];
        this.free = new int[depth];
        this.buffers = new DmaBuffer[depth];
        this.metas = new DmaBuffer[depth];
        this.protection = spec.options().protection(ns);
        this.views = new ByteBuffer[depth];
        for (int i = 0; i < depth; i++) {
            free[i] = depth - 1 - i;
        }
        freeCount = depth; // nothing in flight, also when setting up fails before the first I/O
        this.verifyFormat = spec.verify() ? new VerifyFormat(ns.lbaSize()) : null;
        this.lbaSize = ns.lbaSize();
        this.unitBytes = spec.flow().sizes().min();
        this.unitBlocks = unitBytes / lbaSize;
        this.paced = spec.flow().paced();
        this.offsets = new OffsetGenerator(spec.units(), spec.rw().random(), spec.flow().randomMap(), spec.seed());
        this.mix = new SplittableRandom(spec.seed() ^ 0x5DEECE66DL);
    }

    public JobSpec spec() {
        return spec;
    }

    /** Read statistics; the progress counters may be read from any thread. */
    public DirectionStats read() {
        return read;
    }

    /** Trim statistics; the progress counters may be read from any thread. */
    public DirectionStats trim() {
        return trim;
    }

    /** Write statistics; the progress counters may be read from any thread. */
    public DirectionStats write() {
        return write;
    }

    /** The progress line's letter for this job now: P setting up, V verifying, _ done, else rw's. */
    public char phaseChar() {
        return phaseChar;
    }

    /** System.nanoTime() when I/O started, 0 before. */
    public long startedNanos() {
        return startedNanos;
    }

    public boolean finished() {
        return finished;
    }

    /** Asks the job to stop issuing I/O (e.g. on Ctrl-C); it drains and reports. Any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    /** True once {@link #requestStop()} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** True while the job records reads (for the rate sampler). */
    public boolean recordingReads() {
        return recordingReads;
    }

    /** True while the job records writes (for the rate sampler). */
    public boolean recordingWrites() {
        return recordingWrites;
    }

    /** Runs the job on the calling thread and returns what it measured. */
    public JobResult call() {
        long startEpochMs = System.currentTimeMillis();
        try {
            setUp();
        } catch (RuntimeException e) {
            failure = "setting up: " + e.getMessage();
            tearDown();
            finished = true;
            phaseChar = '_';
            return result(startEpochMs);
        } finally {
            ready.countDown(); // also when setting up failed: the run must not wait for this job
        }
        try {
            if (!go.await(1, TimeUnit.HOURS)) {
                failure = "start timed out";
            }
            waitStartDelay();
            startedNanos = System.nanoTime();
            if (failure == null && spec.writeThenVerify()) {
                runPhase(Phase.WRITE_PASS);
                if (ok() && !stopRequested) {
                    runPhase(Phase.VERIFY_PASS);
                }
            } else if (failure == null) {
                checkReads = spec.verify();
                runPhase(Phase.MAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            tearDown();
            phaseChar = '_';
            finished = true;
        }
        return result(startEpochMs);
    }

    /** fio's startdelay: this job starts that long after the others (a stop request ends the wait). */
    private void waitStartDelay() {
        long until = System.nanoTime() + spec.options().startDelay.toNanos();
        for (long left; !stopRequested && (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(Math.min(left, WAIT.toNanos()));
        }
    }

    private boolean ok() {
        return ioErrors == 0 && failure == null;
    }

    private void setUp() {
        int depth = spec.iodepth();
        qp = controller.createQueuePair(depth + 1, spec.mode());
        // Extended LBAs carry each block's metadata in the data buffer; a separate format has its own buffer.
        long slotBytes = (long) spec.blocksPerIo() * ns.dataBytesPerBlock(protection);
        long slotMeta = (long) spec.blocksPerIo() * ns.metadataBytesPerBlock(protection);
        long bytes = (long) depth * slotBytes;
        try {
            region = controller.allocateBuffer(bytes);
            if (slotMeta > 0) {
                metaRegion = controller.allocateBuffer(depth * slotMeta);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException("allocating " + ByteSize.format(bytes) + " of I/O buffers (--iodepth="
                    + depth + " x --bs=" + ByteSize.format(spec.bs()) + "): " + e.getMessage(), e);
        }
        logs = IoLogs.open(spec.options(), spec.name(), spec.index() + 1);
        for (int i = 0; i < depth; i++) {
            buffers[i] = region.slice(i * slotBytes, slotBytes);
            metas[i] = metaRegion == null ? null : metaRegion.slice(i * slotMeta, slotMeta);
            views[i] = buffers[i].segment().asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        // Data for plain writes: a seeded pattern, written once.
        SplittableRandom fill = new SplittableRandom(spec.seed());
        for (ByteBuffer v : views) {
            for (int off = 0; off + 8 <= v.capacity(); off += 8) {
                v.putLong(off, fill.nextLong());
            }
        }
    }

    private void tearDown() {
        if (qp != null) {
            try {
                long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (freeCount < spec.iodepth() && System.nanoTime() < limit) {
                    reap();
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = "draining: " + e.getMessage();
                }
            }
            counters = qp.counters();
            qp.close();
        }
        if (logs != null) {
            try {
                logs.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e.getMessage();
                }
            }
        }
        if (metaRegion != null) {
            metaRegion.close();
        }
        if (region != null) {
            region.close();
        }
    }

    private void runPhase(Phase phase) {
        long now = System.nanoTime();
        boolean ramping = phase == Phase.MAIN && spec.rampNs() > 0;
        long rampEnd = now + spec.rampNs();
        long deadline = phase == Phase.VERIFY_PASS || spec.runtimeNs() == 0 ? Long.MAX_VALUE
                : (ramping ? rampEnd : now) + spec.runtimeNs();
        running = phase;
        beginPhase(phase, ramping, now);
        long phaseStart = now;
        while (true) {
            if (!stopIssuing && (!paced || now >= nextIssueNs)) {
                issueBatch(phase, now);
            }
            if (stopIssuing && freeCount == spec.iodepth()) {
                break;
            }
            waitForWork(now);
            now = System.nanoTime();
            if (ramping && now >= rampEnd) {
                ramping = false;
                beginRecording(now);
                if (spec.runtimeNs() > 0) {
                    deadline = now + spec.runtimeNs();
                }
                phaseStart = now;
            }
            if (now >= deadline || stopRequested) {
                stopIssuing = true;
            }
        }
        endPhase(phase, System.nanoTime() - phaseStart);
    }

    private void beginPhase(Phase phase, boolean ramping, long now) {
        phaseReads = phase == Phase.VERIFY_PASS || phase == Phase.MAIN && spec.rw().reads();
        phaseWrites = phase == Phase.WRITE_PASS || phase == Phase.MAIN && spec.rw().writes();
        switch (phase) {
            case MAIN -> {
                bytesLimit = spec.flow().bytesLimit();
                iosLimit = spec.flow().iosLimit();
                phaseChar = spec.rw().progressChar();
            }
            case WRITE_PASS -> {
                bytesLimit = spec.regionBytes();
                iosLimit = Long.MAX_VALUE;
                phaseChar = spec.rw().random() ? 'w' : 'W';
            }
            case VERIFY_PASS -> {
                bytesLimit = writePassBytes; // every write of the pass, in the same order and sizes
                iosLimit = write.ios();
                checkReads = true;
                expectedGeneration = spec.generation();
                phaseChar = 'V';
            }
        }
        offsets.rewind();
        sizeRandom = new SplittableRandom(spec.seed() ^ 0x62737A65L); // the same sizes again when verifying
        hasPending = false;
        stopIssuing = false;
        resetFlow(now);
        if (!ramping) {
            beginRecording(now);
        }
    }

    private void beginRecording(long now) {
        startRecording(now);
        recordingReads = phaseReads;
        recordingWrites = phaseWrites;
        resetFlow(now); // the ramp's I/O does not count towards the size
    }

    private void resetFlow(long now) {
        issuedIos = 0;
        issuedBytes = 0;
        paceStartNs = now;
        nextIssueNs = now;
        sinceThink = 0;
    }

    private void issueBatch(Phase phase, long now) {
        int batch = 0;
        while (freeCount > 0) {
            if (issuedIos >= iosLimit || issuedBytes >= bytesLimit) {
                stopIssuing = true;
                break;
            }
            if (!issueOne(phase, System.nanoTime(), false)) {
                break;
            }
            batch++;
            if (paced && !pace(now)) {
                break;
            }
        }
        if (batch > 0 && recording) {
            // fio's IO depths: the depth the I/Os of a submission batch were queued at.
            int inflight = spec.iodepth() - freeCount;
            depthLevels[Math.min(6, 31 - Integer.numberOfLeadingZeros(Math.max(1, inflight)))] += batch;
        }
    }

    /** After an I/O was issued: sets when the next may go (rate, thinktime); false when that is later. */
    private boolean pace(long now) {
        JobSpec.Flow f = spec.flow();
        long next = now;
        if (f.rateIops() > 0) {
            next = Math.max(next, paceStartNs + (long) (issuedIos * 1e9 / f.rateIops()));
        }
        if (f.rateBytes() > 0) {
            next = Math.max(next, paceStartNs + (long) (issuedBytes * 1e9 / f.rateBytes()));
        }
        if (f.thinkNs() > 0 && ++sinceThink >= f.thinkBlocks()) {
            sinceThink = 0;
            next = Math.max(next, now + f.thinkNs());
        }
        nextIssueNs = next;
        return next <= now;
    }

    /** Reaps completions; with nothing in flight and the next I/O not due yet, sleeps until it is. */
    private void waitForWork(long now) {
        if (paced && freeCount == spec.iodepth() && nextIssueNs > now) {
            LockSupport.parkNanos(Math.min(nextIssueNs - now, WAIT.toNanos()));
            return;
        }
        reap();
    }

    private void endPhase(Phase phase, long elapsed) {
        recordingReads = false;
        recordingWrites = false;
        if (recording) {
            stopRecording(System.nanoTime());
        }
        switch (phase) {
            case WRITE_PASS -> {
                writeRuntimeNs += elapsed;
                writePassBytes = issuedBytes;
            }
            case VERIFY_PASS -> readRuntimeNs += elapsed;
            case MAIN -> {
                if (spec.rw().trims()) {
                    trimRuntimeNs += elapsed;
                }
                if (spec.rw().reads()) {
                    readRuntimeNs += elapsed;
                }
                if (spec.rw().writes()) {
                    writeRuntimeNs += elapsed;
                }
            }
        }
    }

    /**
     * Issues the next I/O starting at {@code t0}; false when the queue is full.
     *
     * @param deferStamp true inside a completion batch: the I/O reaches the device with the
     *                   batch's doorbell, and {@link #stampDeferred()} stamps its submission time
     */
    private boolean issueOne(Phase phase, long t0, boolean deferStamp) {
        if (!hasPending) {
            int bytes = spec.flow().sizes().next(sizeRandom);
            if (bytesLimit - issuedBytes < bytes) { // the last I/O ends at the size, as in fio
                bytes = (int) Math.max(unitBytes, (bytesLimit - issuedBytes) / unitBytes * unitBytes);
            }
            pendingBlocks = bytes / lbaSize;
            pendingUnit = offsets.next(bytes / unitBytes);
            pendingDir = switch (phase) {
                case WRITE_PASS -> WRITE;
                case VERIFY_PASS -> READ;
                case MAIN -> spec.rw().trims() ? TRIM
                        : (spec.rw().mixed() ? mix.nextInt(100) >= spec.rwmixread() : spec.rw().writes()) ? WRITE : READ;
            };
            hasPending = true;
        }
        int slot = free[freeCount - 1];
        int blocks = pendingBlocks;
        long lba = spec.startLba() + pendingUnit * unitBlocks;
        if (pendingDir == WRITE && verifyFormat != null) {
            verifyFormat.stamp(views[slot], blocks, lba, spec.generation(), spec.index());
        }
        // Record the slot before submitting: a deterministic device may complete inside the call.
        slotLba[slot] = lba;
        slotBlocks[slot] = blocks;
        slotDir[slot] = pendingDir;
        slotStart[slot] = t0;
        slotSubmitted[slot] = t0;
        freeCount--;
        boolean accepted;
        try {
            accepted = switch (pendingDir) {
                case WRITE -> qp.write(ns, lba, blocks, buffers[slot], metas[slot], protection, this, slot);
                case READ -> qp.read(ns, lba, blocks, buffers[slot], metas[slot], protection, this, slot);
                default -> qp.deallocate(ns, lba, blocks, this, slot);
            };
        } catch (RuntimeException e) {
            free[freeCount++] = slot;
            stopIssuing = true;
            throw e;
        }
        if (!accepted) {
            free[freeCount++] = slot;
            return false;
        }
        if (deferStamp && deferredCount < deferred.length) {
            deferred[deferredCount++] = slot;
        } else {
            long t1 = System.nanoTime();
            if (slotSubmitted[slot] == t0 && slotStart[slot] == t0) {
                slotSubmitted[slot] = t1;
            }
        }
        hasPending = false;
        issuedIos++;
        issuedBytes += (long) blocks * lbaSize;
        return true;
    }

    /**
     * Handles completions. As fio does, the completions of one batch share one clock reading
     * (taken at the first of them): their completion time is when the host saw the batch.
     */
    private void reap() {
        inReap = true;
        batchNow = 0;
        try {
            if (spec.mode() == CompletionMode.POLL) {
                if (qp.poll() == 0) {
                    Thread.onSpinWait();
                }
            } else {
                qp.process(WAIT);
            }
        } finally {
            inReap = false;
        }
        stampDeferred();
    }

    /**
     * Stamps the I/Os issued inside the completion batch just handled with one clock reading:
     * the driver rang their doorbell at the end of the batch, so this is when the device got
     * them (their slat ends here, their clat starts here).
     */
    private void stampDeferred() {
        if (deferredCount == 0) {
            return;
        }
        long t = System.nanoTime();
        for (int i = 0; i < deferredCount; i++) {
            int slot = deferred[i];
            if (slotSubmitted[slot] == slotStart[slot]) { // not completed (nor stamped) yet
                slotSubmitted[slot] = t;
            }
        }
        deferredCount = 0;
    }

    /** The completion time for a callback: the batch's clock reading inside {@link #reap()}, else now. */
    private long completionTime() {
        if (!inReap) {
            return System.nanoTime();
        }
        if (batchNow == 0) {
            batchNow = System.nanoTime();
        }
        return batchNow;
    }

    @Override
    public void onComplete(long tag, int status) {
        int slot = (int) tag;
        long now = completionTime();
        byte dir = slotDir[slot];
        boolean isWrite = dir == WRITE;
        DirectionStats d = dir == READ ? read : isWrite ? write : trim;
        if (status != Status.SUCCESS) {
            ioErrors++;
            stopIssuing = true;
            if (firstError == null) {
                long piLba = qp.protectionErrorLba();
                firstError = String.format("%s error at lba %d (%d blocks): %s%s", DIRECTIONS[dir],
                        slotLba[slot], slotBlocks[slot], Status.describe(status),
                        piLba < 0 ? "" : " (failing block: LBA " + piLba + ")");
            }
        } else {
            int bytes = slotBlocks[slot] * lbaSize;
            d.countProgress(bytes);
            long submitted = slotSubmitted[slot];
            if (submitted < slotStart[slot] || submitted > now) {
                submitted = now; // completed inside the submit call
            }
            if (recording) {
                d.record(submitted - slotStart[slot], now - submitted, now - slotStart[slot], bytes);
                if (logs != null) {
                    logs.record(now, isWrite, submitted - slotStart[slot], now - submitted, now - slotStart[slot],
                            bytes, (slotLba[slot] - spec.startLba()) * lbaSize);
                }
            }
            if (dir == READ && checkReads) {
                verifiedBlocks += slotBlocks[slot];
                verifyFormat.check(views[slot], slotBlocks[slot], slotLba[slot], expectedGeneration, this);
            }
        }
        slotSubmitted[slot] = Long.MIN_VALUE; // marks "completed" for issueOne
        free[freeCount++] = slot;
        if (!stopIssuing && !paced && issuedIos < iosLimit && issuedBytes < bytesLimit) {
            // Closed loop, as fio keeps iodepth busy: the next I/O goes now, inside the driver's
            // completion batch (one doorbell and one clock read for the batch); it starts at this
            // completion's time.
            if (issueOne(running, now, inReap) && recording) {
                int inflight = spec.iodepth() - freeCount;
                depthLevels[Math.min(6, 31 - Integer.numberOfLeadingZeros(Math.max(1, inflight)))]++;
            }
        }
    }

    @Override
    public void mismatch(long lba, VerifyFormat.Problem problem, long expected, long found) {
        mismatchCount++;
        if (mismatches.size() < MAX_MISMATCHES_KEPT) {
            mismatches.add(new Mismatch(lba, problem, expected, found));
        }
    }

    private void startRecording(long now) {
        recording = true;
        if (logs != null) {
            logs.start(now);
        }
        recordStartNs = now;
        meter.start();
    }

    private void stopRecording(long now) {
        recording = false;
        runtimeNs += now - recordStartNs;
        meter.stop();
    }

    private JobResult result(long startEpochMs) {
        return new JobResult(spec, read, write, trim, runtimeNs, readRuntimeNs, writeRuntimeNs, trimRuntimeNs,
                meter.usrNs(),
                meter.sysNs(), startEpochMs, ioErrors, firstError, failure, verifiedBlocks,
                mismatchCount, List.copyOf(mismatches), counters, meter.allocatedBytes(), depthLevels.clone());
    }
}
