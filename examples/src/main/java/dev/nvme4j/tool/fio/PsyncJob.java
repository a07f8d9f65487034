package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.block.BlockDevice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One job of {@code --ioengine=psync}: a virtual thread that makes one blocking read or write at
 * a time through the run's shared {@link BlockDevice}, from a buffer of the {@code --mem} kind,
 * and records each I/O's latency (the blocking call from entry to return: submission and
 * completion latency are not told apart, slat is 0). Ramp, run time, size, rw/rwmixread and
 * the offsets work as for the nvme4j engine; the first I/O error stops the job. A virtual
 * thread has no CPU clock of its own, so the job's CPU is its share of the process's while it
 * recorded (the process's CPU over that time divided by the run's jobs: {@link ProcessCpu}).
 *
 * <p>Thread model: {@link #call} on the job's virtual thread; {@link #requestStop} and the
 * {@link JobProgress} getters any thread.
 */
final class PsyncJob implements JobProgress {
    private final JobSpec spec;
    private final Controller controller;
    private final BlockDevice dev;
    private final EngineOptions.Mem mem;
    private final CountDownLatch go;
    private final int cpuShares;
    private final DirectionStats read = new DirectionStats();
    private final DirectionStats write = new DirectionStats();
    private volatile boolean stop;
    private volatile char phaseChar = 'P';
    private volatile long startedNanos;
    private volatile boolean recordingNow;
    private volatile boolean finished;
    private long usrCpuNs;
    private long sysCpuNs;

    /** @param cpuShares how many jobs share the process's CPU (the run's jobs) */
    PsyncJob(JobSpec spec, Controller controller, BlockDevice dev, EngineOptions.Mem mem, CountDownLatch go,
             int cpuShares) {
        this.spec = spec;
        this.controller = controller;
        this.dev = dev;
        this.mem = mem;
        this.go = go;
        this.cpuShares = Math.max(1, cpuShares);
    }

    void requestStop() {
        stop = true;
    }

    @Override
    public JobSpec spec() {
        return spec;
    }

    @Override
    public DirectionStats read() {
        return read;
    }

    @Override
    public DirectionStats write() {
        return write;
    }

    @Override
    public char phaseChar() {
        return phaseChar;
    }

    @Override
    public long startedNanos() {
        return startedNanos;
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public boolean recordingReads() {
        return recordingNow && spec.rw().reads();
    }

    @Override
    public boolean recordingWrites() {
        return recordingNow && spec.rw().writes();
    }

    /** Runs the job on the calling (virtual) thread and returns what it measured. */
    JobResult call() {
        try {
            return runJob();
        } finally {
            recordingNow = false;
            phaseChar = '_';
            finished = true;
        }
    }

    private JobResult runJob() {
        long startEpochMs = System.currentTimeMillis();
        int bs = spec.bs();
        DmaBuffer dma = mem == EngineOptions.Mem.DMA ? controller.allocateBuffer(bs) : null;
        ByteBuffer buf = switch (mem) {
            case DMA -> null;
            case DIRECT -> ByteBuffer.allocateDirect(bs);
            case HEAP -> ByteBuffer.allocate(bs);
        };
        fill(dma, buf, bs);
        OffsetGenerator offsets = new OffsetGenerator(spec.units(), spec.rw().random(), spec.flow().randomMap(),
                spec.seed());
        SplittableRandom mix = new SplittableRandom(spec.seed() ^ 0x5DEECE66DL);
        long ioErrors = 0;
        String firstError = null;
        String failure = null;
        long runtime = 0;
        long ios = 0;
        try {
            if (!go.await(1, TimeUnit.HOURS)) {
                return result(startEpochMs, 0, 0, null, "start timed out", 0);
            }
            long start = System.nanoTime();
            startedNanos = start;
            phaseChar = spec.rw().progressChar();
            long rampEnd = start + spec.rampNs();
            long deadline = spec.runtimeNs() > 0 ? rampEnd + spec.runtimeNs() : Long.MAX_VALUE;
            long limit = spec.timeBased() ? Long.MAX_VALUE : spec.flow().bytesLimit();
            boolean recording = spec.rampNs() == 0;
            long recordStart = start;
            long[] cpu0 = recording ? ProcessCpu.now() : null;
            recordingNow = recording;
            long recordedBytes = 0;
            while (!stop) {
                long now = System.nanoTime();
                if (!recording && now >= rampEnd) {
                    recording = true;
                    recordStart = now;
                    if (spec.runtimeNs() > 0) {
                        deadline = now + spec.runtimeNs(); // the run time counts from here, as for the nvme4j engine
                    }
                    cpu0 = ProcessCpu.now();
                    recordingNow = true;
                }
                if (now >= deadline || (recording && recordedBytes >= limit)) {
                    break;
                }
                boolean isRead = spec.rw().mixed() ? mix.nextInt(100) < spec.rwmixread() : spec.rw().reads();
                long lba = spec.startLba() + offsets.next() * spec.blocksPerIo();
                long t0 = System.nanoTime();
                try {
                    io(isRead, lba, dma, buf);
                } catch (RuntimeException e) {
                    ioErrors++;
                    firstError = (isRead ? "read" : "write") + " at LBA " + lba + ": " + e.getMessage();
                    break;
                }
                long lat = System.nanoTime() - t0;
                DirectionStats d = isRead ? read : write;
                d.countProgress(bs);
                if (recording) {
                    d.record(0, lat, lat, bs);
                    recordedBytes += bs;
                    ios++;
                }
                d.publish();
            }
            runtime = recording ? System.nanoTime() - recordStart : 0;
            recordingNow = false;
            if (cpu0 != null) {
                long[] cpu1 = ProcessCpu.now();
                usrCpuNs = Math.max(0, cpu1[0] - cpu0[0]) / cpuShares;
                sysCpuNs = Math.max(0, cpu1[1] - cpu0[1]) / cpuShares;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted";
        } finally {
            if (dma != null) {
                dma.close();
            }
        }
        return result(startEpochMs, runtime, ioErrors, firstError, failure, ios);
    }

    private void io(boolean isRead, long lba, DmaBuffer dma, ByteBuffer buf) {
        if (dma != null) {
            if (isRead) {
                dev.read(lba, spec.blocksPerIo(), dma);
            } else {
                dev.write(lba, spec.blocksPerIo(), dma);
            }
            return;
        }
        buf.clear();
        if (isRead) {
            dev.read(lba, buf);
        } else {
            dev.write(lba, buf);
        }
    }

    /** Write data: zeros with zero_buffers, else random bytes, filled once. */
    private void fill(DmaBuffer dma, ByteBuffer buf, int bs) {
        if (spec.options().buffers.zeros()) {
            return;
        }
        byte[] data = new byte[bs];
        new SplittableRandom(spec.seed()).nextBytes(data);
        if (dma != null) {
            MemorySegment.copy(data, 0, dma.segment(), ValueLayout.JAVA_BYTE, 0, bs);
        } else {
            buf.put(0, data);
        }
    }

    private JobResult result(long startEpochMs, long runtime, long ioErrors, String firstError, String failure,
                             long ios) {
        long[] depths = new long[7];
        depths[0] = ios; // one I/O at a time
        return new JobResult(spec, read, write, new DirectionStats(), runtime,
                spec.rw().reads() ? runtime : 0, spec.rw().writes() ? runtime : 0, 0, usrCpuNs, sysCpuNs, startEpochMs,
                ioErrors, firstError, failure, 0, 0, List.of(), QueueCounters.ZERO, 0, depths);
    }
}
