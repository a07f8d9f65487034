package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.block.BlockDevice;
import dev.nvme4j.block.BlockDeviceOptions;
import dev.nvme4j.tool.cli.ToolException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a set of jobs with {@code --ioengine=psync}: every job (each numjobs clone) is a virtual
 * thread making blocking calls, and all of them share one {@link BlockDevice} per namespace
 * (its default queue pairs, one per core, in the jobs' completion mode), all started together.
 * What the engine cannot do is refused before anything runs. The report, the status lines and
 * the progress line are the nvme4j engine's ({@link RunReporters}).
 *
 * <p>Thread model: {@link #statusEvery} then {@link #run} on the caller's thread;
 * {@link #requestStop} and {@link #stopRequested} from any thread.
 */
public final class PsyncRun {
    private final Controller controller;
    private final List<JobSpec> specs;
    private final List<PsyncJob> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stop;
    private PrintWriter statusOut;
    private Duration statusInterval;

    public PsyncRun(Controller controller, List<JobSpec> specs) {
        this.controller = controller;
        this.specs = List.copyOf(specs);
        for (JobSpec s : this.specs) {
            check(s);
        }
    }

    /** Queue pairs a psync run uses on the controller: the shared device's, one per core. */
    public static int queuePairs() {
        return BlockDeviceOptions.defaults().queuePairs();
    }

    /** Entries of each of those queue pairs. */
    public static int queueDepth() {
        return BlockDeviceOptions.defaults().queueDepth();
    }

    /** True once {@link #requestStop()} was called (Ctrl-C: no later phase runs). */
    public boolean stopRequested() {
        return stop;
    }

    /** Stops every job (Ctrl-C): each ends after its current I/O. Any thread. */
    public void requestStop() {
        stop = true;
        jobs.forEach(PsyncJob::requestStop);
    }

    /** Prints each job's cumulative status to {@code out} every {@code interval} (fio's --status-interval). */
    public PsyncRun statusEvery(Duration interval, PrintWriter out) {
        this.statusInterval = interval;
        this.statusOut = out;
        return this;
    }

    /** Runs the jobs to the end, without a progress line, and returns their results in job order. */
    public List<JobResult> run() throws InterruptedException {
        return run(null);
    }

    /**
     * Runs the jobs to the end and returns their results in job order.
     *
     * @param progress where to draw the live status line, or null for none
     */
    public List<JobResult> run(PrintWriter progress) throws InterruptedException {
        Map<Integer, BlockDevice> devices = new LinkedHashMap<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<JobResult> results = new ArrayList<>();
        try {
            for (JobSpec s : specs) {
                BlockDevice dev = devices.computeIfAbsent(s.nsid(), n -> BlockDevice.open(controller, n,
                        BlockDeviceOptions.builder().completionMode(s.mode()).build()));
                PsyncJob job = new PsyncJob(s, controller, dev, s.options().engine.memKind(), go, specs.size());
                jobs.add(job);
                if (stop) {
                    job.requestStop();
                }
                results.add(null);
                int at = results.size() - 1;
                threads.add(Thread.ofVirtual().name("nvme4j-psync-" + s.name() + "-" + s.index())
                        .start(() -> {
                            JobResult r = job.call();
                            synchronized (results) {
                                results.set(at, r);
                            }
                        }));
            }
            RunReporters reporters = new RunReporters(jobs, progress, statusInterval, statusOut);
            go.countDown();
            reporters.start();
            try {
                for (Thread t : threads) {
                    t.join(); // each I/O is bounded (BlockDeviceOptions.waitTimeout), the job's I/Os are too
                }
            } finally {
                reporters.close();
            }
        } finally {
            go.countDown();
            for (BlockDevice d : devices.values()) {
                d.close();
            }
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    private static void check(JobSpec s) {
        if (s.flow().sizes().min() != s.bs()) {
            throw ToolException.usage("job '" + s.name() + "': --ioengine=psync needs one block size (no bsrange/"
                    + "bssplit; use --ioengine=nvme4j)");
        }
        if (s.flow().paced()) {
            throw ToolException.usage("job '" + s.name() + "': --ioengine=psync does not pace (rate/thinktime; use "
                    + "--ioengine=nvme4j)");
        }
        if (s.options().seqRun != 1 || s.options().seqAdd != 0) {
            throw ToolException.usage("job '" + s.name() + "': --ioengine=psync does not take rw modifiers (use "
                    + "--ioengine=nvme4j)");
        }
    }
}
