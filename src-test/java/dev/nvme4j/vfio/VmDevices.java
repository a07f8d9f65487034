package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

/**
 * Where the real-device tests find their controllers, and the data patterns they write.
 * {@code tools/vm-run} sets {@code NVME4J_PCI} (first controller) and {@code NVME4J_PCI_ALL};
 * {@code tools/vm-test} also adds a controller with a small MDTS and names it in
 * {@code NVME4J_PCI_MDTS}. Outside the VM the variables are missing and every test is skipped
 * with a message saying which one; {@code tools/vm-test} fails the stage when anything is
 * skipped there.
 */
final class VmDevices {
    /** What {@code tools/vm-test} gives the controller in {@code NVME4J_PCI_MDTS}: QEMU {@code mdts=2}. */
    static final long SMALL_MDTS_BYTES = 16 * 1024;

    private VmDevices() {
    }

    /** The first controller ({@code NVME4J_PCI}); skips the test when there is none. */
    static String first() {
        String address = System.getenv("NVME4J_PCI");
        assumeTrue(address != null && !address.isBlank(), "NVME4J_PCI not set: no device to test (run in tools/vm-test)");
        return address.trim();
    }

    /** Every controller ({@code NVME4J_PCI_ALL}); skips the test when there are fewer than {@code n}. */
    static List<String> atLeast(int n) {
        first();
        String all = System.getenv("NVME4J_PCI_ALL");
        List<String> list = all == null ? List.of() : Arrays.stream(all.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        assumeTrue(list.size() >= n, "needs " + n + " controllers in NVME4J_PCI_ALL (vm-run --controllers " + n + "), have " + list);
        return list;
    }

    /** The controller with QEMU's {@code mdts=2} ({@code NVME4J_PCI_MDTS}); skips the test when there is none. */
    static String smallMdts() {
        String address = System.getenv("NVME4J_PCI_MDTS");
        assumeTrue(address != null && !address.isBlank(),
                "NVME4J_PCI_MDTS not set: needs a controller with mdts=2 (tools/vm-test adds one)");
        return address.trim();
    }

    /**
     * The controller {@code tools/vm-test} formats with metadata and protection information
     * ({@code NVME4J_PCI_PI}, QEMU {@code mdts=2}); skips the test when there is none.
     */
    static String protection() {
        String address = System.getenv("NVME4J_PCI_PI");
        assumeTrue(address != null && !address.isBlank(),
                "NVME4J_PCI_PI not set: needs the controller with PI namespaces (tools/vm-test adds one)");
        return address.trim();
    }

    /** Namespace 2 with 4096-byte LBAs ({@code vm-run --ns-4k}); skips the test when it is not there. */
    static Namespace ns4k(Controller ctrl) {
        assumeTrue(ctrl.namespaces().stream().anyMatch(n -> n.nsid() == 2 && n.lbaSize() == 4096),
                "needs namespace 2 with 4096-byte LBAs (vm-run --ns-4k), have " + ctrl.namespaces());
        return ctrl.namespace(2);
    }

    /** Fills {@code buf} with a pattern unique to {@code seed} and to each 8-byte word's position. */
    static void fill(DmaBuffer buf, long seed) {
        MemorySegment s = buf.segment();
        long n = s.byteSize() & ~7L;
        for (long i = 0; i < n; i += 8) {
            s.set(ValueLayout.JAVA_LONG_UNALIGNED, i, word(seed, i));
        }
    }

    /** Asserts that {@code buf} holds what {@link #fill} wrote with {@code seed}, naming the first bad byte. */
    static void assertPattern(DmaBuffer buf, long seed, String what) {
        MemorySegment s = buf.segment();
        long n = s.byteSize() & ~7L;
        for (long i = 0; i < n; i += 8) {
            long got = s.get(ValueLayout.JAVA_LONG_UNALIGNED, i);
            if (got != word(seed, i)) {
                assertEquals(String.format("0x%016x", word(seed, i)), String.format("0x%016x", got),
                        what + ": first mismatch at byte " + i + " of " + s.byteSize());
            }
        }
    }

    private static long word(long seed, long offset) {
        long x = (seed + offset) * 0x9E3779B97F4A7C15L;
        return x ^ (x >>> 29) ^ offset;
    }
}
