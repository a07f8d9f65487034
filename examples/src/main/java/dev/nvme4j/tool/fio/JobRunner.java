package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one job on its own thread with its own queue pair and DMA buffers: sequences the job's
 * passes ({@link JobPhase}); the I/O of a pass is {@link JobIo}'s, the checks {@link JobVerifier}'s.
 *
 * <p>Passes: a job runs its workload once (ramp first, then recorded until the run time passed
 * or, without {@code time_based}, until the region's bytes were transferred). With
 * {@code --verify} (a checksum) and a workload that writes, it instead writes every unit of its
 * region once (sequential or random order as {@code rw} says; reads of a mixed workload are
 * not issued; no ramp; the run time bounds this pass), then reads back every unit written in the
 * same order and checks each logical block ({@link VerifyFormat}). With a read-only workload,
 * every read is checked (generation not known). do_verify=0 leaves out the read-back;
 * verify_only leaves out the write pass (and checks what an earlier run wrote, generation not
 * known). The job stops issuing at the first I/O error.
 *
 * <p>Thread model: {@link #call()} on the job's thread; the progress getters from any thread.
 */
public final class JobRunner implements JobProgress {
    /** Mismatches kept per job for the report (all are counted). */
    public static final int MAX_MISMATCHES_KEPT = 16;
    private static final long WAIT_NS = TimeUnit.MILLISECONDS.toNanos(10);

    private final JobSpec spec;
    private final DirectionStats read = new DirectionStats();
    private final DirectionStats write = new DirectionStats();
    private final DirectionStats trim = new DirectionStats();
    private final JobIo io;
    private final ThreadMeter meter = new ThreadMeter();
    private final CountDownLatch ready;
    private final CountDownLatch go;

    private boolean recording;
    private long recordStartNs;
    private long writePassBytes;
    private String failure;
    private long readRuntimeNs;
    private long writeRuntimeNs;
    private long trimRuntimeNs;
    private long runtimeNs;

    private volatile char phaseChar = 'P';
    private volatile boolean recordingReads;
    private volatile boolean recordingWrites;
    private volatile long startedNanos;
    private volatile boolean finished;
    private volatile boolean stopRequested;
    /** requestStop() was called (Ctrl-C), not {@link #terminate()}. */
    private volatile boolean interrupted;
    /** fio's wait_for: the jobs that must finish before this one starts. */
    private List<JobRunner> waitees = List.of();

    /**
     * @param ready counted down when this job is set up (or failed to)
     * @param go    awaited before the first I/O, so that all jobs start together
     */
    public JobRunner(JobSpec spec, Controller controller, CountDownLatch ready, CountDownLatch go) {
        this.spec = spec;
        this.ready = ready;
        this.go = go;
        this.io = new JobIo(spec, controller, read, write, trim);
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

    /** fio's wait_for: this job starts when {@code jobs} have finished. Before {@link #call()}. */
    void waitFor(List<JobRunner> jobs) {
        waitees = List.copyOf(jobs);
    }

    /** Asks the job to stop issuing I/O (e.g. on Ctrl-C); it drains and reports. Any thread. */
    public void requestStop() {
        interrupted = true;
        stopRequested = true;
    }

    /** fio's exitall: another job finished and stops this one; it drains and reports. Any thread. */
    void terminate() {
        stopRequested = true;
    }

    /** True once {@link #requestStop()} was called. */
    public boolean stopRequested() {
        return interrupted;
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
            io.open();
        } catch (RuntimeException e) {
            failure = "setting up: " + e.getMessage();
            close();
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
            VerifyOptions v = spec.options().checks;
            if (stopRequested) {
                phaseChar = '_'; // stopped before it started (exitall, Ctrl-C): it reports no I/O
            } else if (failure == null && spec.writeThenVerify() && v.verifyOnly) {
                writePassBytes = spec.regionBytes(); // what the earlier run's write pass wrote
                runPhase(JobPhase.VERIFY_PASS);
            } else if (failure == null && spec.writeThenVerify()) {
                runPhase(JobPhase.WRITE_PASS);
                if (ok() && !stopRequested && v.doVerify && !io.verifyStopped()) {
                    runPhase(JobPhase.VERIFY_PASS);
                }
            } else if (failure == null) {
                runPhase(JobPhase.MAIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } catch (RuntimeException e) {
            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            close();
        }
        return result(startEpochMs);
    }

    private void close() {
        String problem = io.close();
        if (failure == null) {
            failure = problem;
        }
        phaseChar = '_';
        finished = true;
    }

    /** fio's wait_for, then startdelay: this job starts after its waitees, that long after the others (a stop request ends the wait). */
    private void waitStartDelay() {
        for (JobRunner w : waitees) {
            while (!stopRequested && !w.finished()) {
                LockSupport.parkNanos(WAIT_NS / 10);
            }
        }
        long until = System.nanoTime() + spec.options().startDelay.toNanos();
        for (long left; !stopRequested && (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(Math.min(left, WAIT_NS));
        }
    }

    private boolean ok() {
        return io.ioErrors() == 0 && failure == null;
    }

    private void runPhase(JobPhase phase) {
        long now = System.nanoTime();
        boolean ramping = phase == JobPhase.MAIN && spec.rampNs() > 0;
        long rampEnd = now + spec.rampNs();
        long deadline = phase == JobPhase.VERIFY_PASS || spec.runtimeNs() == 0 ? Long.MAX_VALUE
                : (ramping ? rampEnd : now) + spec.runtimeNs();
        beginPhase(phase, ramping, now);
        long phaseStart = now;
        MinRate minRate = new MinRate(spec.options().flow);
        minRate.start(now, progressBytes(), progressIos());
        while (true) {
            io.issueDue(now);
            if (io.passDone()) {
                break;
            }
            io.waitForWork(now);
            now = System.nanoTime();
            if (ramping && now >= rampEnd) {
                ramping = false;
                beginRecording(phase, now);
                if (spec.runtimeNs() > 0) {
                    deadline = now + spec.runtimeNs();
                }
                phaseStart = now;
                minRate.start(now, progressBytes(), progressIos());
            }
            if (now >= deadline || stopRequested) {
                io.stopIssuing();
            }
            if (!ramping && minRate.active() && failure == null) {
                failure = minRate.check(now, progressBytes(), progressIos());
                if (failure != null) {
                    io.stopIssuing();
                }
            }
        }
        endPhase(phase, System.nanoTime() - phaseStart);
    }

    private long progressBytes() {
        return read.progressBytes() + write.progressBytes() + trim.progressBytes();
    }

    private long progressIos() {
        return read.progressIos() + write.progressIos() + trim.progressIos();
    }

    private void beginPhase(JobPhase phase, boolean ramping, long now) {
        switch (phase) {
            case MAIN -> io.beginPass(phase, spec.flow().bytesLimit(), spec.flow().iosLimit(), now);
            // with verify_backlog and time_based, as fio: writing (and verifying) for the whole runtime
            case WRITE_PASS -> io.beginPass(phase, spec.timeBased() && spec.verifyBacklog() ? Long.MAX_VALUE
                    : spec.regionBytes(), Long.MAX_VALUE, now);
            // every write of the pass, in the same order and sizes
            case VERIFY_PASS -> io.beginPass(phase, writePassBytes,
                    spec.options().checks.verifyOnly ? Long.MAX_VALUE : write.ios(), now);
        }
        phaseChar = phase.progressChar(spec.rw());
        if (!ramping) {
            beginRecording(phase, now);
        }
    }

    private void beginRecording(JobPhase phase, long now) {
        recording = true;
        io.recording(true, now);
        recordStartNs = now;
        meter.start();
        recordingReads = phase.reads(spec.rw()) || phase == JobPhase.WRITE_PASS && spec.verifyBacklog();
        recordingWrites = phase.writes(spec.rw());
        io.resetFlow(now); // the ramp's I/O does not count towards the size
    }

    private void endPhase(JobPhase phase, long elapsed) {
        recordingReads = false;
        recordingWrites = false;
        if (recording) {
            recording = false;
            io.recording(false, 0);
            runtimeNs += System.nanoTime() - recordStartNs;
            meter.stop();
        }
        switch (phase) {
            case WRITE_PASS -> {
                writeRuntimeNs += elapsed;
                readRuntimeNs += spec.verifyBacklog() ? elapsed : 0;
                writePassBytes = io.issuedBytes();
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

    private JobResult result(long startEpochMs) {
        JobVerifier v = io.verifier();
        return new JobResult(spec, read, write, trim, runtimeNs, readRuntimeNs, writeRuntimeNs, trimRuntimeNs,
                meter.usrNs(), meter.sysNs(), startEpochMs, io.ioErrors(), io.firstError(), failure,
                v == null ? 0 : v.verifiedBlocks(), v == null ? 0 : v.mismatchCount(),
                v == null ? List.of() : v.mismatches(), io.counters(), meter.allocatedBytes(), io.depthLevels());
    }
}
