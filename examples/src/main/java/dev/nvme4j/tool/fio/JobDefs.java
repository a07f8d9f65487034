package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ToolException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Forms the jobs of a run as fio does from its command line and job files.
 *
 * <p>On the command line, job options before the first {@code --name} are defaults for every job;
 * each {@code --name=NAME} starts a job that the options after it describe. In job files,
 * {@code [global]} adds defaults for the sections after it and each other section is a job. The
 * command line's defaults come first, so a job file's own settings win over them (as in fio: the
 * command line changes fio's defaults, not what a job file says), and only for the first job file
 * (fio resets its defaults before each further one). The jobs of each job file after the first
 * start with a stonewall. {@code --section} picks jobs by name.
 */
public final class JobDefs {
    /** One job before it is resolved against a namespace: its options and how they were given. */
    public record JobDef(String name, FioOptions options, Set<String> given, List<String> args) {
    }

    /** fio options nvme4j knows and does not support, with the reason given to the user. */
    static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("io_submit_mode", "submission is always inline"),
            Map.entry("flow", "flow control between jobs is not supported"),
            Map.entry("latency_target", "latency targets are not supported"),
            Map.entry("zonemode", "zoned workloads are not supported"),
            Map.entry("cpus_allowed", "CPU affinity is not supported"),
            Map.entry("nrfiles", "there is one device, not files"),
            Map.entry("unlink", "there is one device, not files"),
            Map.entry("trim_percentage", "trims are not supported yet"),
            Map.entry("dedupe_percentage", "the data pattern is fixed"),
            Map.entry("scramble_buffers", "write data is random (or zeros: zero_buffers), never scrambled"));

    @Command(name = "fio")
    static final class Holder {
        @Mixin
        FioOptions options = new FioOptions();
    }

    private final CommandSpec jobSpec = new CommandLine(new Holder()).getCommandSpec();
    private final CommandSpec commandSpec;

    /** @param commandSpec the {@code fio} command, for its non-job options */
    public JobDefs(CommandSpec commandSpec) {
        this.commandSpec = commandSpec;
    }

    /**
     * The jobs of {@code args} (the words after {@code fio}) and {@code files}.
     *
     * @param sections {@code --section} names; empty for all
     */
    public List<JobDef> build(List<String> args, List<Path> files, List<String> sections, JobFile reader) {
        List<String> defaults = new ArrayList<>();
        List<List<String>> named = new ArrayList<>();
        for (String token : jobTokens(args)) {
            if (token.startsWith("--name=") && !token.equals("--name=global")) {
                named.add(new ArrayList<>());
            }
            (named.isEmpty() ? defaults : named.get(named.size() - 1)).add(token);
        }
        List<JobDef> jobs = new ArrayList<>();
        for (List<String> job : named) {
            String name = job.get(0).substring("--name=".length());
            if (sections.isEmpty() || sections.contains(name)) {
                List<String> all = new ArrayList<>(defaults);
                all.addAll(job);
                jobs.add(parse(name, all, "--name=" + name));
            }
        }
        for (int f = 0; f < files.size(); f++) {
            // fio resets its defaults before each job file after the first: the command line's
            // job options apply to the first job file only.
            List<String> global = new ArrayList<>(f == 0 ? defaults : List.of());
            boolean first = true;
            for (JobFile.Section s : reader.read(files.get(f))) {
                List<String> own = new ArrayList<>();
                for (JobFile.Entry e : s.entries()) {
                    check(e);
                    own.add(e.asArg());
                }
                if (s.global()) {
                    global.addAll(own);
                    continue;
                }
                if (!sections.isEmpty() && !sections.contains(s.name())) {
                    continue;
                }
                List<String> all = new ArrayList<>(global);
                all.add("--name=" + s.name());
                if (f > 0 && first) {
                    all.add("--stonewall"); // fio separates job files with a stonewall
                }
                all.addAll(own);
                first = false;
                jobs.add(parse(s.name(), all, "job '" + s.name() + "' (" + s.origin() + ")"));
            }
        }
        if (files.isEmpty() && named.isEmpty()) {
            jobs.add(parse(null, defaults, "the command line"));
        }
        if (jobs.isEmpty()) {
            throw ToolException.usage(sections.isEmpty() ? "no jobs: the job files have only [global] sections"
                    : "no job is called " + String.join(" or ", sections) + " (--section)");
        }
        return jobs;
    }

    /** fio's {@code --showcmd}: the job files as one command line. */
    public String showcmd(List<Path> files, JobFile reader) {
        StringBuilder sb = new StringBuilder("nvme4j fio");
        for (Path file : files) {
            for (JobFile.Section s : reader.read(file)) {
                if (!s.global()) {
                    sb.append(" --name=").append(s.name());
                }
                for (JobFile.Entry e : s.entries()) {
                    sb.append(' ').append(e.asArg());
                }
            }
        }
        return sb.toString();
    }

    /** The job options among the command's words, each as {@code --key=value} or {@code --key}. */
    List<String> jobTokens(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String t = args.get(i);
            if (!t.startsWith("-")) {
                continue; // a job file
            }
            int eq = t.indexOf('=');
            String name = eq < 0 ? t : t.substring(0, eq);
            OptionSpec job = jobSpec.findOption(name);
            OptionSpec any = job != null ? job : commandSpec.findOption(name);
            boolean separateValue = eq < 0 && any != null && any.arity().min() > 0 && i + 1 < args.size();
            String value = eq >= 0 ? t.substring(eq + 1) : separateValue ? args.get(++i) : null;
            if (job != null) {
                out.add(value == null ? name : name + "=" + value);
            }
        }
        return out;
    }

    /** Refuses an entry of a job file that is not a job option, naming file and line. */
    private void check(JobFile.Entry e) {
        String reason = UNSUPPORTED.get(e.key());
        if (reason != null) {
            throw ToolException.usage(e.origin() + ": fio's option '" + e.key() + "' is not supported: " + reason);
        }
        if (jobSpec.findOption("--" + e.key()) == null) {
            throw ToolException.usage(e.origin() + ": unknown option '" + e.key() + "'"
                    + (commandSpec.findOption("--" + e.key()) != null ? " in a job file (give it on the command line)"
                    : ""));
        }
        try {
            parseArgs(List.of(e.asArg()));
        } catch (CommandLine.ParameterException ex) {
            throw ToolException.usage(e.origin() + ": " + ex.getMessage());
        }
    }

    private JobDef parse(String name, List<String> args, String origin) {
        FioOptions o;
        try {
            o = parseArgs(args);
        } catch (CommandLine.ParameterException ex) {
            throw ToolException.usage(origin + ": " + ex.getMessage());
        }
        Set<String> given = new LinkedHashSet<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            given.add((eq < 0 ? a : a.substring(0, eq)).substring(2));
        }
        try {
            o.checkAlone();
        } catch (ToolException e) {
            throw name == null ? e : ToolException.usage("job '" + name + "': " + e.getMessage());
        }
        return new JobDef(o.jobName(), o, given, List.copyOf(args));
    }

    private static FioOptions parseArgs(List<String> args) {
        Holder h = new Holder();
        CommandLine cl = new CommandLine(h);
        cl.setOverwrittenOptionsAllowed(true);
        cl.parseArgs(args.toArray(String[]::new));
        return h.options;
    }
}
