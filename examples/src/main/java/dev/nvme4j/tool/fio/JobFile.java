package dev.nvme4j.tool.fio;

import dev.nvme4j.tool.cli.ToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads fio job files as fio does: {@code [section]} headers ({@code [global]} holds defaults
 * for the sections after it), one {@code key=value} or bare {@code key} per line, everything
 * after {@code ;} or {@code #} a comment, {@code include FILE} (relative to the including file
 * when not found as given), {@code ${VAR}} replaced by the environment variable (empty when unset)
 * and fio's keywords {@code $pagesize} and {@code $ncpus}. Stateless.
 */
public final class JobFile {
    /** One option line: its key, value (null for a bare flag) and where it came from. */
    public record Entry(String key, String value, String origin) {
        /** The option as a command-line argument, {@code --key=value} or {@code --key}. */
        public String asArg() {
            return value == null ? "--" + key : "--" + key + "=" + value;
        }
    }

    /** A section: {@code global} or a job, with its entries in file order. */
    public record Section(String name, List<Entry> entries, String origin) {
        public boolean global() {
            return name.startsWith("global");
        }
    }

    private static final int MAX_INCLUDE_DEPTH = 16;

    private final Function<String, String> env;

    /** A reader that takes variables from {@code env}. */
    public JobFile(Function<String, String> env) {
        this.env = env;
    }

    /** A reader that takes variables from the process environment. */
    public static JobFile withSystemEnv() {
        Map<String, String> e = System.getenv();
        return new JobFile(e::get);
    }

    /**
     * The sections of {@code file}, in order.
     *
     * @throws ToolException (usage) naming the file and line of what is wrong
     */
    public List<Section> read(Path file) {
        List<Section> sections = new ArrayList<>();
        List<Entry> current = null;
        for (Line line : lines(file, 0)) {
            String s = line.text;
            if (s.startsWith("[")) {
                if (line.included) {
                    throw bad(line, "an included file may not start a new section");
                }
                if (!s.endsWith("]") || s.length() < 3) {
                    throw bad(line, "expected a section header such as [global] or [job1] but was '" + s + "'");
                }
                current = new ArrayList<>();
                sections.add(new Section(s.substring(1, s.length() - 1).strip(), current, line.origin()));
                continue;
            }
            if (current == null) {
                throw bad(line, "option '" + s + "' outside of a [section]; put it under [global] or a job's [name]");
            }
            current.add(entry(line));
        }
        return sections;
    }

    private Entry entry(Line line) {
        String s;
        try {
            s = substitute(line.text);
        } catch (IllegalArgumentException e) {
            throw bad(line, e.getMessage());
        }
        int eq = s.indexOf('=');
        String key = (eq < 0 ? s : s.substring(0, eq)).strip();
        String value = eq < 0 ? null : s.substring(eq + 1).strip();
        if (key.isEmpty()) {
            throw bad(line, "expected key=value or a bare flag but was '" + line.text + "'");
        }
        return new Entry(key, value, line.origin());
    }

    /**
     * fio's substitutions: {@code ${VAR}} from the environment, {@code $pagesize}, {@code $ncpus}.
     *
     * @throws IllegalArgumentException naming a variable that is not set (fio 3.33 refuses the line too)
     */
    String substitute(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            int close;
            if (s.startsWith("${", i) && (close = s.indexOf('}', i + 2)) > i + 2) {
                String name = s.substring(i + 2, close);
                String v = env.apply(name);
                if (v == null) {
                    throw new IllegalArgumentException("${" + name + "} is not set in the environment (set it, e.g. "
                            + name + "=... nvme4j fio ..., or edit the job file)");
                }
                out.append(v);
                i = close + 1;
            } else if (s.startsWith("$pagesize", i)) {
                out.append(4096);
                i += "$pagesize".length();
            } else if (s.startsWith("$ncpus", i)) {
                out.append(Runtime.getRuntime().availableProcessors());
                i += "$ncpus".length();
            } else {
                out.append(s.charAt(i++));
            }
        }
        return out.toString();
    }

    private record Line(Path file, int number, String text, boolean included) {
        String origin() {
            return file + ":" + number;
        }
    }

    private List<Line> lines(Path file, int depth) {
        List<String> raw;
        try {
            raw = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw ToolException.usage("cannot read job file " + file + ": it does not exist");
        } catch (IOException e) {
            throw ToolException.usage("cannot read job file " + file + ": " + e.getMessage());
        }
        List<Line> out = new ArrayList<>();
        for (int n = 0; n < raw.size(); n++) {
            String s = stripComment(raw.get(n)).strip();
            if (s.isEmpty()) {
                continue;
            }
            Line line = new Line(file, n + 1, s, depth > 0);
            if (s.startsWith("include ") || s.startsWith("include\t")) {
                if (depth >= MAX_INCLUDE_DEPTH) {
                    throw bad(line, "includes nested more than " + MAX_INCLUDE_DEPTH + " deep (a loop?)");
                }
                Path inc;
                try {
                    inc = Path.of(substitute(s.substring("include".length()).strip()));
                } catch (IllegalArgumentException e) {
                    throw bad(line, e.getMessage());
                }
                if (!Files.exists(inc) && file.getParent() != null) {
                    inc = file.getParent().resolve(inc);
                }
                out.addAll(lines(inc, depth + 1));
                continue;
            }
            out.add(line);
        }
        return out;
    }

    private static String stripComment(String s) {
        int c = s.indexOf(';');
        int h = s.indexOf('#');
        int cut = c < 0 ? h : h < 0 ? c : Math.min(c, h);
        return cut < 0 ? s : s.substring(0, cut);
    }

    private static ToolException bad(Line line, String why) {
        return ToolException.usage(line.origin() + ": " + why);
    }
}
