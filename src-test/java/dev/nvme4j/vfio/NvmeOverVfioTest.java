package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.QueueCounters;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole driver on a real (QEMU-emulated) controller through the VFIO backend: the public
 * API opens the function by PCI address, brings the controller up, identifies it, writes and
 * reads back data on 512- and 4096-byte LBA namespaces, in every completion mode, and closes
 * and re-opens it. Runs inside the test VM ({@code tools/vm-test}).
 */
@Tag("vfio")
class NvmeOverVfioTest {

    @Test
    void bringsUpAndIdentifiesTheController() {
        String address = VmDevices.first();
        try (Controller ctrl = Nvme.open(address)) {
            ControllerInfo info = ctrl.info();
            System.out.printf("%s: %04x '%s' serial '%s' fw '%s', NVMe %s, MQES+1 %d, page %d, MDTS %d bytes,"
                            + " %d I/O queue pairs, namespaces %s%n", ctrl.address(), info.pciVendorId(),
                    info.modelNumber(), info.serialNumber(), info.firmwareRevision(), info.versionString(),
                    info.maxQueueEntries(), info.pageSize(), info.maxTransferBytes(), info.ioQueuePairsGranted(),
                    ctrl.namespaces());
            assertEquals(ControllerState.READY, ctrl.state());
            assertEquals(address, ctrl.address());
            assertEquals(0x1b36, info.pciVendorId(), "QEMU's (Red Hat) PCI vendor id from Identify Controller");
            assertTrue(info.modelNumber().contains("QEMU"), "model number: " + info.modelNumber());
            assertFalse(info.serialNumber().isBlank(), "serial number");
            assertTrue(info.version() >= 0x010200, "NVMe version >= 1.2: " + info.versionString());
            assertTrue(info.maxQueueEntries() >= 1024, "CAP.MQES + 1 = " + info.maxQueueEntries());
            assertEquals(4096, info.pageSize(), "CC.MPS");
            assertTrue(info.ioQueuePairsGranted() >= 1, "granted I/O queue pairs");
            assertTrue(info.namespaceCount() >= 1, "NN");
            Namespace ns1 = ctrl.namespace(1);
            assertEquals(512, ns1.lbaSize(), "namespace 1 LBA size (vm-run's default image)");
            assertEquals(64L << 20, ns1.sizeBytes(), "namespace 1: 64 MiB (vm-run --ns-size default)");
            assertEquals(ns1.sizeBlocks(), ns1.capacityBlocks(), "NCAP = NSZE on a raw image");
            assertThrows(IllegalArgumentException.class, () -> ctrl.namespace(99));
        }
    }

    @ParameterizedTest
    @EnumSource(CompletionMode.class)
    void writesAndReadsBackInEveryCompletionMode(CompletionMode mode) {
        try (Controller ctrl = Nvme.open(VmDevices.first())) {
            Namespace ns = ctrl.namespace(1);
            int blocks = 65536 / ns.lbaSize();
            try (IoQueuePair qp = ctrl.createQueuePair(64, mode);
                    DmaBuffer out = ctrl.allocateBuffer(65536);
                    DmaBuffer in = ctrl.allocateBuffer(65536)) {
                assertEquals(mode, qp.mode());
                long lba = 1024L * (mode.ordinal() + 1);
                for (int round = 0; round < 8; round++) {
                    VmDevices.fill(out, mode.ordinal() * 100 + round);
                    qp.writeSync(ns, lba + round * blocks, blocks, out);
                }
                for (int round = 0; round < 8; round++) {
                    qp.readSync(ns, lba + round * blocks, blocks, in);
                    VmDevices.assertPattern(in, mode.ordinal() * 100 + round, mode + " round " + round);
                }
                QueueCounters c = qp.counters();
                System.out.printf("%s: 16 x 64 KiB at LBA %d verified; %s%n", mode, lba, c);
                assertEquals(16, c.completed(), "commands completed");
                assertEquals(0, c.errors() + c.timeouts() + c.missedInterrupts(), "no errors, timeouts, missed interrupts");
                if (mode == CompletionMode.POLL) {
                    assertEquals(0, c.interrupts(), "polled mode takes no interrupts");
                } else if (mode == CompletionMode.INTERRUPT) {
                    assertInterruptSignalled(qp, ns, out, lba);
                }
            }
        }
    }

    /**
     * What interrupt mode guarantees, independent of timing: the controller signals the pair's
     * own MSI-X vector for its completions, through the eventfd. The 16 synchronous commands may
     * all have completed before their owner ever blocked (on a loaded host the device can be that
     * fast), so one more command is completed by polling alone, without blocking: its signal
     * stays pending on the eventfd, and the next blocking process() must be woken by it.
     */
    private static void assertInterruptSignalled(IoQueuePair qp, Namespace ns, DmaBuffer buf, long lba) {
        long before = qp.counters().interrupts();
        int[] st = {-1};
        assertTrue(qp.read(ns, lba, 1, buf.slice(0, ns.lbaSize()), (t, s) -> st[0] = s, 0));
        qp.flushSubmissions();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (qp.poll() == 0) { // poll() never blocks and never reads the eventfd
            assertTrue(System.nanoTime() < deadline, "the read completed within 10 s");
            Thread.onSpinWait();
        }
        assertEquals(0, st[0], "the read succeeded");
        assertEquals(0, qp.process(java.time.Duration.ofMillis(500)), "nothing outstanding");
        QueueCounters c = qp.counters();
        assertTrue(c.interrupts() > before, "the completion's MSI-X interrupt was pending on the pair's eventfd and"
                + " woke the blocked owner: " + c);
        assertEquals(0, c.missedInterrupts(), c.toString());
    }

    @Test
    void verifiesDataOnThe4kNamespaceAndKeepsNamespacesApart() {
        try (Controller ctrl = Nvme.open(VmDevices.first())) {
            Namespace ns512 = ctrl.namespace(1);
            Namespace ns4k = VmDevices.ns4k(ctrl);
            assertEquals(List.of(1, 2), ctrl.namespaces().stream().map(Namespace::nsid).filter(n -> n <= 2).toList(),
                    "active namespaces");
            assertEquals(4096, ns4k.lbaSize());
            assertEquals((64L << 20) / 4096, ns4k.sizeBlocks(), "namespace 2: 64 MiB of 4 KiB blocks");
            try (IoQueuePair qp = ctrl.createQueuePair(32, CompletionMode.POLL);
                    DmaBuffer a = ctrl.allocateBuffer(32768);
                    DmaBuffer b = ctrl.allocateBuffer(32768);
                    DmaBuffer in = ctrl.allocateBuffer(32768)) {
                // The same byte range (32 KiB at byte offset 1 MiB) on both namespaces, different data.
                VmDevices.fill(a, 512);
                VmDevices.fill(b, 4096);
                qp.writeSync(ns512, (1 << 20) / 512, 64, a);
                qp.writeSync(ns4k, (1 << 20) / 4096, 8, b);
                qp.readSync(ns512, (1 << 20) / 512, 64, in);
                VmDevices.assertPattern(in, 512, "namespace 1 after writing namespace 2");
                qp.readSync(ns4k, (1 << 20) / 4096, 8, in);
                VmDevices.assertPattern(in, 4096, "namespace 2");
                // One 4 KiB block in the middle of what was written: LBA arithmetic in 4 KiB units.
                DmaBuffer one = in.slice(0, 4096);
                qp.readSync(ns4k, (1 << 20) / 4096 + 5, 1, one);
                assertEquals(-1L, one.segment().mismatch(b.segment().asSlice(5 * 4096, 4096)), "block 5 of namespace 2");
                // The last block of each namespace.
                qp.writeSync(ns4k, ns4k.sizeBlocks() - 1, 1, b.slice(0, 4096));
                qp.readSync(ns4k, ns4k.sizeBlocks() - 1, 1, one);
                assertEquals(-1L, one.segment().mismatch(b.segment().asSlice(0, 4096)), "last block of namespace 2");
                qp.writeSync(ns512, ns512.sizeBlocks() - 1, 1, a.slice(0, 512));
                DmaBuffer small = in.slice(0, 512);
                qp.readSync(ns512, ns512.sizeBlocks() - 1, 1, small);
                assertEquals(-1L, small.segment().mismatch(a.segment().asSlice(0, 512)), "last block of namespace 1");
                assertThrows(IllegalArgumentException.class, () -> qp.readSync(ns4k, ns4k.sizeBlocks(), 1, one),
                        "reading past the end of namespace 2");
            }
        }
    }

    @Test
    void writesEveryNamespaceAndKeepsThemApart() {
        try (Controller ctrl = Nvme.open(VmDevices.first())) {
            List<Namespace> all = ctrl.namespaces();
            assumeTrue(all.size() >= 3, "needs 3 namespaces (tools/vm-test adds nsid 3 to the first controller), have " + all);
            assertTrue(ctrl.info().namespaceCount() >= all.size(), "NN " + ctrl.info().namespaceCount() + " covers " + all);
            try (IoQueuePair qp = ctrl.createQueuePair(16, CompletionMode.INTERRUPT); DmaBuffer buf = ctrl.allocateBuffer(16384)) {
                // The same 16 KiB byte range in every namespace, each with its own data.
                for (Namespace ns : all) {
                    VmDevices.fill(buf, 300 + ns.nsid());
                    qp.writeSync(ns, (2L << 20) / ns.lbaSize(), 16384 / ns.lbaSize(), buf);
                }
                for (Namespace ns : all) {
                    qp.readSync(ns, (2L << 20) / ns.lbaSize(), 16384 / ns.lbaSize(), buf);
                    VmDevices.assertPattern(buf, 300 + ns.nsid(), "namespace " + ns.nsid());
                }
            }
            System.out.println("namespaces kept apart: " + all);
        }
    }

    @Test
    void closesCleanlyAndReopensTheSameDeviceInTheSameProcess() {
        String address = VmDevices.first();
        for (int round = 0; round < 3; round++) {
            Controller ctrl = Nvme.open(address);
            try {
                try (IoQueuePair qp = ctrl.createQueuePair(16, round == 1 ? CompletionMode.INTERRUPT : CompletionMode.POLL);
                        DmaBuffer buf = ctrl.allocateBuffer(8192)) {
                    Namespace ns = ctrl.namespace(1);
                    if (round > 0) {
                        qp.readSync(ns, 4096, 16, buf);
                        VmDevices.assertPattern(buf, 7000 + round - 1, "data written before re-open " + round);
                    }
                    VmDevices.fill(buf, 7000 + round);
                    qp.writeSync(ns, 4096, 16, buf);
                }
                // A queue pair left open on purpose: close() must delete it.
                IoQueuePair extra = ctrl.createQueuePair(8, CompletionMode.POLL);
                assertTrue(extra.queueId() >= 1);
            } finally {
                ctrl.close();
            }
            assertEquals(ControllerState.CLOSED, ctrl.state(), "state after close");
            ctrl.close(); // idempotent
            assertFalse(VfioRegistry.system().hasContainer(), "close released the VFIO container and group");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8, 64, 1024})
    void runsIoQueuesAtEveryDepth(int depth) {
        try (Controller ctrl = Nvme.open(VmDevices.first())) {
            Namespace ns = ctrl.namespace(1);
            try (IoQueuePair qp = ctrl.createQueuePair(depth, CompletionMode.POLL);
                    DmaBuffer buf = ctrl.allocateBuffer(4096L * depth)) {
                assertEquals(depth, qp.depth());
                // Fill the submission queue: depth - 1 commands in flight (one slot stays empty).
                long base = 20_000L + depth * 8L;
                int[] done = new int[1];
                int[] failed = new int[1];
                int submitted = 0;
                while (submitted < depth) {
                    DmaBuffer slot = buf.slice(4096L * submitted, 4096);
                    VmDevices.fill(slot, depth * 10_000L + submitted);
                    boolean queued = qp.write(ns, base + submitted * 8L, 8, slot, (tag, status) -> {
                        done[0]++;
                        if (status != 0) {
                            failed[0]++;
                        }
                    }, submitted);
                    if (!queued) {
                        break;
                    }
                    submitted++;
                }
                qp.flushSubmissions();
                assertEquals(depth - 1, submitted, "a queue of " + depth + " entries holds " + (depth - 1) + " commands");
                assertEquals(submitted, qp.outstanding());
                assertTrue(qp.drain(java.time.Duration.ofSeconds(60)), "drained");
                assertEquals(submitted, done[0], "completions");
                assertEquals(0, failed[0], "failed completions");
                // Wrap the rings several times, then read everything back in one pass per slot.
                int total = Math.max(3 * depth, 24);
                for (int i = 0; i < total; i++) {
                    DmaBuffer slot = buf.slice(4096L * (i % depth), 4096);
                    VmDevices.fill(slot, depth * 10_000L + i);
                    qp.writeSync(ns, base + i * 8L, 8, slot);
                }
                for (int i = 0; i < total; i++) {
                    DmaBuffer slot = buf.slice(4096L * (i % depth), 4096);
                    qp.readSync(ns, base + i * 8L, 8, slot);
                    VmDevices.assertPattern(slot, depth * 10_000L + i, "depth " + depth + " command " + i);
                }
                System.out.printf("depth %d: %d in flight at once, %d commands round the ring, %s%n", depth, submitted,
                        2 * total + submitted, qp.counters());
            }
        }
    }

    @Test
    void twoControllersAtOnce() {
        List<String> addresses = VmDevices.atLeast(2);
        try (Controller a = Nvme.open(addresses.get(0)); Controller b = Nvme.open(addresses.get(1))) {
            assertNotEquals(a.info().serialNumber(), b.info().serialNumber(), "two different controllers");
            try (IoQueuePair qa = a.createQueuePair(); IoQueuePair qb = b.createQueuePair();
                    DmaBuffer ba = a.allocateBuffer(4096); DmaBuffer bb = b.allocateBuffer(4096)) {
                VmDevices.fill(ba, 0xa);
                VmDevices.fill(bb, 0xb);
                qa.writeSync(a.namespace(1), 0, 8, ba);
                qb.writeSync(b.namespace(1), 0, 8, bb);
                qa.readSync(a.namespace(1), 0, 8, ba);
                qb.readSync(b.namespace(1), 0, 8, bb);
                VmDevices.assertPattern(ba, 0xa, a.address());
                VmDevices.assertPattern(bb, 0xb, b.address());
                System.out.println("two controllers, one container: " + a.address() + " and " + b.address() + " OK");
            }
        }
        assertFalse(VfioRegistry.system().hasContainer(), "everything released");
    }

    @Test
    void openingAnUnknownAddressSaysHowToListFunctions() {
        VmDevices.first();
        NvmeException e = assertThrows(NvmeException.class, () -> Nvme.open("0000:3f:00.0"));
        assertTrue(e.getMessage().contains("tools/nvme4j-setup list"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Nvme.open("nvme0", ControllerOptions.defaults()));
    }
}
