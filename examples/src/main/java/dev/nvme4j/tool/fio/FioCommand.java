package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.tool.Main;
import dev.nvme4j.tool.cli.OutputFormat;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.device.DeviceOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nvme4j fio}: a benchmark and verifier with fio's option names, output layout and JSON
 * shape. Exits 0 when every job ran without I/O errors and verify mismatches, 1 otherwise.
 */
@Command(name = "fio", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark and verify with fio's options, e.g.:",
            "  nvme4j fio --name=randread --rw=randread --bs=4k --iodepth=32 \\",
            "      --runtime=5 --time_based", ""})
public final class FioCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    FioOptions options = new FioOptions();

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Override
    public Integer call() throws InterruptedException {
        options.checkAlone();
        ControllerOptions copts = ControllerOptions.builder()
                .completionMode(options.mode.completionMode())
                .maxIoQueuePairs(Math.max(options.numjobs, 1))
                .build();
        List<JobRunner> runners = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: stop issuing, drain, report and close the controller cleanly, as fio does.
        Thread hook = new Thread(() -> {
            runners.forEach(JobRunner::requestStop);
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nvme4j-interrupt");
        boolean hooked = installHook(hook);
        try (Controller controller = main.source().open(device, copts)) {
            return runAndReport(controller, runners);
        } finally {
            done.countDown();
            if (hooked) {
                removeHook(hook);
            }
        }
    }

    private Integer runAndReport(Controller controller, List<JobRunner> runners) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Namespace ns = namespace(controller, options.nsid);
        List<JobSpec> jobs = options.plan(controller.info(), ns);
        boolean json = options.outputFormat == OutputFormat.JSON;
        if (!json) {
            new NormalReport(out).header(jobs.get(0), jobs.size());
        }
        boolean terminal = switch (options.eta) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> System.console() != null && System.console().isTerminal() && !json;
        };
        {
            List<JobResult> results = new FioRun(controller, jobs).run(terminal ? out : null, runners);
            ControllerCounters counters = controller.counters();
            List<ReportBlock> blocks = new ArrayList<>();
            if (options.groupReporting) {
                blocks.add(ReportBlock.merge(results));
            } else {
                results.forEach(r -> blocks.add(ReportBlock.of(r)));
            }
            if (json) {
                new JsonReport(out).print(blocks, options, counters);
            } else {
                new NormalReport(out).print(blocks, results, counters);
            }
            out.flush();
            int status = summarize(results, err);
            ToolException gone = ToolException.ifDeviceGone(controller, "every job was stopped; the report above covers"
                    + " the run until then", null);
            if (gone != null) {
                err.println("nvme4j: " + gone.getMessage());
                err.flush();
                status = ToolException.FAILURE;
            }
            return status;
        }
    }

    private static boolean installHook(Thread hook) {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            return true;
        } catch (IllegalStateException e) {
            return false; // already shutting down
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running and waits for the report
        }
    }

    /** The namespace {@code nsid}, or a usage error naming the active ones. */
    static Namespace namespace(Controller controller, int nsid) {
        try {
            return controller.namespace(nsid);
        } catch (IllegalArgumentException e) {
            throw ToolException.usage("Invalid value for option '--ns': " + e.getMessage());
        }
    }

    private static int summarize(List<JobResult> results, PrintWriter err) {
        int status = 0;
        for (JobResult r : results) {
            String job = "job '" + r.spec().name() + "' #" + r.spec().index();
            if (r.failure() != null) {
                err.println("nvme4j: " + job + " failed: " + r.failure());
                status = ToolException.FAILURE;
            }
            if (r.ioErrors() > 0) {
                err.println("nvme4j: " + job + ": " + r.ioErrors() + " I/O error(s), first: " + r.firstError());
                status = ToolException.FAILURE;
            }
            if (r.mismatchCount() > 0) {
                Mismatch first = r.mismatches().get(0);
                err.println("nvme4j: " + job + ": verify failed: " + r.mismatchCount() + " bad block(s), first "
                        + first.describe());
                status = ToolException.FAILURE;
            }
        }
        err.flush();
        return status;
    }
}
