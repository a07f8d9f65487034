package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Blocks never written carry protection information of all ones (the mock's unwritten metadata),
 * whose application tag FFFFh (and, for type 3, reference tag FFFFFFFFh) turns checking off (NVM
 * Command Set 5.2.1.3): reading them with every check on succeeds, whether the driver checks
 * (host mode) or the controller does.
 */
class PiCheckingOffTest {

    @ParameterizedTest(name = "type {0}, {1} checks")
    @CsvSource({"1, HOST", "2, HOST", "3, HOST", "1, CONTROLLER", "3, CONTROLLER"})
    void unwrittenBlocksPassEveryCheck(int type, Protection.Mode mode) {
        try (MockFixture f = new MockFixture(MockConfig.builder()
                .namespace(NamespaceConfig.ram(64, 512).withMetadata(8, false).withProtection(type, true)).build())) {
            Namespace ns = f.ctrl.namespace(1);
            IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            try (DmaBuffer data = f.ctrl.allocateBuffer(8 * 512); DmaBuffer meta = f.ctrl.allocateBuffer(8 * 8)) {
                Protection all = mode == Protection.Mode.HOST ? Protection.host(Protection.ALL)
                        : new Protection(Protection.Mode.APPLICATION, Protection.ALL, 0, 0);
                qp.readSync(ns, 8, 8, data, meta, all);
                assertEquals(-1L, meta.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0),
                        "the tuple of an unwritten block is all ones");
            }
            qp.close();
        }
    }
}
