package dev.nvme4j.examples;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Writes one block and reads it back through the public API. Runs on the in-process mock
 * controller by default; pass a PCI address (bound to vfio-pci) to use real hardware:
 * {@code ReadWriteExample 0000:01:00.0}. Single-threaded: the main thread owns the queue pair.
 */
public final class ReadWriteExample {
    private ReadWriteExample() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            try (Controller ctrl = Nvme.open(args[0])) {
                run(ctrl);
            }
            return;
        }
        try (MockController mock = Nvme.createMock(MockConfig.defaults());
             Controller ctrl = Nvme.open(mock, ControllerOptions.defaults())) {
            run(ctrl);
        }
    }

    private static void run(Controller ctrl) {
        System.out.println("controller " + ctrl.info().modelNumber() + " (" + ctrl.info().serialNumber() + "), NVMe "
                + ctrl.info().versionString());
        Namespace ns = ctrl.namespaces().get(0);
        try (IoQueuePair qp = ctrl.createQueuePair();
             DmaBuffer out = ctrl.allocateBuffer(ns.lbaSize());
             DmaBuffer in = ctrl.allocateBuffer(ns.lbaSize())) {
            byte[] message = "hello from nvme4j".getBytes(StandardCharsets.US_ASCII);
            out.segment().copyFrom(java.lang.foreign.MemorySegment.ofArray(message));
            qp.writeSync(ns, 0, 1, out);
            qp.readSync(ns, 0, 1, in);
            byte[] back = in.segment().asSlice(0, message.length).toArray(ValueLayout.JAVA_BYTE);
            System.out.println("namespace " + ns.nsid() + ", block 0 reads: " + new String(back, StandardCharsets.US_ASCII));
        }
    }
}
