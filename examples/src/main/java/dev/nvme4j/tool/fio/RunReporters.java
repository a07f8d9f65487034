package dev.nvme4j.tool.fio;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;

/**
 * The threads that watch a run of jobs, whatever their engine: the {@link RateSampler} (the
 * report's bw/iops lines), the {@code --status-interval} lines ({@link StatusReporter}) and
 * the live progress line ({@link ProgressReporter}). Started once the jobs go; closed (stopped
 * and joined, the progress line erased) before the results are read. Caller's thread.
 */
final class RunReporters implements AutoCloseable {
    private final RateSampler sampler;
    private final StatusReporter status;
    private final ProgressReporter progress;

    /**
     * @param progressOut    where to draw the live progress line, or null for none
     * @param statusInterval how often to print the status lines, or null for never
     * @param statusOut      where the status lines go
     */
    RunReporters(List<? extends JobProgress> jobs, PrintWriter progressOut, Duration statusInterval,
                 PrintWriter statusOut) {
        this.sampler = new RateSampler(jobs);
        this.status = statusInterval != null ? new StatusReporter(jobs, statusOut, statusInterval) : null;
        this.progress = progressOut != null ? new ProgressReporter(jobs, progressOut) : null;
    }

    void start() {
        sampler.start();
        if (status != null) {
            status.start();
        }
        if (progress != null) {
            progress.start();
        }
    }

    @Override
    public void close() {
        sampler.close();
        if (status != null) {
            status.close();
        }
        if (progress != null) {
            progress.close();
        }
    }
}
