package dev.nvme4j.vfio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Nvme;
import dev.nvme4j.api.NvmeException;

import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The whole driver on a real (QEMU-emulated) controller through the VFIO backend: the public
 * API opens the function by PCI address, brings the controller up, writes and reads back data.
 * Runs inside the test VM ({@code NVME4J_PCI}).
 */
@Tag("vfio")
class NvmeOverVfioTest {

    private String address;

    @BeforeEach
    void needDevice() {
        address = System.getenv("NVME4J_PCI");
        assumeTrue(address != null && !address.isBlank(), "NVME4J_PCI not set: no device to test");
    }

    @ParameterizedTest
    @EnumSource(CompletionMode.class)
    void writesAndReadsBackThroughThePublicApi(CompletionMode mode) {
        try (Controller ctrl = Nvme.open(address)) {
            Namespace ns = ctrl.namespace(1);
            System.out.printf("%s: %s, model '%s', NVMe %s, %d I/O queue pairs, MDTS %d; ns 1: %d x %d bytes%n",
                    mode, ctrl.address(), ctrl.info().modelNumber(), ctrl.info().versionString(),
                    ctrl.info().ioQueuePairsGranted(), ctrl.info().maxTransferBytes(), ns.sizeBlocks(), ns.lbaSize());
            int blocks = (int) (65536 / ns.lbaSize());
            try (IoQueuePair qp = ctrl.createQueuePair(64, mode);
                    DmaBuffer out = ctrl.allocateBuffer(65536);
                    DmaBuffer in = ctrl.allocateBuffer(65536)) {
                for (long i = 0; i < 65536; i += 8) {
                    out.segment().set(ValueLayout.JAVA_LONG, i, i * 0x9E3779B97F4A7C15L ^ mode.ordinal());
                }
                long lba = 1024L * (mode.ordinal() + 1);
                qp.writeSync(ns, lba, blocks, out);
                qp.readSync(ns, lba, blocks, in);
                assertEquals(-1L, out.segment().mismatch(in.segment()), "read back what was written");
                System.out.printf("%s: wrote and read back 64 KiB at LBA %d%n", mode, lba);
            }
        }
    }

    @Test
    void twoControllersAtOnce() {
        String all = System.getenv("NVME4J_PCI_ALL");
        assumeTrue(all != null && all.trim().contains(" "), "needs two controllers (vm-run --controllers 2)");
        String[] addresses = all.trim().split("\\s+");
        try (Controller a = Nvme.open(addresses[0]); Controller b = Nvme.open(addresses[1])) {
            try (IoQueuePair qa = a.createQueuePair(); IoQueuePair qb = b.createQueuePair();
                    DmaBuffer ba = a.allocateBuffer(4096); DmaBuffer bb = b.allocateBuffer(4096)) {
                ba.segment().fill((byte) 0xa);
                bb.segment().fill((byte) 0xb);
                qa.writeSync(a.namespace(1), 0, 4096 / a.namespace(1).lbaSize(), ba);
                qb.writeSync(b.namespace(1), 0, 4096 / b.namespace(1).lbaSize(), bb);
                ba.segment().fill((byte) 0);
                bb.segment().fill((byte) 0);
                qa.readSync(a.namespace(1), 0, 4096 / a.namespace(1).lbaSize(), ba);
                qb.readSync(b.namespace(1), 0, 4096 / b.namespace(1).lbaSize(), bb);
                assertEquals(0xa, ba.segment().get(ValueLayout.JAVA_BYTE, 4095));
                assertEquals(0xb, bb.segment().get(ValueLayout.JAVA_BYTE, 4095));
                System.out.println("two controllers, one container: " + a.address() + " and " + b.address() + " OK");
            }
        }
        assertFalse(VfioRegistry.system().hasContainer(), "everything released");
    }

    @Test
    void openingAnUnknownAddressSaysHowToListFunctions() {
        NvmeException e = assertThrows(NvmeException.class, () -> Nvme.open("0000:3f:00.0"));
        assertTrue(e.getMessage().contains("tools/nvme4j-setup list"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Nvme.open("nvme0", ControllerOptions.defaults()));
    }
}
