package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.NamespaceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The LBA format of a namespace (metadata size, layout, protection) as the driver reads it from Identify. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MetadataFormatTest {
    private static final IoCallback IGNORE = (tag, status) -> { };

    private static MockFixture fixture(NamespaceConfig... namespaces) {
        MockConfig.Builder b = MockConfig.builder();
        for (NamespaceConfig n : namespaces) {
            b.namespace(n);
        }
        return new MockFixture(b.build());
    }

    @Test
    void identifyNamespaceReportsMetadataLayoutAndProtection() {
        try (MockFixture f = fixture(NamespaceConfig.ram(64, 512),
                NamespaceConfig.ram(64, 512).withMetadata(8, true).withProtection(1, true),
                NamespaceConfig.ram(64, 4096).withMetadata(64, false).withProtection(3, false))) {
            Namespace plain = f.ctrl.namespace(1);
            assertEquals(0, plain.metadataSize());
            assertFalse(plain.hasProtection());
            Namespace ext = f.ctrl.namespace(2);
            assertEquals(8, ext.metadataSize());
            assertTrue(ext.extendedLba());
            assertEquals(1, ext.protectionType());
            assertTrue(ext.protectionFirst());
            Namespace sep = f.ctrl.namespace(3);
            assertEquals(64, sep.metadataSize());
            assertFalse(sep.extendedLba());
            assertEquals(3, sep.protectionType());
            assertFalse(sep.protectionFirst());
            assertEquals("LBA format 0: 4096 + 64 bytes metadata (separate buffer), PI type 3 last", sep.describeFormat());
        }
    }

    @Test
    void readAndWriteWithoutMetadataAreRefusedOnAMetadataFormat() {
        try (MockFixture f = fixture(NamespaceConfig.ram(64, 512).withMetadata(8, false).withProtection(1, true))) {
            IoQueuePair qp = f.ctrl.createQueuePair(8, CompletionMode.POLL);
            Namespace ns = f.ctrl.namespace(1);
            try (DmaBuffer buf = f.ctrl.allocateBuffer(4096)) {
                var e = assertThrows(IllegalArgumentException.class, () -> qp.write(ns, 0, 1, buf, IGNORE, 0));
                assertTrue(e.getMessage().contains("LBA format 0: 512 + 8 bytes metadata"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> qp.read(ns, 0, 1, buf, IGNORE, 0));
            }
            assertEquals(0, qp.counters().submitted(), "no command without its metadata reached the device");
            qp.close();
        }
    }
}
