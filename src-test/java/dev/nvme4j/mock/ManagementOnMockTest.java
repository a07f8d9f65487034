package dev.nvme4j.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Confirm;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Management;
import dev.nvme4j.api.Management.Activation;
import dev.nvme4j.api.Management.CommitAction;
import dev.nvme4j.api.Management.FormatRequest;
import dev.nvme4j.api.Management.NamespaceSpec;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.mock.config.NamespaceConfig;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Management} through the driver against the mock's firmware slots, namespace pool, self-test and sanitize. */
class ManagementOnMockTest {
    private static MockController mock() {
        return Nvme.createMock(MockConfig.builder().namespace(NamespaceConfig.ram(2048, 512)).nn(8).build());
    }

    private static void write(Controller c, int nsid, byte value) {
        try (IoQueuePair qp = c.createQueuePair(); DmaBuffer buf = c.allocateBuffer(4096)) {
            buf.segment().fill(value);
            qp.writeSync(c.namespace(nsid), 0, 4096 / c.namespace(nsid).lbaSize(), buf);
        }
    }

    private static byte read(Controller c, int nsid) {
        try (IoQueuePair qp = c.createQueuePair(); DmaBuffer buf = c.allocateBuffer(4096)) {
            qp.readSync(c.namespace(nsid), 0, 4096 / c.namespace(nsid).lbaSize(), buf);
            return buf.segment().get(ValueLayout.JAVA_BYTE, 4095);
        }
    }

    @Test
    void formatNeedsConfirmationNoOpenPairAndAnIndexInRange() {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            write(c, 1, (byte) 0x5a);
            IllegalArgumentException noConfirm = assertThrows(IllegalArgumentException.class,
                    () -> mg.format(1, FormatRequest.lbaFormat(2), null));
            assertTrue(noConfirm.getMessage().contains("needs Confirm.DESTRUCTIVE"), noConfirm.getMessage());
            IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                    () -> mg.format(1, FormatRequest.lbaFormat(9), Confirm.DESTRUCTIVE));
            assertTrue(range.getMessage().contains("LBA format index 9 is out of range: namespace 1 has LBA formats 0-4"),
                    range.getMessage());
            IllegalArgumentException inactive = assertThrows(IllegalArgumentException.class,
                    () -> mg.format(7, FormatRequest.lbaFormat(2), Confirm.DESTRUCTIVE));
            assertTrue(inactive.getMessage().contains("namespace 7 is not active; active namespaces: 1"),
                    inactive.getMessage());
            try (IoQueuePair open = c.createQueuePair()) {
                IllegalStateException busy = assertThrows(IllegalStateException.class,
                        () -> mg.format(1, FormatRequest.lbaFormat(2), Confirm.DESTRUCTIVE));
                assertTrue(busy.getMessage().contains("1 I/O queue pair is open (qid [" + open.queueId() + "])"),
                        busy.getMessage());
            }
            assertEquals(512, c.namespace(1).lbaSize(), "nothing changed");
            assertEquals(0x5a, read(c, 1), "data kept");
            var changes = mg.format(1, FormatRequest.lbaFormat(2), Confirm.DESTRUCTIVE);
            assertTrue(changes.toString().contains("1"), changes.toString());
            assertEquals(4096, c.namespace(1).lbaSize(), "namespace table rescanned");
            assertEquals(0, read(c, 1), "erased");
            write(c, 1, (byte) 0x6b);
            assertEquals(0x6b, read(c, 1));
        }
    }

    @Test
    void featuresTyped() {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            assertEquals(1, mg.getFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, 0, 0, 0).dword0());
            mg.setFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, 0, 0, false, null);
            assertEquals(0, mg.getFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, 0, 0, 0).dword0());
            assertEquals(1, mg.getFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, 1, 0, 0).dword0(), "default");
            byte[] hbs = new byte[512];
            hbs[0] = 1;
            mg.setFeature(Opcodes.FEAT_HOST_BEHAVIOR_SUPPORT, 0, 0, 0, false, hbs);
            assertEquals(1, mg.getFeature(Opcodes.FEAT_HOST_BEHAVIOR_SUPPORT, 0, 0, 0, 512).data()[0]);
            NvmeException unknown = assertThrows(NvmeException.class, () -> mg.getFeature(0x55, 0, 0, 0, 0));
            assertEquals(NvmeStatus.INVALID_FIELD_IN_COMMAND, unknown.nvmeStatus());
            assertThrows(IllegalArgumentException.class, () -> mg.getFeature(0x100, 0, 0, 0, 0));
            NvmeException save = assertThrows(NvmeException.class,
                    () -> mg.setFeature(Opcodes.FEAT_VOLATILE_WRITE_CACHE, 0, 1, 0, true, null));
            assertEquals(NvmeStatus.FEATURE_NOT_SAVEABLE, save.nvmeStatus());
        }
    }

    private static byte[] image(String revision, int bytes) {
        byte[] img = new byte[bytes];
        for (int i = 0; i < img.length; i++) {
            img[i] = (byte) (i * 7);
        }
        System.arraycopy(revision.getBytes(StandardCharsets.US_ASCII), 0, img, 0, 8);
        return img;
    }

    @Test
    void firmwareDownloadCommitAndActivation() {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            Management.FirmwareSlots slots = mg.firmwareSlots();
            assertEquals(1, slots.activeSlot());
            assertEquals(0, slots.nextResetSlot());
            String original = slots.revisions().get(0);
            assertEquals("", slots.revisions().get(1));
            mg.downloadFirmware(image("NV4J-2.0", 10000), 4096); // three pieces
            assertEquals(Activation.AT_NEXT_RESET, mg.commitFirmware(2, CommitAction.REPLACE_AND_ACTIVATE,
                    Confirm.DESTRUCTIVE));
            slots = mg.firmwareSlots();
            assertEquals(List.of(1, 2, "NV4J-2.0"), List.of(slots.activeSlot(), slots.nextResetSlot(),
                    slots.revisions().get(1)));
            c.reset();
            assertEquals(2, mg.firmwareSlots().activeSlot(), "activated by the reset");
            assertEquals("NV4J-2.0", new String(c.identifyController(), IdentifyLayout.CTRL_FR, 8,
                    StandardCharsets.US_ASCII));
            // Slot 1 is read only; activating it again works.
            mg.downloadFirmware(image("NV4J-3.0", 4096), 0);
            NvmeException ro = assertThrows(NvmeException.class,
                    () -> mg.commitFirmware(1, CommitAction.REPLACE, Confirm.DESTRUCTIVE));
            assertEquals(NvmeStatus.INVALID_FIRMWARE_SLOT, ro.nvmeStatus());
            assertEquals(Activation.NOW, mg.commitFirmware(3, CommitAction.REPLACE_AND_ACTIVATE_NOW,
                    Confirm.DESTRUCTIVE));
            assertEquals(3, mg.firmwareSlots().activeSlot());
            assertEquals(Activation.AT_NEXT_RESET, mg.commitFirmware(1, CommitAction.ACTIVATE, Confirm.DESTRUCTIVE));
            c.reset();
            assertEquals(original, mg.firmwareSlots().revisions().get(mg.firmwareSlots().activeSlot() - 1));
            // A bad image, a bad slot, no confirmation, an open queue pair: refused, nothing changes.
            byte[] bad = image("NV4J-4.0", 4096);
            bad[0] = 0;
            mg.downloadFirmware(bad, 0);
            NvmeException invalid = assertThrows(NvmeException.class,
                    () -> mg.commitFirmware(2, CommitAction.REPLACE, Confirm.DESTRUCTIVE));
            assertEquals(NvmeStatus.INVALID_FIRMWARE_IMAGE, invalid.nvmeStatus());
            assertThrows(IllegalArgumentException.class, () -> mg.commitFirmware(4, CommitAction.REPLACE,
                    Confirm.DESTRUCTIVE));
            assertThrows(IllegalArgumentException.class, () -> mg.commitFirmware(2, CommitAction.REPLACE, null));
            assertThrows(IllegalArgumentException.class, () -> mg.downloadFirmware(new byte[6], 0));
            try (IoQueuePair open = c.createQueuePair()) {
                assertTrue(assertThrows(IllegalStateException.class, () -> mg.commitFirmware(2, CommitAction.ACTIVATE,
                        Confirm.DESTRUCTIVE)).getMessage().contains("qid [" + open.queueId() + "]"));
            }
            assertEquals("NV4J-2.0", mg.firmwareSlots().revisions().get(1), "slot 2 unchanged");
            assertEquals(0, mg.firmwareSlots().nextResetSlot());
        }
    }

    @Test
    void namespaceCreateAttachDetachDeleteFromThePool() {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            assertEquals(1, mg.controllerId());
            assertEquals(List.of(1), mg.controllers(0));
            long unallocated = unvmcap(c);
            int nsid = mg.createNamespace(new NamespaceSpec(4096, 4096, 2, 0, false)); // 16 MiB of 4 KiB blocks
            assertEquals(2, nsid);
            assertEquals(unallocated - (16L << 20), unvmcap(c), "taken from the pool");
            assertEquals(List.of(1, 2), mg.allocatedNamespaces());
            assertEquals(1, c.namespaces().size(), "created namespaces start detached");
            assertEquals(3, m.attachNamespace(NamespaceConfig.ram(64, 512)), "NSID 2 is allocated (detached)");
            m.detachNamespace(3);
            c.rescanNamespaces();
            assertEquals(4096L, java.nio.ByteBuffer.wrap(mg.identifyAllocatedNamespace(2))
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(IdentifyLayout.NS_NSZE));
            assertEquals(List.of(), mg.controllers(2));
            mg.attachNamespace(2, List.of(1));
            assertEquals(4096, c.namespace(2).lbaSize(), "active after the attachment (table rescanned)");
            assertEquals(List.of(1), mg.controllers(2));
            write(c, 2, (byte) 0x42);
            mg.detachNamespace(2, List.of(1));
            assertEquals(1, c.namespaces().size());
            assertEquals(NvmeStatus.NAMESPACE_NOT_ATTACHED, assertThrows(NvmeException.class,
                    () -> mg.detachNamespace(2, List.of(1))).nvmeStatus());
            mg.attachNamespace(2, List.of(1));
            assertEquals(0x42, read(c, 2), "detach keeps the data");
            assertEquals(NvmeStatus.NAMESPACE_ALREADY_ATTACHED, assertThrows(NvmeException.class,
                    () -> mg.attachNamespace(2, List.of(1))).nvmeStatus());
            assertEquals(NvmeStatus.CONTROLLER_LIST_INVALID, assertThrows(NvmeException.class,
                    () -> mg.detachNamespace(2, List.of(7))).nvmeStatus());
            assertEquals(NvmeStatus.NAMESPACE_INSUFFICIENT_CAPACITY, assertThrows(NvmeException.class,
                    () -> mg.createNamespace(new NamespaceSpec(1L << 40, 1L << 40, 0, 0, false))).nvmeStatus());
            assertEquals(NvmeStatus.THIN_PROVISIONING_NOT_SUPPORTED, assertThrows(NvmeException.class,
                    () -> mg.createNamespace(new NamespaceSpec(2048, 1024, 0, 0, false))).nvmeStatus());
            assertEquals(NvmeStatus.INVALID_FORMAT, assertThrows(NvmeException.class,
                    () -> mg.createNamespace(new NamespaceSpec(2048, 2048, 7, 0, false))).nvmeStatus());
            assertThrows(IllegalArgumentException.class, () -> mg.deleteNamespace(2, null));
            try (IoQueuePair open = c.createQueuePair()) {
                assertTrue(assertThrows(IllegalStateException.class, () -> mg.deleteNamespace(2, Confirm.DESTRUCTIVE))
                        .getMessage().contains("qid [" + open.queueId() + "]"));
            }
            assertEquals(List.of(1, 2), mg.allocatedNamespaces(), "nothing deleted");
            mg.deleteNamespace(2, Confirm.DESTRUCTIVE);
            assertEquals(List.of(1), mg.allocatedNamespaces());
            assertEquals(1, c.namespaces().size(), "an attached namespace is detached by its deletion");
            assertEquals(unallocated, unvmcap(c), "capacity back in the pool");
        }
    }

    private static long unvmcap(Controller c) {
        return java.nio.ByteBuffer.wrap(c.identifyController()).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getLong(IdentifyLayout.CTRL_UNVMCAP);
    }

    @Test
    void selfTestRunsThenLogsItsResult() throws Exception {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            assertEquals(List.of(), mg.selfTestLog().results());
            mg.selfTest(0xFFFF_FFFF, Management.SelfTest.SHORT);
            assertEquals(1, mg.selfTestLog().operation());
            assertEquals(NvmeStatus.SELF_TEST_IN_PROGRESS, assertThrows(NvmeException.class,
                    () -> mg.selfTest(0, Management.SelfTest.EXTENDED)).nvmeStatus());
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (mg.selfTestLog().operation() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Management.SelfTestLog log = mg.selfTestLog();
            assertEquals(0, log.operation(), "the short test ends within 30 s");
            assertEquals(List.of(1, 0, 0xFFFF_FFFF), List.of(log.results().get(0).code(), log.results().get(0).result(),
                    log.results().get(0).nsid()));
            mg.selfTest(0, Management.SelfTest.EXTENDED);
            mg.selfTest(0, Management.SelfTest.ABORT);
            log = mg.selfTestLog();
            assertEquals(List.of(2, 1), List.of(log.results().get(0).code(), log.results().get(0).result()),
                    "aborted by a Device Self-test command, newest first");
            assertEquals(2, log.results().size());
        }
    }

    @Test
    void sanitizeBlockEraseOnly() {
        try (MockController m = mock(); Controller c = Nvme.open(m)) {
            Management mg = c.management();
            write(c, 1, (byte) 0x11);
            assertEquals(0, mg.sanitizeStatus().status(), "never sanitized");
            assertThrows(IllegalArgumentException.class, () -> mg.sanitize(Management.SanitizeAction.BLOCK_ERASE,
                    false, false, 0, false, 0, null));
            UnsupportedOperationException crypto = assertThrows(UnsupportedOperationException.class,
                    () -> mg.sanitize(Management.SanitizeAction.CRYPTO_ERASE, false, false, 0, false, 0, Confirm.DESTRUCTIVE));
            assertTrue(crypto.getMessage().contains("SANICAP = 0x2, bit 0 is 0"), crypto.getMessage());
            assertEquals(0x11, read(c, 1), "nothing erased");
            mg.sanitize(Management.SanitizeAction.BLOCK_ERASE, false, false, 0, false, 0, Confirm.DESTRUCTIVE);
            assertEquals(0, read(c, 1), "erased");
            Management.SanitizeStatus st = mg.sanitizeStatus();
            assertArrayEquals(new int[] {1, 0xFFFF, 2}, new int[] {st.status(), st.progress(), st.cdw10()});
        }
    }
}
