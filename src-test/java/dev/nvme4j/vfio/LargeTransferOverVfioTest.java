package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.api.RawCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Transfers of one page up to 1 MiB through a real (QEMU-emulated) controller: PRP1 alone, PRP2
 * as the second page, PRP lists, buffers that start in the middle of a page, and transfers
 * larger than MDTS that the driver splits: on the first controller (QEMU's default MDTS) and on
 * the controller {@code tools/vm-test} gives {@code mdts=2} (16 KiB with 4 KiB pages), where a
 * 1 MiB transfer must go out as 64 commands, each within the limit QEMU enforces.
 */
@Tag("vfio")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeTransferOverVfioTest {
    private static final int[] SIZES = {4096, 8192, 12288, 65536, 131072, 1 << 20};
    private static final int[] OFFSETS = {0, 512};

    private Controller ctrl;
    private IoQueuePair qp;

    @BeforeAll
    void open() {
        // Without a device every test is skipped on its own (VmDevices.first()), with the reason.
        String address = System.getenv("NVME4J_PCI");
        if (address != null && !address.isBlank()) {
            ctrl = Nvme.open(address.trim());
            qp = ctrl.createQueuePair(64, CompletionMode.POLL);
        }
    }

    @AfterAll
    void close() {
        if (ctrl != null) {
            ctrl.close();
        }
    }

    Stream<Arguments> cases() {
        List<Arguments> list = new ArrayList<>();
        for (int nsid : new int[] {1, 2}) {
            for (int size : SIZES) {
                for (int offset : OFFSETS) {
                    list.add(Arguments.of(nsid, size, offset));
                }
            }
        }
        return list.stream();
    }

    @ParameterizedTest(name = "ns {0}: {1} bytes at buffer offset {2}")
    @MethodSource("cases")
    void writesAndReadsBackLargeTransfers(int nsid, int size, int offset) {
        VmDevices.first();
        Namespace ns = nsid == 2 ? VmDevices.ns4k(ctrl) : ctrl.namespace(nsid);
        long maxTransfer = ctrl.info().maxTransferBytes();
        int caseIndex = indexOf(size) * OFFSETS.length + (offset == 0 ? 0 : 1);
        long lba = (caseIndex * (2L << 20)) / ns.lbaSize();
        try (DmaBuffer outBuf = ctrl.allocateBuffer(size + 4096L); DmaBuffer inBuf = ctrl.allocateBuffer(size + 4096L)) {
            DmaBuffer out = outBuf.slice(offset, size);
            DmaBuffer in = inBuf.slice(offset, size);
            long seed = nsid * 1_000_000L + size + offset;
            VmDevices.fill(out, seed);
            VmDevices.fill(in, ~seed);
            long before = qp.counters().submitted();
            qp.writeSync(ns, lba, size / ns.lbaSize(), out);
            long writes = qp.counters().submitted() - before;
            qp.readSync(ns, lba, size / ns.lbaSize(), in);
            long reads = qp.counters().submitted() - before - writes;
            VmDevices.assertPattern(in, seed, "ns " + nsid + ", " + size + " bytes at offset " + offset);
            long expected = (size + maxTransfer - 1) / maxTransfer;
            assertEquals(expected, writes, "write commands for " + size + " bytes with MDTS " + maxTransfer);
            assertEquals(expected, reads, "read commands for " + size + " bytes with MDTS " + maxTransfer);
        }
    }

    @Test
    void splitsTransfersAtASmallMdts() {
        VmDevices.first();
        try (Controller small = Nvme.open(VmDevices.smallMdts())) {
            assertEquals(VmDevices.SMALL_MDTS_BYTES, small.info().maxTransferBytes(),
                    "MDTS of the controller with QEMU mdts=2: 2^2 x 4 KiB");
            Namespace ns = small.namespace(1);
            int size = 1 << 20;
            try (IoQueuePair q = small.createQueuePair(32, CompletionMode.INTERRUPT);
                    DmaBuffer outBuf = small.allocateBuffer(size + 4096L);
                    DmaBuffer inBuf = small.allocateBuffer(size + 4096L)) {
                for (int offset : OFFSETS) {
                    DmaBuffer out = outBuf.slice(offset, size);
                    DmaBuffer in = inBuf.slice(offset, size);
                    long lba = offset == 0 ? 0 : (4L << 20) / ns.lbaSize();
                    VmDevices.fill(out, 0x5eed + offset);
                    VmDevices.fill(in, 0);
                    long before = q.counters().submitted();
                    q.writeSync(ns, lba, size / ns.lbaSize(), out);
                    q.readSync(ns, lba, size / ns.lbaSize(), in);
                    VmDevices.assertPattern(in, 0x5eed + offset, "1 MiB through MDTS 16 KiB at buffer offset " + offset);
                    long commands = q.counters().submitted() - before;
                    assertEquals(2 * 64, commands, "1 MiB write + read in 16 KiB commands");
                    assertEquals(0, q.counters().errors(), "no command failed (QEMU rejects any over MDTS)");
                }
                // Just over the limit: two commands, the second one block long.
                DmaBuffer odd = outBuf.slice(0, 16384 + 512);
                VmDevices.fill(odd, 99);
                long before = q.counters().submitted();
                q.writeSync(ns, 100_000, 33, odd);
                DmaBuffer back = inBuf.slice(0, 16384 + 512);
                q.readSync(ns, 100_000, 33, back);
                VmDevices.assertPattern(back, 99, "16.5 KiB");
                assertEquals(4, q.counters().submitted() - before, "16.5 KiB = 16 KiB + 512 bytes, twice");
                // Passthrough is not split: the driver refuses what the device would.
                RawCommand read = RawCommand.of(0x02, 1).withCdw12(63);
                assertThrows(IllegalArgumentException.class, () -> q.passthroughSync(read, inBuf.slice(0, 32768)));
                System.out.printf("%s: MDTS %d, %s%n", small.address(), small.info().maxTransferBytes(), q.counters());
            }
        }
    }

    @Test
    void aSingleCommandCarriesTheLongestPrpList() {
        VmDevices.first();
        long maxTransfer = ctrl.info().maxTransferBytes();
        assertTrue(maxTransfer >= 64 * 1024, "default QEMU MDTS is large: " + maxTransfer);
        Namespace ns = ctrl.namespace(1);
        int size = (int) Math.min(maxTransfer, 2 << 20);
        try (DmaBuffer out = ctrl.allocateBuffer(size); DmaBuffer in = ctrl.allocateBuffer(size)) {
            VmDevices.fill(out, 4242);
            long before = qp.counters().submitted();
            qp.writeSync(ns, (40L << 20) / 512, size / 512, out);
            qp.readSync(ns, (40L << 20) / 512, size / 512, in);
            assertEquals(2, qp.counters().submitted() - before, "one command each way, " + size / 4096 + " pages");
            VmDevices.assertPattern(in, 4242, "one-command transfer of " + size + " bytes");
        }
    }

    private static int indexOf(int size) {
        for (int i = 0; i < SIZES.length; i++) {
            if (SIZES[i] == size) {
                return i;
            }
        }
        throw new IllegalArgumentException();
    }
}
