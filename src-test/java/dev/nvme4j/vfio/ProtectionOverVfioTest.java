package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.Protection;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Metadata and end-to-end protection information against QEMU's own PI checking (hw/nvme/dif.c),
 * on the controller {@code tools/vm-test} formats: types 1, 2 and 3, 512+8, 512+16 and 4096+64,
 * PI first and last, extended and separate metadata. What the driver generates QEMU checks on the
 * write (guard, application tag, reference tag through EILBRT, with MDTS 16 KiB splitting every
 * transfer), what QEMU inserts (PRACT) the driver checks on the read, and a block whose data no
 * longer matches its guard is a guard error naming its LBA. Transfers of 8 KiB and more describe
 * their data with an SGL (QEMU offers them), the metadata with MPTR; single blocks use PRPs.
 * Afterwards the guest kernel must not have logged a DMA fault (DMAR) for any of it.
 */
@Tag("vfio")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtectionOverVfioTest {
    private static final int BLOCKS = 48;
    private Controller ctrl;
    private IoQueuePair qp;

    @BeforeAll
    void open() {
        String address = System.getenv("NVME4J_PCI_PI");
        if (address != null && !address.isBlank()) {
            // SGLs from 8 KiB: the 16 KiB commands (MDTS) go out with an SGL, single blocks with PRPs.
            ctrl = Nvme.open(address.trim(), ControllerOptions.builder().sglThreshold(8192).build());
            qp = ctrl.createQueuePair(32, CompletionMode.POLL);
        }
    }

    @AfterAll
    void close() throws IOException, InterruptedException {
        if (ctrl != null) {
            long sgl = qp.counters().sglCommands();
            ctrl.close();
            assertTrue(sgl > 0, "QEMU offers SGLs: the multi-block transfers should have used them");
            List<String> faults = dmarLines();
            assertTrue(faults.isEmpty(), "the IOMMU logged DMA faults: " + faults);
        }
    }

    /** Guest kernel log lines that report an IOMMU (DMAR) fault. */
    private static List<String> dmarLines() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("dmesg").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "dmesg failed: " + log);
        return log.lines().filter(l -> l.contains("DMAR") && l.toLowerCase().contains("fault")).toList();
    }

    Stream<Integer> namespaces() {
        return IntStream.rangeClosed(1, 6).boxed();
    }

    private Namespace namespace(int nsid) {
        VmDevices.protection();
        Namespace ns = ctrl.namespace(nsid);
        assertTrue(ns.hasProtection(), "namespace " + nsid + " should be formatted with PI: " + ns.describeFormat());
        return ns;
    }

    private long stride(Namespace ns) {
        return ns.lbaSize() + (ns.extendedLba() ? ns.metadataSize() : 0);
    }

    private DmaBuffer dataBuffer(Namespace ns, long seed) {
        DmaBuffer b = ctrl.allocateBuffer(BLOCKS * stride(ns));
        VmDevices.fill(b, seed);
        return b;
    }

    private DmaBuffer metaBuffer(Namespace ns) {
        return ns.extendedLba() ? null : ctrl.allocateBuffer((long) BLOCKS * ns.metadataSize());
    }

    private byte[] data(Namespace ns, DmaBuffer b, long stride) {
        byte[] out = new byte[BLOCKS * ns.lbaSize()];
        for (int i = 0; i < BLOCKS; i++) {
            MemorySegment.copy(b.segment(), ValueLayout.JAVA_BYTE, i * stride, out, i * ns.lbaSize(), ns.lbaSize());
        }
        return out;
    }

    private static void free(DmaBuffer... buffers) {
        for (DmaBuffer b : buffers) {
            if (b != null) {
                b.close();
            }
        }
    }

    @ParameterizedTest(name = "namespace {0}")
    @MethodSource("namespaces")
    void piTheDriverGeneratesPassesQemusChecks(int nsid) {
        Namespace ns = namespace(nsid);
        Protection pi = Protection.host(Protection.ALL).withAppTag(0x5A00 + nsid, 0xFFFF);
        DmaBuffer w = dataBuffer(ns, nsid), wm = metaBuffer(ns), r = dataBuffer(ns, 0), rm = metaBuffer(ns);
        try {
            long lba = 100;
            qp.writeSync(ns, lba, BLOCKS, w, wm, pi);      // QEMU checks guard, app tag, ref tag (PRCHK)
            qp.readSync(ns, lba, BLOCKS, r, rm, pi);       // the driver checks them
            assertArrayEquals(data(ns, w, stride(ns)), data(ns, r, stride(ns)), ns.describeFormat());
            // PRACT read: QEMU checks (and, with 8-byte metadata, strips) the PI itself.
            r.segment().fill((byte) 0);
            Protection byQemu = Protection.controller(Protection.ALL).withAppTag(0x5A00 + nsid, 0xFFFF);
            boolean strips = ns.metadataSize() == 8;
            qp.readSync(ns, lba, BLOCKS, r, strips ? null : rm, byQemu);
            long readStride = strips ? ns.lbaSize() : stride(ns);
            assertArrayEquals(data(ns, w, stride(ns)), data(ns, r, readStride), ns.describeFormat() + ", PRACT read");
        } finally {
            free(w, wm, r, rm);
        }
    }

    @ParameterizedTest(name = "namespace {0}")
    @MethodSource("namespaces")
    void piQemuInsertsPassesTheDriversChecks(int nsid) {
        Namespace ns = namespace(nsid);
        boolean strips = ns.metadataSize() == 8;
        DmaBuffer w = ctrl.allocateBuffer(BLOCKS * (strips ? ns.lbaSize() : stride(ns)));
        DmaBuffer wm = strips ? null : metaBuffer(ns), r = dataBuffer(ns, 0), rm = metaBuffer(ns);
        try {
            VmDevices.fill(w, 1000 + nsid);
            long lba = 300;
            qp.writeSync(ns, lba, BLOCKS, w, wm, Protection.controller(Protection.GUARD | Protection.REF_TAG));
            qp.readSync(ns, lba, BLOCKS, r, rm, Protection.host(Protection.GUARD | Protection.REF_TAG));
            assertArrayEquals(data(ns, w, strips ? ns.lbaSize() : stride(ns)), data(ns, r, stride(ns)),
                    ns.describeFormat());
        } finally {
            free(w, wm, r, rm);
        }
    }

    /**
     * Write Zeroes over blocks that held data with PI: the driver sends PRACT (and EILBRT), so
     * QEMU writes the PI of the zeroes; a read with every check passes, on the driver's side
     * (host checks) and on QEMU's (PRACT read). Without PRACT QEMU leaves the PI all zeros and
     * the reference tag check fails.
     */
    @ParameterizedTest(name = "namespace {0}")
    @MethodSource("namespaces")
    void writeZeroesLeavesPiThatCheckedReadsAccept(int nsid) {
        Namespace ns = namespace(nsid);
        Protection pi = Protection.host(Protection.ALL).withAppTag(0x3C00 + nsid, 0xFFFF);
        DmaBuffer w = dataBuffer(ns, 3000 + nsid), wm = metaBuffer(ns), r = dataBuffer(ns, 0), rm = metaBuffer(ns);
        try {
            long lba = 500;
            qp.writeSync(ns, lba, BLOCKS, w, wm, pi);
            int[] st = {-1};
            assertTrue(qp.writeZeroes(ns, lba, BLOCKS, (t, s) -> st[0] = s, 0));
            assertTrue(qp.drain(java.time.Duration.ofSeconds(10)));
            assertEquals(0, st[0], dev.nvme4j.api.Status.describe(st[0]));
            Protection zeroTag = Protection.host(Protection.ALL).withAppTag(0, 0xFFFF);
            qp.readSync(ns, lba, BLOCKS, r, rm, zeroTag);
            assertArrayEquals(new byte[BLOCKS * ns.lbaSize()], data(ns, r, stride(ns)), ns.describeFormat());
            boolean strips = ns.metadataSize() == 8;
            qp.readSync(ns, lba, BLOCKS, r, strips ? null : rm, Protection.controller(Protection.ALL).withAppTag(0, 0xFFFF));
        } finally {
            free(w, wm, r, rm);
        }
    }

    @ParameterizedTest(name = "namespace {0}")
    @MethodSource("namespaces")
    void aBlockWhoseDataNoLongerMatchesItsGuardIsAGuardErrorNamingItsLba(int nsid) {
        Namespace ns = namespace(nsid);
        DmaBuffer w = dataBuffer(ns, 2000 + nsid), wm = metaBuffer(ns);
        try {
            long lba = 500;
            qp.writeSync(ns, lba, BLOCKS, w, wm, Protection.HOST_DEFAULT);
            // Block lba+37 on the media: other data under the old PI (written without PRCHK, so QEMU stores it).
            long bad = 37;
            MemorySegment s = w.segment();
            s.set(ValueLayout.JAVA_BYTE, bad * stride(ns) + 11, (byte) ~s.get(ValueLayout.JAVA_BYTE, bad * stride(ns) + 11));
            DmaBuffer one = w.slice(bad * stride(ns), stride(ns));
            DmaBuffer oneMeta = wm == null ? null : wm.slice(bad * ns.metadataSize(), ns.metadataSize());
            qp.writeSync(ns, lba + bad, 1, one, oneMeta, null);

            AtomicInteger status = new AtomicInteger(-1);
            AtomicLong errorLba = new AtomicLong();
            assertTrue(qp.read(ns, lba, BLOCKS, w, wm, Protection.HOST_DEFAULT, (tag, st) -> {
                status.set(st);
                errorLba.set(qp.protectionErrorLba());
            }, 0));
            assertTrue(qp.drain(Duration.ofSeconds(30)));
            assertEquals(NvmeStatus.GUARD_CHECK_ERROR, NvmeStatus.of(status.get()), ns.describeFormat());
            assertEquals(lba + bad, errorLba.get(), "the driver names the block");
            // QEMU's own check of that block (PRACT read, PRCHK guard) agrees.
            DmaBuffer target = ns.metadataSize() == 8 ? w.slice(0, ns.lbaSize()) : one;
            NvmeException e = assertThrows(NvmeException.class, () -> qp.readSync(ns, lba + bad, 1, target,
                    ns.metadataSize() == 8 ? null : oneMeta, Protection.controller(Protection.GUARD)));
            assertEquals(NvmeStatus.GUARD_CHECK_ERROR, NvmeStatus.of(e.status()), e.getMessage());
            assertTrue(e.getMessage().contains("LBA " + (lba + bad) + ")"), e.getMessage());
        } finally {
            free(w, wm);
        }
    }
}
