package dev.nvme4j.ctrl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The driver core on a real (or QEMU-emulated) controller bound to vfio-pci: split transfers
 * at odd offsets, every namespace, interrupt mode, many queue pairs, admin depth 2 teardown.
 * Runs inside the test VM ({@code NVME4J_PCI}).
 */
@Tag("vfio")
class RealDeviceDriverTest {
    private static String address() {
        String a = System.getenv("NVME4J_PCI");
        assumeTrue(a != null && !a.isBlank(), "NVME4J_PCI not set: no device to test");
        return a;
    }

    @Test
    void splitTransfersAtOddOffsetsReadBackIdenticalOnEveryNamespace() {
        try (Controller ctrl = Nvme.open(address())) {
            long bytes = 3 * ctrl.info().maxTransferBytes() + 4096;
            for (Namespace ns : ctrl.namespaces()) {
                int blocks = (int) (bytes / ns.lbaSize());
                try (IoQueuePair qp = ctrl.createQueuePair(4, CompletionMode.INTERRUPT);
                     DmaBuffer out = ctrl.allocateBuffer(bytes + 8192);
                     DmaBuffer in = ctrl.allocateBuffer(bytes + 8192)) {
                    Random r = new Random(ns.nsid());
                    for (long i = 0; i < out.byteSize(); i += 8) {
                        out.segment().set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
                    }
                    DmaBuffer src = out.slice(20, (long) blocks * ns.lbaSize());
                    DmaBuffer dst = in.slice(4096 + 8, (long) blocks * ns.lbaSize());
                    qp.writeSync(ns, 7, blocks, src);
                    qp.readSync(ns, 7, blocks, dst);
                    assertArrayEquals(src.segment().toArray(ValueLayout.JAVA_BYTE),
                            dst.segment().toArray(ValueLayout.JAVA_BYTE));
                }
            }
        }
    }

    @Test
    void manyQueuePairsThenTeardownWithAdminDepthTwo() {
        ControllerOptions opts = ControllerOptions.builder().adminQueueDepth(2).build();
        try (Controller ctrl = Nvme.open(address(), opts); DmaBuffer buf = ctrl.allocateBuffer(4096)) {
            Namespace ns = ctrl.namespace(1);
            List<IoQueuePair> pairs = new ArrayList<>();
            int n = Math.min(16, ctrl.info().ioQueuePairsGranted());
            for (int i = 0; i < n; i++) {
                pairs.add(ctrl.createQueuePair(8, CompletionMode.POLL));
            }
            for (IoQueuePair qp : pairs) {
                qp.writeSync(ns, qp.queueId(), 1, buf.slice(0, ns.lbaSize()));
            }
            int[] done = {0};
            for (IoQueuePair qp : pairs) {
                assertTrue(qp.read(ns, qp.queueId(), 1, buf.slice(0, ns.lbaSize()), (t, s) -> done[0] += s == 0 ? 1 : 0, 0));
                assertTrue(qp.drain(Duration.ofSeconds(30)));
            }
            assertEquals(n, done[0]);
        } // close deletes every SQ then every CQ through a one-slot admin queue
    }
}
