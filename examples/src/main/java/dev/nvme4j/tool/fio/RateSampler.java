package dev.nvme4j.tool.fio;

import java.util.List;

/**
 * Samples each job's recorded bandwidth and IOPS every {@link #INTERVAL_MS} ms (fio's default
 * {@code bwavgtime}/{@code iopsavgtime}) into the jobs' {@link RateSamples}, for the directions
 * the job is recording at that moment. Runs on its own daemon thread; {@link #close()} stops and
 * joins it, after which the samples may be read.
 */
public final class RateSampler implements AutoCloseable {
    /** Sampling interval. */
    public static final long INTERVAL_MS = 500;

    private final List<? extends JobProgress> jobs;
    private final Thread thread;
    private final long[] lastBytes;
    private final long[] lastIos;
    private volatile boolean stop;

    public RateSampler(List<? extends JobProgress> jobs) {
        this.jobs = jobs;
        this.lastBytes = new long[jobs.size() * 2];
        this.lastIos = new long[jobs.size() * 2];
        this.thread = ReporterThreads.daemon("nvme4j-sampler", this::loop);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        long last = System.nanoTime();
        boolean[] wasActive = new boolean[jobs.size() * 2];
        while (!stop) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            double secs = (now - last) / 1e9;
            last = now;
            for (int j = 0; j < jobs.size(); j++) {
                JobProgress job = jobs.get(j);
                for (int dir = 0; dir < 2; dir++) {
                    DirectionStats d = dir == 0 ? job.read() : job.write();
                    boolean active = dir == 0 ? job.recordingReads() : job.recordingWrites();
                    int k = 2 * j + dir;
                    long bytes = d.recordedBytes();
                    long ios = d.recordedIos();
                    // A sample covers a whole interval in which the direction was recording.
                    if (active && wasActive[k] && !stop) {
                        d.bwSamples().add((bytes - lastBytes[k]) / 1024.0 / secs);
                        d.iopsSamples().add((ios - lastIos[k]) / secs);
                    }
                    wasActive[k] = active;
                    lastBytes[k] = bytes;
                    lastIos[k] = ios;
                }
            }
        }
    }

    @Override
    public void close() {
        stop = true;
        ReporterThreads.stop(thread, 5000);
    }
}
