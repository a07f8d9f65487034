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
    static final Map<String, String> UNSUPPORTED = unsupported();

    private static Map<String, String> unsupported() {
        Map<String, String> m = new java.util.HashMap<>();
        String files = "nvme4j works on one NVMe namespace, not on files; give the job's region with size and offset";
        String cpus = "CPU and NUMA placement is not supported; pin the whole process with taskset or numactl";
        String prio = "nvme4j gives commands no priority (NVMe queue arbitration is not used); remove it";
        String lat = "nvme4j always records slat, clat and lat; remove it";
        for (String k : List.of("nrfiles", "filename_format", "create_on_open", "unlink", "unlink_each_loop",
                "file_service_type", "opendir", "openfiles", "fallocate", "pre_read")) {
            m.put(k, files);
        }
        for (String k : List.of("cpus_allowed", "cpumask", "cpus_allowed_policy", "numa_cpu_nodes",
                "numa_mem_policy")) {
            m.put(k, cpus);
        }
        for (String k : List.of("cmdprio_percentage", "cmdprio", "cmdprio_class", "cmdprio_bssplit", "prio",
                "prioclass", "log_prio")) {
            m.put(k, prio);
        }
        for (String k : List.of("disable_lat", "disable_clat", "disable_slat", "disable_bw_measurement")) {
            m.put(k, lat);
        }
        for (String k : List.of("flow", "flow_id", "flow_watermark", "flow_sleep")) {
            m.put(k, "flow control between jobs is not supported; pace each job with rate_iops or rate instead");
        }
        for (String k : List.of("latency_target", "latency_window", "latency_percentile", "latency_run")) {
            m.put(k, "nvme4j does not search for the depth that meets a latency target; run fixed iodepth values "
                    + "and compare their clat percentiles");
        }
        for (String k : List.of("steadystate", "ss", "ss_dur", "ss_ramp", "steadystate_duration",
                "steadystate_ramp_time")) {
            m.put(k, "steady-state detection is not supported; run time_based for a fixed runtime and compare the "
                    + "windows of write_bw_log / write_iops_log with log_avg_msec");
        }
        for (String k : List.of("continue_on_error", "ignore_error", "error_dump")) {
            m.put(k, "a job stops at its first I/O error and reports it with its NVMe status; remove it");
        }
        for (String k : List.of("trim_percentage", "trim_backlog", "trim_backlog_batch", "trim_verify_zero")) {
            m.put(k, "trims inside a write workload are not supported; run rw=trim or randtrim as a job of its own");
        }
        for (String k : List.of("md_per_io_size", "pi_act", "pi_chk", "apptag", "apptag_mask")) {
            m.put(k, "use --pi=host|controller|off and --pi-check=guard,app,ref: the metadata buffers follow the "
                    + "namespace's format");
        }
        m.put("zonemode", "nvme4j has no zoned namespace support (zone append, zone management); run the workload "
                + "on a conventional namespace");
        m.put("fdp", "Flexible Data Placement is not supported; remove it");
        m.put("dedupe_percentage", "write data is random or a pattern, not deduplicable in shares; use "
                + "buffer_compress_percentage or buffer_pattern");
        m.put("scramble_buffers", "write data is random (or zeros: zero_buffers), never scrambled");
        m.put("verify_async", "verification runs on each job's own thread; remove it");
        m.put("verify_state_save", "verify state is not saved; use do_verify=0 then verify_only with the same options");
        m.put("verify_state_load", "verify state is not saved; use do_verify=0 then verify_only with the same options");
        return Map.copyOf(m);
    }

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
        for (int i = 0; i < jobs.size(); i++) {
            String waitee = jobs.get(i).options().waitFor;
            if (waitee != null && jobs.subList(0, i).stream().noneMatch(j -> j.name().equals(waitee))) {
                throw ToolException.usage("job '" + jobs.get(i).name() + "': Invalid value for option '--wait_for': "
                        + "no job called '" + waitee + "' before it (as in fio, the job waited for is defined first)");
            }
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
                    : " (not a fio job option nvme4j knows; the options of fio's other I/O engines do not apply)"));
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
