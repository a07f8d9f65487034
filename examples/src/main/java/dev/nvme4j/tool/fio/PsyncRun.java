package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.block.BlockDevice;
import dev.nvme4j.block.BlockDeviceOptions;
import dev.nvme4j.tool.cli.ToolException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a set of jobs with {@code --ioengine=psync}: every job (each numjobs clone) is a virtual
 * thread making blocking calls, and all of them share one {@link BlockDevice} per namespace
 * (its default queue pairs, one per core, in the jobs' completion mode), all started together.
 * What the engine cannot do is refused before anything runs.
 *
 * <p>Thread model: {@link #run} on the caller's thread; {@link #requestStop} from any thread.
 */
public final class PsyncRun {
    private final Controller controller;
    private final List<JobSpec> specs;
    private final List<PsyncJob> jobs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stop;

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

    /** Stops every job (Ctrl-C): each ends after its current I/O. Any thread. */
    public void requestStop() {
        stop = true;
        jobs.forEach(PsyncJob::requestStop);
    }

    /** Runs the jobs to the end and returns their results in job order. */
    public List<JobResult> run() throws InterruptedException {
        Map<Integer, BlockDevice> devices = new LinkedHashMap<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<JobResult> results = new ArrayList<>();
        try {
            for (JobSpec s : specs) {
                BlockDevice dev = devices.computeIfAbsent(s.nsid(), n -> BlockDevice.open(controller, n,
                        BlockDeviceOptions.builder().completionMode(s.mode()).build()));
                PsyncJob job = new PsyncJob(s, controller, dev, s.options().engine.memKind(), go);
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
            go.countDown();
            for (Thread t : threads) {
                t.join(); // each I/O is bounded (BlockDeviceOptions.waitTimeout), the job's I/Os are too
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
