package dev.nvme4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering of the driver's packages, written down once ({@link #ALLOWED}) and checked on
 * the sources: every package uses only what its row allows, every package has a row, and the
 * rows form no cycle. What the module exports is checked on the module itself:
 * {@link ModuleEncapsulationTest}. docs/ARCHITECTURE.md explains the layers.
 */
class LayeringTest {
    private static final Path DRIVER_SRC = Path.of(System.getProperty("user.dir"))
            .resolve("../driver/src/main/java").normalize();
    private static final Path PACKAGES = DRIVER_SRC.resolve("dev/nvme4j");
    private static final String ROOT = "dev.nvme4j";

    /**
     * Package (relative to dev.nvme4j; "" is dev.nvme4j itself) to the packages it may use.
     * Bottom up. The driver core (spec, queue, ctrl) never names a device implementation (mock,
     * vfio, tcp); jextract's output (sys.gen) is used only by the native layer; the TCP transport
     * sits beside vfio, below the seam (device), and never reaches the queue layer.
     */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("sys.gen", Set.of()),
            Map.entry("sys", Set.of("sys.gen")),
            Map.entry("dma", Set.of("sys")),
            Map.entry("spec", Set.of()),
            Map.entry("api", Set.of()),
            Map.entry("device", Set.of("sys", "dma")),
            Map.entry("queue", Set.of("api", "spec", "dma", "device")),
            Map.entry("ctrl", Set.of("api", "spec", "dma", "device", "queue")),
            Map.entry("mock.config", Set.of()),
            Map.entry("mock", Set.of("api", "spec", "dma", "device", "sys", "mock.config")),
            Map.entry("vfio", Set.of("sys", "dma", "device")),
            Map.entry("tcp", Set.of("api", "spec", "dma", "device")),
            Map.entry("block", Set.of("api")),
            Map.entry("", Set.of("api", "ctrl", "mock", "mock.config", "vfio", "tcp")));

    /** A reference to a type of another package: an import or a fully qualified name. */
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.nvme4j((?:\\.[a-z]\\w*)*)\\.[A-Z]");

    @Test
    void everyPackageUsesOnlyWhatItsLayerAllows() {
        List<String> violations = new ArrayList<>();
        actualDependencies().forEach((pkg, uses) -> {
            Set<String> extra = new TreeSet<>(uses);
            extra.removeAll(ALLOWED.getOrDefault(pkg, Set.of()));
            if (!extra.isEmpty()) {
                violations.add(name(pkg) + " uses " + extra.stream().map(LayeringTest::name).toList());
            }
        });
        assertEquals(List.of(), violations, "layer violations (see ALLOWED and docs/ARCHITECTURE.md)");
    }

    @Test
    void everyPackageHasItsLayerWrittenDown() {
        Set<String> missing = new TreeSet<>(actualDependencies().keySet());
        missing.removeAll(ALLOWED.keySet());
        assertEquals(Set.of(), missing, "packages without a row in ALLOWED");
    }

    @Test
    void theLayersFormNoCycle() {
        assertEquals(List.of(), cycle(ALLOWED), "a cycle among the allowed dependencies");
        assertEquals(List.of(), cycle(actualDependencies()), "a cycle among the packages' dependencies");
    }

    @Test
    void theCycleCheckFindsACycle() {
        assertEquals(List.of("a", "b", "c", "a"),
                cycle(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"))));
    }

    @Test
    void referencesInCommentsAndStringsDoNotCount() {
        String source = """
                package dev.nvme4j.x;
                import dev.nvme4j.api.Controller;
                /** see {@link dev.nvme4j.ctrl.NvmeController} */
                class A { // dev.nvme4j.vfio.VfioPciFunction
                    String s = "dev.nvme4j.mock.MockNvmeController";
                    dev.nvme4j.spec.Sqe sqe;
                }
                """;
        assertEquals(Set.of("api", "spec"), referencedPackages(source, "x"));
    }

    /** Package to the other driver packages its sources reference. */
    private static Map<String, Set<String>> actualDependencies() {
        Map<String, Set<String>> deps = new TreeMap<>();
        for (Path file : sources(PACKAGES)) {
            if (file.getFileName().toString().equals("module-info.java")) {
                continue;
            }
            String pkg = PACKAGES.relativize(file.getParent()).toString().replace('/', '.');
            deps.computeIfAbsent(pkg, k -> new TreeSet<>()).addAll(referencedPackages(read(file), pkg));
        }
        return deps;
    }

    static Set<String> referencedPackages(String source, String self) {
        Set<String> used = new TreeSet<>();
        Matcher m = REFERENCE.matcher(stripCommentsAndStrings(source));
        while (m.find()) {
            String pkg = m.group(1).isEmpty() ? "" : m.group(1).substring(1);
            if (!pkg.equals(self)) {
                used.add(pkg);
            }
        }
        return used;
    }

    private static String stripCommentsAndStrings(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("(?s)\"\"\".*?\"\"\"", "\"\"")
                .replaceAll("\"(?:\\\\.|[^\"\\\\\\n])*\"", "\"\"")
                .replaceAll("//[^\\n]*", " ");
    }

    /** A cycle in the graph as a path that ends where it starts, or an empty list. */
    static List<String> cycle(Map<String, Set<String>> graph) {
        Set<String> done = new HashSet<>();
        for (String start : new TreeSet<>(graph.keySet())) {
            List<String> found = cycleFrom(start, graph, done, new ArrayDeque<>(), new HashSet<>());
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> cycleFrom(String node, Map<String, Set<String>> graph, Set<String> done,
                                          Deque<String> path, Set<String> onPath) {
        if (onPath.contains(node)) {
            List<String> c = new ArrayList<>(path);
            c = new ArrayList<>(c.subList(c.indexOf(node), c.size()));
            c.add(node);
            return c;
        }
        if (!done.add(node)) {
            return List.of();
        }
        path.addLast(node);
        onPath.add(node);
        for (String next : new TreeSet<>(graph.getOrDefault(node, Set.of()))) {
            List<String> c = cycleFrom(next, graph, done, path, onPath);
            if (!c.isEmpty()) {
                return c;
            }
        }
        path.removeLast();
        onPath.remove(node);
        return List.of();
    }

    private static String name(String pkg) {
        return pkg.isEmpty() ? ROOT : ROOT + "." + pkg;
    }

    private static List<Path> sources(Path dir) {
        assertTrue(Files.isDirectory(dir), "no source directory " + dir);
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".java")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
