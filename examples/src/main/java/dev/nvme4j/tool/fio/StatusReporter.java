package dev.nvme4j.tool.fio;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * fio's {@code --status-interval}: every interval, one line per running job with its cumulative
 * I/O since it started (IOPS and bandwidth are averages from the start, as in fio). Reads only
 * the jobs' published progress counters. Its own daemon thread; {@link #close()} stops it.
 */
final class StatusReporter implements AutoCloseable {
    private final List<? extends JobProgress> jobs;
    private final PrintWriter out;
    private final long intervalNs;
    private final Thread thread;
    private volatile boolean stop;

    StatusReporter(List<? extends JobProgress> jobs, PrintWriter out, Duration interval) {
        this.jobs = jobs;
        this.out = out;
        this.intervalNs = interval.toNanos();
        this.thread = ReporterThreads.daemon("nvme4j-status", this::loop);
    }

    void start() {
        thread.start();
    }

    private void loop() {
        long next = System.nanoTime() + intervalNs;
        while (!stop) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            next += intervalNs;
            long now = System.nanoTime();
            synchronized (out) {
                for (JobProgress j : jobs) {
                    if (!j.finished() && j.startedNanos() != 0) {
                        out.println(line(j, now));
                    }
                }
                out.flush();
            }
        }
    }

    /** The status of job {@code j} at {@code now}. */
    static String line(JobProgress j, long now) {
        double secs = Math.max(1e-9, (now - j.startedNanos()) / 1e9);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: (groupid=%d): status at %.1fs:",
                j.spec().name(), j.spec().group(), secs));
        direction(sb, "read", j.read(), secs);
        direction(sb, "write", j.write(), secs);
        return sb.toString();
    }

    private static void direction(StringBuilder sb, String name, DirectionStats d, double secs) {
        long ios = d.progressIos();
        if (ios == 0) {
            return;
        }
        long bytes = d.progressBytes();
        sb.append(' ').append(name).append(": IOPS=").append(Units.count(ios / secs)).append(", BW=")
                .append(Units.bw((long) (bytes / secs))).append(" (io=").append(Units.bytes(bytes)).append(')');
    }

    @Override
    public void close() {
        stop = true;
        ReporterThreads.stop(thread, 2000);
    }
}
