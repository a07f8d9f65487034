package dev.nvme4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering rules of the architecture, checked on the driver's sources: generated bindings
 * stay inside the native layer and the driver core never knows which device it drives. What
 * the module exports is checked on the module itself: {@link ModuleEncapsulationTest}.
 */
class LayeringTest {
    private static final Path DRIVER_SRC = Path.of(System.getProperty("user.dir"))
            .resolve("../driver/src/main/java").normalize();
    private static final Path PACKAGES = DRIVER_SRC.resolve("dev/nvme4j");

    @Test
    void generatedBindingsAreUsedOnlyByTheNativeLayer() {
        List<String> offenders = sourcesOutside("sys").stream()
                .filter(p -> read(p).contains("dev.nvme4j.sys.gen"))
                .map(p -> PACKAGES.relativize(p).toString())
                .toList();
        assertTrue(offenders.isEmpty(), "jextract output used outside dev.nvme4j.sys: " + offenders);
    }

    @Test
    void driverCoreDoesNotKnowWhichDeviceItDrives() {
        Pattern deviceImpl = Pattern.compile("import\\s+dev\\.nvme4j\\.(mock|vfio)\\b");
        List<String> offenders = Stream.of("ctrl", "queue", "spec")
                .flatMap(pkg -> sources(PACKAGES.resolve(pkg)).stream())
                .filter(p -> deviceImpl.matcher(read(p)).find())
                .map(p -> PACKAGES.relativize(p).toString())
                .toList();
        assertTrue(offenders.isEmpty(), "driver core imports a device implementation: " + offenders);
    }

    @Test
    void tcpTransportStaysBelowTheQueueLayer() {
        // dev.nvme4j.tcp is the NVMe/TCP half below the future transport seam: it may use the spec
        // layouts and the API's status types, nothing of the PCIe driver; and nothing uses it yet
        // but the tool and the tests (the seam will be the one place that does).
        Pattern forbidden = Pattern.compile("import\\s+(static\\s+)?dev\\.nvme4j\\.(ctrl|queue|mock|vfio|sys|device|dma)\\b");
        List<String> offenders = sources(PACKAGES.resolve("tcp")).stream()
                .filter(p -> forbidden.matcher(read(p)).find())
                .map(p -> PACKAGES.relativize(p).toString())
                .toList();
        assertTrue(offenders.isEmpty(), "the TCP transport imports the PCIe driver: " + offenders);
        Pattern usesTcp = Pattern.compile("import\\s+(static\\s+)?dev\\.nvme4j\\.tcp\\b");
        List<String> users = sourcesOutside("tcp").stream()
                .filter(p -> usesTcp.matcher(read(p)).find())
                .map(p -> PACKAGES.relativize(p).toString())
                .toList();
        assertTrue(users.isEmpty(), "driver code uses the TCP transport before the seam exists: " + users);
    }

    private static List<Path> sourcesOutside(String pkg) {
        Path excluded = PACKAGES.resolve(pkg);
        return sources(PACKAGES).stream().filter(p -> !p.startsWith(excluded)).toList();
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
