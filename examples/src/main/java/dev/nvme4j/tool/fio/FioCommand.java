package dev.nvme4j.tool.fio;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.tool.Main;
import dev.nvme4j.tool.cli.TimeSpec;
import dev.nvme4j.tool.cli.ToolException;
import dev.nvme4j.tool.device.DeviceOpener;
import dev.nvme4j.tool.device.DeviceOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code nvme4j fio}: a benchmark and verifier with fio's option names, output layout and JSON
 * shape. Exits 0 when every job ran without I/O errors and verify mismatches, 1 otherwise.
 */
@Command(name = "fio", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Benchmark and verify with fio's options and job files, e.g.:",
            "  nvme4j fio --name=randread --rw=randread --bs=4k --iodepth=32 \\",
            "      --runtime=5 --time_based",
            "  nvme4j fio jobs.fio",
            "Job options before the first --name apply to every job; each --name starts a job.", ""})
public final class FioCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    FioOptions options = new FioOptions();

    @Mixin
    DeviceOptions device = new DeviceOptions();

    @Parameters(paramLabel = "JOBFILE", arity = "0..*",
            description = "fio job files: [global] and job sections of key=value lines.")
    List<Path> jobFiles = new ArrayList<>();

    @Option(names = "--section", paramLabel = "NAME", description = "Run only this job of the job files (repeatable).")
    List<String> sections = new ArrayList<>();

    @Option(names = "--showcmd", description = "Print the job files as one command line and exit.")
    boolean showcmd;

    @Option(names = "--output", paramLabel = "FILE", description = "Write the report to FILE instead of stdout.")
    Path output;

    @Option(names = "--aux-path", paramLabel = "DIR",
            description = "Where verify_dump writes its files (default: the working directory), as in fio.")
    Path auxPath;

    @Option(names = "--status-interval", paramLabel = "TIME", converter = TimeSpec.Positive.class,
            description = "Print each job's cumulative status every TIME (plain number: seconds).")
    Duration statusInterval;

    /**
     * The report formats. As in fio, {@code --minimal}, {@code --output-format} and
     * {@code --append-terse} apply in the order given: the first two set the formats, the last adds
     * terse to those set so far (picocli calls the setters in command-line order).
     */
    private FioFormat.Formats outputFormat = FioFormat.Formats.of(FioFormat.NORMAL);

    @Option(names = "--output-format", paramLabel = "FORMAT[,FORMAT...]", converter = FioFormat.Converter.class,
            description = "normal, json, json+ (json with fio's latency bins) or terse (also minimal or csv: fio's "
            + "semicolon-separated version 3), or several separated by commas as in fio (normal,json) (default "
            + "normal; as in fio, the last of --output-format and --minimal wins).")
    void outputFormat(FioFormat.Formats formats) {
        outputFormat = formats;
    }

    @Option(names = "--minimal", description = "fio's other name for --output-format=terse.")
    void minimal(boolean on) {
        if (on) {
            outputFormat = FioFormat.Formats.of(FioFormat.TERSE);
        }
    }

    @Option(names = "--append-terse", description = "Also print the terse line (fio's older spelling of "
            + "--output-format=...,terse; as in fio, it adds terse to the formats given before it).")
    void appendTerse(boolean on) {
        if (on) {
            outputFormat = outputFormat.with(FioFormat.TERSE);
        }
    }

    @Option(names = "--eta", paramLabel = "auto|always|never", converter = FioOptions.Eta.Converter.class,
            defaultValue = "auto", description = "Live progress line: on a terminal (auto, default), always or never.")
    FioOptions.Eta eta = FioOptions.Eta.AUTO;

    /** The psync runs so far (for Ctrl-C). */
    private final List<PsyncRun> psyncRuns = new CopyOnWriteArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        JobFile reader = JobFile.withSystemEnv();
        JobDefs defs = new JobDefs(spec);
        if (showcmd) {
            if (jobFiles.isEmpty()) {
                throw ToolException.usage("--showcmd needs a job file");
            }
            spec.commandLine().getOut().println(defs.showcmd(jobFiles, reader));
            return 0;
        }
        List<JobDefs.JobDef> jobs = defs.build(fioArgs(), jobFiles, sections, reader);
        PrintWriter err = spec.commandLine().getErr();
        Set<String> noted = new LinkedHashSet<>();
        for (JobDefs.JobDef j : jobs) {
            noted.addAll(j.options().notes);
            noted.addAll(j.options().compat.notes(j.given()));
        }
        noted.forEach(n -> err.println("nvme4j: note: " + n));
        err.flush();
        selectDevice(jobs);
        for (JobDefs.JobDef j : jobs) {
            j.options().checks.dumpDevice = device.device;
            j.options().checks.dumpDir = auxPath != null ? auxPath : Path.of("");
        }
        if (device.isTcp()) {
            for (JobDefs.JobDef j : jobs) {
                if (!j.given().contains("mode")) {
                    j.options().mode = FioOptions.Mode.IRQ; // block on the socket: see docs/PERFORMANCE.md, NVMe/TCP
                }
            }
        }
        ControllerOptions copts = ControllerOptions.builder()
                .completionMode(jobs.get(0).options().mode.completionMode())
                .maxIoQueuePairs(queuePairsNeeded(jobs))
                .build();
        if (jobs.stream().map(j -> EngineOptions.psync(j.options().compat.ioengine)).distinct().count() > 1) {
            throw ToolException.usage("Invalid value for option '--ioengine': the jobs of one run use one engine "
                    + "(psync or nvme4j), not both");
        }
        List<JobRunner> runners = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        // Ctrl-C: stop issuing, drain, report and close the controller cleanly, as fio does.
        Thread hook = new Thread(() -> {
            runners.forEach(JobRunner::requestStop);
            psyncRuns.forEach(PsyncRun::requestStop);
            try {
                done.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nvme4j-interrupt");
        boolean hooked = installHook(hook);
        try (Controller controller = main.source().open(device, copts); PrintWriter out = reportWriter()) {
            return runAndReport(controller, jobs, runners, out);
        } finally {
            done.countDown();
            if (hooked) {
                removeHook(hook);
            }
        }
    }

    /** The words after {@code fio} on the command line. */
    private List<String> fioArgs() {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        int at = all.indexOf(spec.name());
        return at < 0 ? all : all.subList(at + 1, all.size());
    }

    /** {@code filename=} names the device unless {@code --device} was given. */
    private void selectDevice(List<JobDefs.JobDef> jobs) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--device")) {
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (JobDefs.JobDef j : jobs) {
            if (j.options().filename != null) {
                names.add(j.options().filename);
            }
        }
        if (names.size() > 1) {
            throw ToolException.usage("Invalid value for option '--filename': the jobs name different devices "
                    + names + "; nvme4j runs every job of a run on one controller");
        }
        if (names.size() == 1) {
            String name = names.iterator().next();
            if (!name.equalsIgnoreCase(DeviceOptions.MOCK) && !DeviceOpener.looksLikePci(name)
                    && !name.regionMatches(true, 0, DeviceOptions.TCP, 0, DeviceOptions.TCP.length())) {
                throw ToolException.usage("Invalid value for option '--filename': expected 'mock', the PCI address "
                        + "of an NVMe controller bound to vfio-pci (e.g. 0000:01:00.0) or tcp://HOST:PORT/SUBNQN but was '"
                        + name + "'; "
                        + dev.nvme4j.tool.device.KernelDeviceNames.hint(name, "--ns")
                                .orElse("nvme4j does not use block devices or files")
                        + " (give --device=mock to run this job file on the mock)");
            }
            device.device = name;
        }
    }

    /** The most queue pairs that run at once: the jobs between two stonewalls. */
    private static int queuePairsNeeded(List<JobDefs.JobDef> jobs) {
        if (EngineOptions.psync(jobs.get(0).options().compat.ioengine)) {
            return PsyncRun.queuePairs(); // one shared BlockDevice, whatever numjobs says
        }
        int most = 1;
        int phase = 0;
        for (int i = 0; i < jobs.size(); i++) {
            FioOptions o = jobs.get(i).options();
            phase = i > 0 && o.stonewall ? o.numjobs : phase + o.numjobs;
            most = Math.max(most, phase);
        }
        return most;
    }

    private PrintWriter reportWriter() {
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            return new PrintWriter(out) {
                @Override
                public void close() {
                    flush(); // stdout stays open
                }
            };
        }
        try {
            return new PrintWriter(Files.newBufferedWriter(output));
        } catch (IOException e) {
            throw ToolException.usage("Invalid value for option '--output': cannot write " + output + ": " + e);
        }
    }

    private Integer runAndReport(Controller controller, List<JobDefs.JobDef> jobs, List<JobRunner> runners,
                                 PrintWriter out) throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        List<List<JobSpec>> phases = new ArrayList<>();
        List<JobSpec> all = new ArrayList<>();
        List<Boolean> grouped = new ArrayList<>();
        int group = -1;
        for (int i = 0; i < jobs.size(); i++) {
            FioOptions o = jobs.get(i).options();
            if (i == 0 || o.stonewall || o.newGroup) {
                group++;
                grouped.add(false);
            }
            if (i == 0 || o.stonewall) {
                phases.add(new ArrayList<>());
            }
            if (o.groupReporting) {
                grouped.set(group, true);
            }
            Namespace ns = namespace(controller, o.nsid);
            List<JobSpec> specs;
            try {
                specs = o.plan(controller.info(), ns, group, all.size() + 1);
            } catch (ToolException e) {
                String message = e.getMessage() + mockHint(e.getMessage());
                throw ToolException.usage(jobs.size() == 1 ? message : "job '" + jobs.get(i).name() + "': " + message);
            }
            phases.get(phases.size() - 1).addAll(specs);
            all.addAll(specs);
        }
        FioFormat.Formats formats = outputFormat;
        boolean normal = formats.has(FioFormat.NORMAL);
        if (normal) {
            new NormalReport(out).header(all);
        }
        boolean terminal = switch (eta) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> System.console() != null && System.console().isTerminal() && formats.normalOnly()
                    && output == null;
        };
        List<JobResult> results = new ArrayList<>();
        for (List<JobSpec> phase : phases) {
            if (EngineOptions.psync(phase.get(0).options().compat.ioengine)) {
                PsyncRun run = new PsyncRun(controller, phase);
                if (statusInterval != null) {
                    run.statusEvery(statusInterval, out);
                }
                psyncRuns.add(run);
                results.addAll(run.run(terminal ? spec.commandLine().getOut() : null));
                if (run.stopRequested() || ToolException.ifDeviceGone(controller, "", null) != null) {
                    break;
                }
                continue;
            }
            FioRun run = new FioRun(controller, phase);
            if (statusInterval != null) {
                run.statusEvery(statusInterval, out);
            }
            results.addAll(run.run(terminal ? spec.commandLine().getOut() : null, runners));
            if (runners.stream().anyMatch(JobRunner::stopRequested) || run.exitedAll()) {
                break; // Ctrl-C, or exitall with exit_what=all: report what ran
            }
            if (ToolException.ifDeviceGone(controller, "", null) != null) {
                break; // the device went away: no later phase can run; report what ran
            }
        }
        ControllerCounters counters = controller.counters();
        List<ReportBlock> blocks = new ArrayList<>();
        List<List<ReportBlock>> byGroup = new ArrayList<>();
        for (int g = 0; g <= group; g++) {
            List<JobResult> inGroup = inGroup(results, g);
            List<ReportBlock> groupBlocks = new ArrayList<>();
            if (grouped.get(g) && !inGroup.isEmpty()) {
                groupBlocks.add(ReportBlock.merge(inGroup));
            } else {
                inGroup.forEach(r -> groupBlocks.add(ReportBlock.of(r)));
            }
            byGroup.add(groupBlocks);
            blocks.addAll(groupBlocks);
        }
        // fio's order, whatever the order given: terse, JSON, normal
        if (formats.has(FioFormat.TERSE)) {
            new TerseReport(out).print(blocks);
        }
        if (formats.json()) {
            new JsonReport(out).print(blocks, counters, formats.has(FioFormat.JSON_PLUS));
        }
        for (int g = 0; g <= group && normal; g++) {
            List<JobResult> inGroup = inGroup(results, g);
            if (!inGroup.isEmpty()) {
                new NormalReport(out).print(byGroup.get(g), inGroup, g, g == group ? counters : null);
            }
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

    /** What to give the mock so that a job file written for a big disk or 512-byte blocks runs on it. */
    private String mockHint(String message) {
        if (!device.isMock()) {
            return "";
        }
        if (message.startsWith("Invalid value for option '--size'") && message.contains(" need ")) {
            return "; on the mock, give it room with --mock-capacity=SIZE (RAM is used only where written; "
                    + "--mock-backing=null stores nothing)";
        }
        if (message.contains("multiple of the LBA size")) {
            return "; on the mock, --mock-lba-size=512 gives 512-byte blocks";
        }
        return "";
    }

    private static List<JobResult> inGroup(List<JobResult> results, int group) {
        List<JobResult> out = new ArrayList<>();
        for (JobResult r : results) {
            if (r.spec().group() == group) {
                out.add(r);
            }
        }
        return out;
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
                for (Mismatch m : r.mismatches()) {
                    if (m.dump() != null) { // as fio's verify_dump says
                        err.println("nvme4j: " + job + ": lba " + m.lba() + ": received data dumped as " + m.dump()
                                + ".received, expected data dumped as " + m.dump() + ".expected");
                    }
                }
                status = ToolException.FAILURE;
            }
        }
        err.flush();
        return status;
    }
}
