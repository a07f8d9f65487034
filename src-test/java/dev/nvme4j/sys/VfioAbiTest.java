package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;
import dev.nvme4j.sys.gen.pollfd;
import dev.nvme4j.sys.gen.rlimit;
import dev.nvme4j.sys.gen.vfio_device_info;
import dev.nvme4j.sys.gen.vfio_group_status;
import dev.nvme4j.sys.gen.vfio_info_cap_header;
import dev.nvme4j.sys.gen.vfio_iommu_type1_dma_map;
import dev.nvme4j.sys.gen.vfio_iommu_type1_dma_unmap;
import dev.nvme4j.sys.gen.vfio_iommu_type1_info;
import dev.nvme4j.sys.gen.vfio_iommu_type1_info_cap_iova_range;
import dev.nvme4j.sys.gen.vfio_iova_range;
import dev.nvme4j.sys.gen.vfio_irq_info;
import dev.nvme4j.sys.gen.vfio_irq_set;
import dev.nvme4j.sys.gen.vfio_region_info;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks the hand-written ioctl numbers and the generated struct layouts and constants
 * against what the C compiler computes from the same system headers.
 */
class VfioAbiTest {

    private static final List<String> IOCTLS = List.of(
            "VFIO_GET_API_VERSION", "VFIO_CHECK_EXTENSION", "VFIO_SET_IOMMU",
            "VFIO_GROUP_GET_STATUS", "VFIO_GROUP_SET_CONTAINER", "VFIO_GROUP_UNSET_CONTAINER",
            "VFIO_GROUP_GET_DEVICE_FD", "VFIO_DEVICE_GET_INFO", "VFIO_DEVICE_GET_REGION_INFO",
            "VFIO_DEVICE_GET_IRQ_INFO", "VFIO_DEVICE_SET_IRQS", "VFIO_DEVICE_RESET",
            "VFIO_IOMMU_GET_INFO", "VFIO_IOMMU_MAP_DMA", "VFIO_IOMMU_UNMAP_DMA");

    private static final Map<String, Long> STRUCT_SIZES = new LinkedHashMap<>();
    private static final Map<String, Long> OFFSETS = new LinkedHashMap<>();
    private static final Map<String, Long> CONSTANTS = new LinkedHashMap<>();

    static {
        STRUCT_SIZES.put("vfio_group_status", vfio_group_status.layout().byteSize());
        STRUCT_SIZES.put("vfio_device_info", vfio_device_info.layout().byteSize());
        STRUCT_SIZES.put("vfio_region_info", vfio_region_info.layout().byteSize());
        STRUCT_SIZES.put("vfio_irq_info", vfio_irq_info.layout().byteSize());
        STRUCT_SIZES.put("vfio_irq_set", vfio_irq_set.layout().byteSize());
        STRUCT_SIZES.put("vfio_iommu_type1_info", vfio_iommu_type1_info.layout().byteSize());
        STRUCT_SIZES.put("vfio_info_cap_header", vfio_info_cap_header.layout().byteSize());
        STRUCT_SIZES.put("vfio_iommu_type1_info_cap_iova_range",
                vfio_iommu_type1_info_cap_iova_range.layout().byteSize());
        STRUCT_SIZES.put("vfio_iova_range", vfio_iova_range.layout().byteSize());
        STRUCT_SIZES.put("vfio_iommu_type1_dma_map", vfio_iommu_type1_dma_map.layout().byteSize());
        STRUCT_SIZES.put("vfio_iommu_type1_dma_unmap", vfio_iommu_type1_dma_unmap.layout().byteSize());
        STRUCT_SIZES.put("pollfd", pollfd.layout().byteSize());
        STRUCT_SIZES.put("rlimit", rlimit.layout().byteSize());

        OFFSETS.put("vfio_region_info.size", vfio_region_info.size$offset());
        OFFSETS.put("vfio_region_info.offset", vfio_region_info.offset$offset());
        OFFSETS.put("vfio_region_info.cap_offset", vfio_region_info.cap_offset$offset());
        OFFSETS.put("vfio_irq_set.data", vfio_irq_set.data$offset());
        OFFSETS.put("vfio_iommu_type1_info.iova_pgsizes", vfio_iommu_type1_info.iova_pgsizes$offset());
        OFFSETS.put("vfio_iommu_type1_info.cap_offset", vfio_iommu_type1_info.cap_offset$offset());
        OFFSETS.put("vfio_iommu_type1_info_cap_iova_range.nr_iovas",
                vfio_iommu_type1_info_cap_iova_range.nr_iovas$offset());
        OFFSETS.put("vfio_iommu_type1_info_cap_iova_range.iova_ranges",
                vfio_iommu_type1_info_cap_iova_range.iova_ranges$offset());
        OFFSETS.put("vfio_iommu_type1_dma_map.vaddr", vfio_iommu_type1_dma_map.vaddr$offset());
        OFFSETS.put("vfio_iommu_type1_dma_map.iova", vfio_iommu_type1_dma_map.iova$offset());
        OFFSETS.put("vfio_iommu_type1_dma_map.size", vfio_iommu_type1_dma_map.size$offset());
        OFFSETS.put("vfio_iommu_type1_dma_unmap.size", vfio_iommu_type1_dma_unmap.size$offset());
        OFFSETS.put("vfio_info_cap_header.next", vfio_info_cap_header.next$offset());
        OFFSETS.put("pollfd.revents", pollfd.revents$offset());
        OFFSETS.put("rlimit.rlim_max", rlimit.rlim_max$offset());

        CONSTANTS.put("VFIO_API_VERSION", (long) NativeLib.VFIO_API_VERSION());
        CONSTANTS.put("VFIO_TYPE1v2_IOMMU", (long) NativeLib.VFIO_TYPE1v2_IOMMU());
        CONSTANTS.put("VFIO_GROUP_FLAGS_VIABLE", (long) NativeLib.VFIO_GROUP_FLAGS_VIABLE());
        CONSTANTS.put("VFIO_DEVICE_FLAGS_PCI", (long) NativeLib.VFIO_DEVICE_FLAGS_PCI());
        CONSTANTS.put("VFIO_DEVICE_FLAGS_RESET", (long) NativeLib.VFIO_DEVICE_FLAGS_RESET());
        CONSTANTS.put("VFIO_REGION_INFO_FLAG_MMAP", (long) NativeLib.VFIO_REGION_INFO_FLAG_MMAP());
        CONSTANTS.put("VFIO_REGION_INFO_FLAG_CAPS", (long) NativeLib.VFIO_REGION_INFO_FLAG_CAPS());
        CONSTANTS.put("VFIO_IRQ_SET_DATA_EVENTFD", (long) NativeLib.VFIO_IRQ_SET_DATA_EVENTFD());
        CONSTANTS.put("VFIO_IRQ_SET_DATA_NONE", (long) NativeLib.VFIO_IRQ_SET_DATA_NONE());
        CONSTANTS.put("VFIO_IRQ_SET_ACTION_TRIGGER", (long) NativeLib.VFIO_IRQ_SET_ACTION_TRIGGER());
        CONSTANTS.put("VFIO_PCI_BAR0_REGION_INDEX", (long) NativeLib.VFIO_PCI_BAR0_REGION_INDEX());
        CONSTANTS.put("VFIO_PCI_CONFIG_REGION_INDEX", (long) NativeLib.VFIO_PCI_CONFIG_REGION_INDEX());
        CONSTANTS.put("VFIO_PCI_MSIX_IRQ_INDEX", (long) NativeLib.VFIO_PCI_MSIX_IRQ_INDEX());
        CONSTANTS.put("VFIO_PCI_INTX_IRQ_INDEX", (long) NativeLib.VFIO_PCI_INTX_IRQ_INDEX());
        CONSTANTS.put("VFIO_PCI_ERR_IRQ_INDEX", (long) VfioStructs.PCI_ERR_IRQ_INDEX);
        CONSTANTS.put("VFIO_PCI_REQ_IRQ_INDEX", (long) VfioStructs.PCI_REQ_IRQ_INDEX);
        CONSTANTS.put("MAP_FIXED", (long) VfioStructs.MAP_FIXED);
        CONSTANTS.put("VFIO_DMA_MAP_FLAG_READ", (long) NativeLib.VFIO_DMA_MAP_FLAG_READ());
        CONSTANTS.put("VFIO_DMA_MAP_FLAG_WRITE", (long) NativeLib.VFIO_DMA_MAP_FLAG_WRITE());
        CONSTANTS.put("VFIO_IOMMU_INFO_CAPS", (long) NativeLib.VFIO_IOMMU_INFO_CAPS());
        CONSTANTS.put("VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE", (long) NativeLib.VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE());
        CONSTANTS.put("EFD_NONBLOCK", (long) NativeLib.EFD_NONBLOCK());
        CONSTANTS.put("EFD_CLOEXEC", (long) NativeLib.EFD_CLOEXEC());
        CONSTANTS.put("MAP_HUGETLB", (long) NativeLib.MAP_HUGETLB());
        CONSTANTS.put("MAP_POPULATE", (long) NativeLib.MAP_POPULATE());
        CONSTANTS.put("O_CLOEXEC", (long) NativeLib.O_CLOEXEC());
        CONSTANTS.put("RLIMIT_MEMLOCK", (long) NativeLib.RLIMIT_MEMLOCK());
        CONSTANTS.put("_SC_PAGESIZE", (long) NativeLib._SC_PAGESIZE());
        CONSTANTS.put("EBUSY", (long) NativeException.EBUSY);
        CONSTANTS.put("ENOTTY", (long) NativeException.ENOTTY);
    }

    private static Map<String, Long> fromC;

    @BeforeAll
    static void compileAndRunProbe(@TempDir Path dir) throws Exception {
        assumeTrue(gccAvailable(), "gcc not found on PATH: skipping the C cross-check "
                + "(install gcc to compare ioctl numbers and struct layouts with the C compiler)");
        Path source = dir.resolve("probe.c");
        Path binary = dir.resolve("probe");
        Files.writeString(source, probeSource());
        String compile = run(dir, "gcc", "-std=gnu11", "-o", binary.toString(), source.toString());
        fromC = parse(run(dir, binary.toString()));
        assertTrue(fromC.size() > 0, "probe printed nothing; gcc said: " + compile);
    }

    @Test
    void apiVersionRequestIsTheKnownConstant() {
        assertEquals(0x3B64L, VfioIoctls.VFIO_GET_API_VERSION);
        assertEquals(0x3B64L + 14, VfioIoctls.VFIO_IOMMU_UNMAP_DMA);
    }

    @Test
    void ioctlNumbersMatchTheCMacros() throws Exception {
        for (String name : IOCTLS) {
            long javaValue = VfioIoctls.class.getField(name).getLong(null);
            assertEquals(fromC.get(name), javaValue, name);
        }
    }

    @Test
    void generatedStructSizesMatchSizeof() {
        STRUCT_SIZES.forEach((name, size) -> assertEquals(fromC.get("sizeof." + name), size, "sizeof " + name));
    }

    @Test
    void generatedFieldOffsetsMatchOffsetof() {
        OFFSETS.forEach((name, offset) -> assertEquals(fromC.get("offsetof." + name), offset, "offsetof " + name));
    }

    @Test
    void generatedConstantsMatchTheCHeaders() {
        CONSTANTS.forEach((name, value) -> assertEquals(fromC.get(name), value, name));
    }

    private static String probeSource() {
        StringBuilder c = new StringBuilder("""
                #include <errno.h>
                #include <fcntl.h>
                #include <poll.h>
                #include <stddef.h>
                #include <stdio.h>
                #include <unistd.h>
                #include <sys/eventfd.h>
                #include <sys/mman.h>
                #include <sys/resource.h>
                #include <linux/vfio.h>
                int main(void) {
                """);
        for (String name : IOCTLS) {
            c.append(print(name, name));
        }
        for (String name : CONSTANTS.keySet()) {
            c.append(print(name, name));
        }
        for (String struct : STRUCT_SIZES.keySet()) {
            c.append(print("sizeof." + struct, "sizeof(struct " + struct + ")"));
        }
        for (String field : OFFSETS.keySet()) {
            String[] parts = field.split("\\.");
            c.append(print("offsetof." + field, "offsetof(struct " + parts[0] + ", " + parts[1] + ")"));
        }
        return c.append("    return 0;\n}\n").toString();
    }

    private static String print(String key, String expression) {
        return "    printf(\"%s=%llu\\n\", \"" + key + "\", (unsigned long long) (" + expression + "));\n";
    }

    private static Map<String, Long> parse(String output) {
        Map<String, Long> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.put(line.substring(0, eq), Long.parseUnsignedLong(line.substring(eq + 1).trim()));
            }
        }
        return values;
    }

    private static boolean gccAvailable() {
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }
}
