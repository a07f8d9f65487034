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
