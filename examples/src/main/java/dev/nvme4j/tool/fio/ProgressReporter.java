package dev.nvme4j.tool.fio;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * fio's live status line, redrawn once a second on a terminal:
 * {@code Jobs: 2 (f=2): [r(2)][40.0%][r=512MiB/s][r=131k IOPS][eta 00m:03s]}. Reads only the
 * jobs' published progress counters. Runs on its own daemon thread; {@link #close()} stops it
 * and erases the line.
 */
public final class ProgressReporter implements AutoCloseable {
    private final List<? extends JobProgress> jobs;
    private final PrintWriter out;
    private final Thread thread;
    private volatile boolean stop;
    private int lastLength;
    private long lastNanos;
    private long lastReadBytes;
    private long lastWriteBytes;
    private long lastReadIos;
    private long lastWriteIos;

    public ProgressReporter(List<? extends JobProgress> jobs, PrintWriter out) {
        this.jobs = jobs;
        this.out = out;
        this.thread = ReporterThreads.daemon("nvme4j-progress", this::loop);
    }

    /** Starts the reporter thread. */
    public void start() {
        lastNanos = System.nanoTime();
        thread.start();
    }

    private void loop() {
        while (!stop) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (stop) {
                return;
            }
            String line = line(System.nanoTime());
            synchronized (out) {
                out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
                out.flush();
            }
            lastLength = line.length();
        }
    }

    /** Builds the status line at time {@code now} (and advances the interval). */
    String line(long now) {
        long rb = 0, wb = 0, ri = 0, wi = 0;
        int running = 0;
        double fraction = 0;
        long eta = 0;
        StringBuilder map = new StringBuilder();
        char prev = 0;
        int run = 0;
        for (JobProgress j : jobs) {
            rb += j.read().progressBytes();
            wb += j.write().progressBytes();
            ri += j.read().progressIos();
            wi += j.write().progressIos();
            char c = j.phaseChar();
            if (!j.finished()) {
                running++;
            }
            if (c == prev) {
                run++;
            } else {
                if (prev != 0) {
                    map.append(prev).append('(').append(run).append(')');
                }
                prev = c;
                run = 1;
            }
            double f = fraction(j, now);
            fraction += f;
            eta = Math.max(eta, eta(j, now, f));
        }
        if (prev != 0) {
            map.append(prev).append('(').append(run).append(')');
        }
        fraction /= Math.max(1, jobs.size());
        double secs = Math.max(1e-9, (now - lastNanos) / 1e9);
        double rbw = (rb - lastReadBytes) / secs;
        double wbw = (wb - lastWriteBytes) / secs;
        double riops = (ri - lastReadIos) / secs;
        double wiops = (wi - lastWriteIos) / secs;
        lastNanos = now;
        lastReadBytes = rb;
        lastWriteBytes = wb;
        lastReadIos = ri;
        lastWriteIos = wi;
        StringBuilder sb = new StringBuilder();
        sb.append("Jobs: ").append(running).append(" (f=").append(running).append("): [").append(map).append("][")
                .append(String.format(Locale.ROOT, "%.1f%%", 100 * fraction)).append("][");
        boolean both = rbw > 0 && wbw > 0;
        if (rbw > 0 || !both && wbw == 0) {
            sb.append("r=").append(Units.bw(rbw));
        }
        if (both) {
            sb.append(',');
        }
        if (wbw > 0) {
            sb.append("w=").append(Units.bw(wbw));
        }
        sb.append("][");
        if (riops > 0 || !both && wiops == 0) {
            sb.append("r=").append(Units.count(riops));
        }
        if (both) {
            sb.append(',');
        }
        if (wiops > 0) {
            sb.append("w=").append(Units.count(wiops));
        }
        sb.append(" IOPS][eta ").append(Units.eta(eta)).append(']');
        return sb.toString();
    }

    private static double fraction(JobProgress j, long now) {
        if (j.finished()) {
            return 1;
        }
        JobSpec s = j.spec();
        long started = j.startedNanos();
        if (started == 0) {
            return 0;
        }
        if (s.runtimeNs() > 0 && (s.timeBased() || !s.writeThenVerify())) {
            double byTime = (double) (now - started) / (s.rampNs() + s.runtimeNs());
            if (s.timeBased()) {
                return Math.min(1, byTime);
            }
            return Math.min(1, Math.max(byTime, bytesFraction(j)));
        }
        return Math.min(1, bytesFraction(j));
    }

    private static double bytesFraction(JobProgress j) {
        JobSpec s = j.spec();
        double total = (double) s.regionBytes() * (s.writeThenVerify() ? 2 : 1);
        return (j.read().progressBytes() + j.write().progressBytes()) / total;
    }

    private static long eta(JobProgress j, long now, double f) {
        long started = j.startedNanos();
        if (j.finished() || started == 0 || f <= 0) {
            return 0;
        }
        double elapsed = (now - started) / 1e9;
        return (long) Math.ceil(elapsed * (1 - f) / f);
    }

    /** Stops the reporter and erases its line. */
    @Override
    public void close() {
        stop = true;
        ReporterThreads.stop(thread, 2000);
        if (lastLength > 0) {
            synchronized (out) {
                out.print("\r" + " ".repeat(lastLength) + "\r");
                out.flush();
            }
        }
    }
}
