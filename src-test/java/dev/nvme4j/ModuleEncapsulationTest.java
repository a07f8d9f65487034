package dev.nvme4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InaccessibleObjectException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The driver as a JPMS module, loaded from its build output into a module layer of its own
 * (the test suites themselves run on the class path): only the API and the mock configuration
 * are exported, and the driver's internals behind the API's interfaces cannot be reached from
 * another module, not even by reflection.
 */
class ModuleEncapsulationTest {
    private ModuleLayer layer;
    private Module driver;
    private AutoCloseable mock;
    private AutoCloseable ctrl;

    @BeforeEach
    void loadTheDriverAsAModule() {
        ModuleFinder finder = ModuleFinder.of(codeSource(Nvme.class), codeSource(LoggerFactory.class));
        Configuration cf = ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("dev.nvme4j"));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(ModuleLayer.boot()),
                ClassLoader.getPlatformClassLoader());
        layer = controller.layer();
        driver = layer.findModule("dev.nvme4j").orElseThrow();
        controller.enableNativeAccess(driver);
    }

    @AfterEach
    void closeWhatWasOpened() throws Exception {
        if (ctrl != null) {
            ctrl.close();
        }
        if (mock != null) {
            mock.close();
        }
    }

    @Test
    void theModuleExportsOnlyTheEntryPointTheApiAndTheMockConfigurationToEveryone() {
        Set<String> exported = driver.getDescriptor().exports().stream()
                .peek(e -> assertFalse(e.isQualified(), "qualified export " + e))
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("dev.nvme4j", "dev.nvme4j.api", "dev.nvme4j.block", "dev.nvme4j.mock.config"), exported);
        assertTrue(driver.getDescriptor().opens().isEmpty(), "opens: " + driver.getDescriptor().opens());
        assertFalse(driver.getDescriptor().isOpen(), "an open module exposes everything to reflection");
        for (String pkg : driver.getPackages()) {
            boolean api = exported.contains(pkg);
            assertEquals(api, driver.isExported(pkg), pkg);
        }
    }

    @Test
    void aQueuePairsImplementationIsOutOfReachOfApplications() throws Exception {
        ClassLoader loader = driver.getClassLoader();
        Class<?> configClass = loader.loadClass("dev.nvme4j.mock.config.MockConfig");
        Class<?> mockClass = loader.loadClass("dev.nvme4j.mock.config.MockController");
        Class<?> nvme = loader.loadClass("dev.nvme4j.Nvme");
        Object config = configClass.getMethod("defaults").invoke(null);
        mock = (AutoCloseable) nvme.getMethod("createMock", configClass).invoke(null, config);
        ctrl = (AutoCloseable) nvme.getMethod("open", mockClass).invoke(null, mock);
        Class<?> controllerApi = loader.loadClass("dev.nvme4j.api.Controller");
        Object qp = controllerApi.getMethod("createQueuePair").invoke(ctrl);

        Class<?> impl = qp.getClass();
        assertFalse(driver.isExported(impl.getPackageName()), impl + " is in an exported package");
        Method internal = impl.getMethod("outstanding");
        // A public method of a class in a package that is not exported: not accessible from
        // here, and setAccessible is refused by the module system.
        assertThrows(IllegalAccessException.class, () -> internal.invoke(qp));
        assertThrows(InaccessibleObjectException.class, () -> internal.setAccessible(true));
        // Through the exported interface the same method works.
        Class<?> pairApi = loader.loadClass("dev.nvme4j.api.IoQueuePair");
        assertEquals(0, pairApi.getMethod("outstanding").invoke(qp));
        ((AutoCloseable) qp).close();
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
