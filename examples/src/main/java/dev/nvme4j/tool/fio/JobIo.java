package dev.nvme4j.tool.fio;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The I/O of one job: its queue pair, DMA buffers and slots; issues I/Os over the job's region
 * and records each completion's latencies (the passes themselves are {@link JobRunner}'s).
 *
 * <p>Everything is allocated in {@link #open()}: the queue pair (depth iodepth + 1), the
 * {@link JobBuffers}, the per-slot state arrays. The submit/complete loop
 * allocates nothing: slots are indices, this object is the {@link IoCallback} and the tag is the
 * slot. Closed loop: a completion issues the next I/O from its callback, inside the driver's
 * completion batch (one doorbell per batch), unless a rate or think time paces the job.
 * Latencies: an I/O starts when it is issued (from a callback: at its batch's completion time,
 * one clock reading per batch as in fio); slat ends when the device can see it (after the
 * submit call, or for I/Os issued in a batch at the batch's end, where the doorbell is rung:
 * {@link #stampDeferred()}); clat runs from there to the completion; lat = slat + clat.
 * The job stops issuing at the first I/O error.
 *
 * <p>Thread model: the job's thread only.
 */
final class JobIo implements IoCallback {
    private static final Duration WAIT = Duration.ofMillis(10);
    private static final byte READ = NextIo.READ;
    private static final byte WRITE = NextIo.WRITE;
    private static final String[] DIRECTIONS = {"read", "write", "trim"};

    private final JobSpec spec;
    private final Controller controller;
    private final Namespace ns;
    private final DirectionStats read;
    private final DirectionStats write;
    private final DirectionStats trim;
    private final JobVerifier verifier;
    private final Pacer pacer;
    private final boolean paced;
    /** refill_buffers: new data for every plain write. */
    private final boolean refill;
    private final NextIo next;
    /** Protection information of every read and write ({@code --pi}), null for none. */
    private final Protection protection;
    private final int depth;
    private final int lbaSize;

    private final long[] slotStart;
    private final long[] slotSubmitted;
    private final long[] slotLba;
    private final int[] slotBlocks;
    /** Per slot: READ, WRITE or TRIM (fio's data directions). */
    private final byte[] slotDir;
    private final int[] free;
    private int freeCount;
    private final int[] deferred;
    private int deferredCount;
    private IoQueuePair qp;
    private JobBuffers buffers;
    private IoLogs logs;
    /** No metadata buffer and no protection information: reads go through the plain call. */
    private boolean plain;

    private long bytesLimit;
    private long iosLimit;
    private long issuedIos;
    private long issuedBytes;
    private boolean stopIssuing;
    private boolean recording;
    private boolean inReap;
    private long batchNow;

    private long ioErrors;
    private String firstError;
    private final long[] depthLevels = new long[7];
    private QueueCounters counters = QueueCounters.ZERO;

    JobIo(JobSpec spec, Controller controller, DirectionStats read, DirectionStats write, DirectionStats trim) {
        this.spec = spec;
        this.controller = controller;
        this.ns = controller.namespace(spec.nsid());
        this.read = read;
        this.write = write;
        this.trim = trim;
        this.depth = spec.iodepth();
        this.slotStart = new long[depth];
        this.slotSubmitted = new long[depth];
        this.slotLba = new long[depth];
        this.slotBlocks = new int[depth];
        this.slotDir = new byte[depth];
        this.deferred = new int[depth];
        this.free = new int[depth];
        for (int i = 0; i < depth; i++) {
            free[i] = depth - 1 - i;
        }
        freeCount = depth; // nothing in flight, also when opening fails before the first I/O
        this.protection = spec.options().protection.protection(ns);
        this.lbaSize = ns.lbaSize();
        this.verifier = JobVerifier.of(spec, lbaSize);
        this.pacer = new Pacer(spec.flow());
        this.paced = pacer.paced();
        this.refill = spec.options().buffers.refill();
        this.next = new NextIo(spec, lbaSize);
    }

    /** Creates the queue pair, the buffers and the logs. */
    void open() {
        qp = controller.createQueuePair(depth + 1, spec.mode());
        buffers = new JobBuffers(spec, controller, ns, protection);
        plain = protection == null && buffers.meta(0) == null;
        logs = IoLogs.open(spec.options().report, spec.name(), spec.number());
    }

    /**
     * Waits (up to 60 s) for the I/Os in flight, then releases everything.
     *
     * @return what went wrong doing so, null when nothing did
     */
    String close() {
        String problem = null;
        if (qp != null) {
            try {
                long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (freeCount < depth && System.nanoTime() < limit) {
                    reap();
                }
            } catch (RuntimeException e) {
                problem = "draining: " + e.getMessage();
            }
            counters = qp.counters();
            qp.close();
        }
        if (logs != null) {
            try {
                logs.close();
            } catch (RuntimeException e) {
                problem = problem != null ? problem : e.getMessage();
            }
        }
        if (buffers != null) {
            buffers.close();
        }
        return problem;
    }

    /** Starts a pass: its offsets and sizes from the beginning, at most these bytes and I/Os. */
    void beginPass(JobPhase phase, long bytesLimit, long iosLimit, long now) {
        this.bytesLimit = bytesLimit;
        this.iosLimit = iosLimit;
        next.beginPass(phase);
        stopIssuing = false;
        if (verifier != null && (phase != JobPhase.WRITE_PASS || next.readsBack())) {
            verifier.checkReads(phase != JobPhase.MAIN && !spec.options().checks.verifyOnly);
        }
        resetFlow(now);
    }

    /** Counts the pass's size and pacing from {@code now} (the ramp's I/O does not count). */
    void resetFlow(long now) {
        issuedIos = 0;
        issuedBytes = 0;
        pacer.reset(now);
    }

    /** Starts or stops recording latencies (and logging). */
    void recording(boolean on, long now) {
        recording = on;
        if (on && logs != null) {
            logs.start(now);
        }
    }

    /** Issues no more I/O in this pass. */
    void stopIssuing() {
        stopIssuing = true;
    }

    /** True when the pass issues no more I/O and none is in flight. */
    boolean passDone() {
        return stopIssuing && freeCount == depth;
    }

    /** Bytes issued since the pass (or its recording) began. */
    long issuedBytes() {
        return issuedBytes;
    }

    /** Issues I/Os while slots are free, the limits allow and (when paced) they are due. */
    void issueDue(long now) {
        if (stopIssuing || paced && now < pacer.nextIssueNs()) {
            return;
        }
        int batch = 0;
        while (freeCount > 0) {
            if (issuedIos >= iosLimit || issuedBytes >= bytesLimit) {
                stopIssuing = true;
                break;
            }
            if (!issueOne(System.nanoTime(), false)) {
                break;
            }
            batch++;
            if (paced && !pacer.afterIssue(now, issuedIos, issuedBytes)) {
                break;
            }
        }
        if (batch > 0 && recording) {
            countDepth(batch);
        }
    }

    /** fio's IO depths: the depth the I/Os of a submission batch were queued at. */
    private void countDepth(int ios) {
        int inflight = depth - freeCount;
        depthLevels[Math.min(6, 31 - Integer.numberOfLeadingZeros(Math.max(1, inflight)))] += ios;
    }

    /** Reaps completions; with nothing in flight and the next I/O not due yet, sleeps until it is. */
    void waitForWork(long now) {
        if (paced && freeCount == depth && pacer.nextIssueNs() > now) {
            LockSupport.parkNanos(Math.min(pacer.nextIssueNs() - now, WAIT.toNanos()));
            return;
        }
        reap();
    }

    /**
     * Issues the next I/O starting at {@code t0}; false when the queue is full.
     *
     * @param deferStamp true inside a completion batch: the I/O reaches the device with the
     *                   batch's doorbell, and {@link #stampDeferred()} stamps its submission time
     */
    private boolean issueOne(long t0, boolean deferStamp) {
        if (!next.choose(bytesLimit - issuedBytes)) {
            stopIssuing = next.passEnded(); // as fio: the pass ends at the region's end
            return false;
        }
        int slot = free[freeCount - 1];
        int blocks = next.blocks();
        long lba = next.lba();
        byte dir = next.dir();
        next.issuing(slot); // before the call: the I/O may complete inside it
        if (dir == WRITE && (verifier != null || refill)) {
            prepareWrite(slot, blocks, lba);
        }
        // Record the slot before submitting: a deterministic device may complete inside the call.
        slotLba[slot] = lba;
        slotBlocks[slot] = blocks;
        slotDir[slot] = dir;
        slotStart[slot] = t0;
        slotSubmitted[slot] = t0;
        freeCount--;
        boolean accepted;
        try {
            accepted = dir == READ && plain ? qp.read(ns, lba, blocks, buffers.data(slot), this, slot)
                    : submitOther(dir, slot, lba, blocks);
        } catch (RuntimeException e) {
            free[freeCount++] = slot;
            stopIssuing = true;
            throw e;
        }
        if (!accepted) {
            free[freeCount++] = slot;
            next.refused(slot);
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
        if (next.issued()) { // a verify_backlog read is not counted in the pass's size (fio allows for them)
            issuedIos++;
            issuedBytes += (long) blocks * lbaSize;
        }
        return true;
    }

    /** A write's data before it is issued: the verify header and checksum, or refill_buffers' new data. */
    private void prepareWrite(int slot, int blocks, long lba) {
        if (verifier != null) {
            verifier.stampWrite(buffers.view(slot), blocks, lba);
        } else {
            buffers.fill(slot, blocks * lbaSize);
        }
    }

    /** Submits a write, a trim, or a read with metadata or protection information. */
    private boolean submitOther(byte dir, int slot, long lba, int blocks) {
        return switch (dir) {
            case WRITE -> qp.write(ns, lba, blocks, buffers.data(slot), buffers.meta(slot), protection, this, slot);
            case READ -> qp.read(ns, lba, blocks, buffers.data(slot), buffers.meta(slot), protection, this, slot);
            default -> qp.deallocate(ns, lba, blocks, this, slot);
        };
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
        read.publish();
        write.publish();
        trim.publish();
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
        next.completed(slot, dir);
        if (status != Status.SUCCESS) {
            failed(slot, status);
        } else {
            completed(slot, dir, now);
        }
        slotSubmitted[slot] = Long.MIN_VALUE; // marks "completed" for issueOne
        free[freeCount++] = slot;
        if (!stopIssuing && !paced && issuedIos < iosLimit && issuedBytes < bytesLimit) {
            // Closed loop, as fio keeps iodepth busy: the next I/O goes now, inside the driver's
            // completion batch (one doorbell and one clock read for the batch); it starts at this
            // completion's time.
            if (issueOne(now, inReap) && recording) {
                countDepth(1);
            }
        }
    }

    private void completed(int slot, byte dir, long now) {
        boolean isWrite = dir == WRITE;
        DirectionStats d = dir == READ ? read : isWrite ? write : trim;
        int bytes = slotBlocks[slot] * lbaSize;
        d.countProgress(bytes);
        long start = slotStart[slot];
        long submitted = slotSubmitted[slot];
        if (submitted < start || submitted > now) {
            submitted = now; // completed inside the submit call
        }
        if (recording) {
            d.record(submitted - start, now - submitted, now - start, bytes);
            if (logs != null) {
                logs.record(now, isWrite, submitted - start, now - submitted, now - start, bytes,
                        (slotLba[slot] - spec.startLba()) * lbaSize);
            }
        }
        if (dir == READ && verifier != null) {
            verifier.readCompleted(buffers.view(slot), slotBlocks[slot], slotLba[slot]);
            if (verifier.stopped()) {
                stopIssuing = true; // verify_fatal
            }
        }
    }

    private void failed(int slot, int status) {
        ioErrors++;
        stopIssuing = true;
        if (firstError == null) {
            long piLba = qp.protectionErrorLba();
            firstError = String.format("%s error at lba %d (%d blocks): %s%s", DIRECTIONS[slotDir[slot]],
                    slotLba[slot], slotBlocks[slot], Status.describe(status),
                    piLba < 0 ? "" : " (failing block: LBA " + piLba + ")");
        }
    }

    long ioErrors() {
        return ioErrors;
    }

    String firstError() {
        return firstError;
    }

    JobVerifier verifier() {
        return verifier;
    }

    /** True when verify_fatal stopped the job at a bad unit. */
    boolean verifyStopped() {
        return verifier != null && verifier.stopped();
    }

    long[] depthLevels() {
        return depthLevels.clone();
    }

    /** The queue pair's counters (after {@link #close()}). */
    QueueCounters counters() {
        return counters;
    }
}
