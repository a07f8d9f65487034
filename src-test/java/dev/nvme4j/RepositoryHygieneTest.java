package dev.nvme4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Checks on the repository's own files that no compiler makes. */
class RepositoryHygieneTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).resolve("..").normalize();
    private static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules");
    /** The longest a hand-written source file may be (issue 19): beyond it, split along responsibilities. */
    static final int MAX_SOURCE_LINES = 450;
    /**
     * Where the size rule applies: every hand-written Java source, the test suites and their fakes
     * included (a fake target or a test class past the limit splits by the behaviour groups it covers).
     */
    private static final List<String> SIZE_RULE_ROOTS = List.of("driver/src/main", "examples/src/main", "tools",
            "src-test/jmh/java", "src-test/java");
    /** jextract's output carries this in its first lines; it is regenerated, never edited. */
    private static final String GENERATED_MARKER = "GENERATED FILE - DO NOT EDIT BY HAND";

    @Test
    void noFileKeepsTheMarkersOfAnUnfinishedMerge() {
        List<String> found = new ArrayList<>();
        for (Path file : textFiles()) {
            List<String> lines = lines(file);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("<<<<<<< ") || line.startsWith(">>>>>>> ")) {
                    found.add(ROOT.relativize(file) + ":" + (i + 1));
                }
            }
        }
        assertEquals(List.of(), found, "merge conflict markers");
    }

    @Test
    void noHandWrittenSourceFileIsLongerThanTheLimit() {
        List<String> tooLong = new ArrayList<>();
        int checked = 0;
        for (Path file : textFiles()) {
            String rel = ROOT.relativize(file).toString().replace('\\', '/');
            if (underSizeRule(rel)) {
                checked++;
                String v = sizeViolation(rel, lines(file));
                if (v != null) {
                    tooLong.add(v);
                }
            }
        }
        assertTrue(checked > 100, "the check found only " + checked + " source files under " + SIZE_RULE_ROOTS);
        assertEquals(List.of(), tooLong, "hand-written source files over " + MAX_SOURCE_LINES
                + " lines: split each along its responsibilities");
    }

    @Test
    void theSizeRuleCatchesAnOverlongFileAndSkipsGeneratedCode() {
        List<String> atLimit = new ArrayList<>();
        for (int i = 0; i < MAX_SOURCE_LINES; i++) {
            atLimit.add("// line " + i);
        }
        List<String> overLimit = new ArrayList<>(atLimit);
        overLimit.add("}");
        List<String> generated = new ArrayList<>(overLimit);
        generated.set(0, "// " + GENERATED_MARKER);
        String main = "driver/src/main/java/dev/nvme4j/ctrl/Big.java";
        assertEquals(null, sizeViolation(main, atLimit));
        assertEquals(main + " (" + (MAX_SOURCE_LINES + 1) + " lines)", sizeViolation(main, overLimit));
        assertEquals(null, sizeViolation("driver/src/main/java/dev/nvme4j/sys/gen/big.java", generated));
        assertTrue(underSizeRule(main) && underSizeRule("examples/src/main/java/dev/nvme4j/tool/fio/X.java")
                && underSizeRule("tools/vm/Hotplug.java") && underSizeRule("src-test/jmh/java/dev/nvme4j/bench/B.java"));
        assertTrue(underSizeRule("src-test/java/dev/nvme4j/ctrl/RecoveryTest.java")
                && !underSizeRule("driver/src/main/java/dev/nvme4j/Notes.md"));
    }

    private static boolean underSizeRule(String rel) {
        return rel.endsWith(".java") && SIZE_RULE_ROOTS.stream().anyMatch(r -> rel.startsWith(r + "/"));
    }

    /** The complaint about a source file under the size rule, or null when it keeps it (or is generated). */
    private static String sizeViolation(String rel, List<String> lines) {
        boolean generated = lines.stream().limit(5).anyMatch(l -> l.contains(GENERATED_MARKER));
        return !generated && lines.size() > MAX_SOURCE_LINES ? rel + " (" + lines.size() + " lines)" : null;
    }

    private static List<Path> textFiles() {
        assertTrue(Files.isRegularFile(ROOT.resolve("pom.xml")), "repository root not found at " + ROOT);
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> {
                        for (Path part : ROOT.relativize(p)) {
                            if (SKIPPED_DIRS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return Files.isRegularFile(p);
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines, or none when it is not text (binary, or another encoding). */
    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (MalformedInputException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
