package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * Runs a set of jobs on one controller: one platform thread per job, all started together once
 * every job has its queue pair and buffers, optionally with a {@link ProgressReporter}.
 */
public final class FioRun {
    private final Controller controller;
    private final List<JobSpec> specs;
    private PrintWriter statusOut;
    private java.time.Duration statusInterval;
    /** An exitall job with exit_what=all finished: no later job is to start. */
    private volatile boolean exitedAll;

    public FioRun(Controller controller, List<JobSpec> specs) {
        this.controller = controller;
        this.specs = List.copyOf(specs);
    }

    /** True when an exitall job with exit_what=all finished: the run ends after these jobs. */
    public boolean exitedAll() {
        return exitedAll;
    }

    /** fio's exitall: {@code finished}'s job stops the others of its group, or all of these (exit_what). */
    private void exitAll(JobSpec finished, List<JobRunner> runners) {
        FioOptions o = finished.options();
        if (!o.exitall) {
            return;
        }
        exitedAll |= o.exitWhat == FioOptions.ExitWhat.ALL;
        for (JobRunner r : runners) {
            if (o.exitWhat != FioOptions.ExitWhat.GROUP || r.spec().group() == finished.group()) {
                r.terminate();
            }
        }
    }

    /** Prints each job's cumulative status to {@code out} every {@code interval} (fio's --status-interval). */
    public FioRun statusEvery(java.time.Duration interval, PrintWriter out) {
        this.statusInterval = interval;
        this.statusOut = out;
        return this;
    }

    /**
     * Runs the jobs to the end and returns their results in job order.
     *
     * @param progress where to draw the live status line, or null for none
     */
    public List<JobResult> run(PrintWriter progress) throws InterruptedException {
        return run(progress, null);
    }

    /**
     * Runs the jobs; {@code runners} (when not null) receives them as soon as they exist, so that
     * another thread may {@link JobRunner#requestStop() stop} them.
     */
    public List<JobResult> run(PrintWriter progress, List<JobRunner> runnersOut) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(specs.size());
        CountDownLatch go = new CountDownLatch(1);
        List<JobRunner> runners = new ArrayList<>();
        List<FutureTask<JobResult>> tasks = new ArrayList<>();
        for (JobSpec spec : specs) {
            JobRunner runner = new JobRunner(spec, controller, ready, go);
            String waitFor = spec.options().waitFor;
            if (waitFor != null) { // fio's wait_for: the jobs of that name defined before this one
                runner.waitFor(runners.stream().filter(r -> r.spec().name().equals(waitFor)).toList());
            }
            runners.add(runner);
            FutureTask<JobResult> task = new FutureTask<>(() -> {
                JobResult r = runner.call();
                exitAll(spec, runners);
                return r;
            });
            tasks.add(task);
            Thread t = new Thread(task, "nvme4j-job-" + spec.name() + "-" + spec.index());
            t.setDaemon(true);
            t.start();
        }
        if (runnersOut != null) {
            runnersOut.addAll(runners);
        }
        ready.await();
        RunReporters reporters = new RunReporters(runners, progress, statusInterval, statusOut);
        go.countDown();
        reporters.start();
        List<JobResult> results = new ArrayList<>();
        try {
            for (FutureTask<JobResult> task : tasks) {
                try {
                    results.add(task.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("job failed: " + e.getCause(), e.getCause());
                }
            }
        } finally {
            reporters.close();
        }
        return results;
    }
}
