package dev.nvme4j;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.api.FabricsOptions;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.ctrl.NvmeController;
import dev.nvme4j.mock.MockDevices;
import dev.nvme4j.mock.MockNvmeController;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;
import dev.nvme4j.tcp.TcpFunction;
import dev.nvme4j.tcp.TcpTarget;
import dev.nvme4j.vfio.VfioException;
import dev.nvme4j.vfio.VfioOptions;
import dev.nvme4j.vfio.VfioPciFunction;

/**
 * Entry point: opens NVMe controllers, real ones and in-process mock ones. The types it hands
 * out are in {@link dev.nvme4j.api}; the mock's configuration in {@link dev.nvme4j.mock.config}.
 *
 * <pre>{@code
 * try (Controller ctrl = Nvme.open("0000:01:00.0")) {
 *     Namespace ns = ctrl.namespace(1);
 *     try (IoQueuePair qp = ctrl.createQueuePair(); DmaBuffer buf = ctrl.allocateBuffer(4096)) {
 *         qp.readSync(ns, 0, 1, buf);
 *     }
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class Nvme {
    private Nvme() {
    }

    /**
     * Creates an in-process mock NVMe controller (powered on, CC.EN = 0), to be opened with
     * {@link #open(MockController, ControllerOptions)} and closed by the caller after the
     * controller that drives it.
     */
    public static MockController createMock(MockConfig config) {
        return MockNvmeController.create(config);
    }

    /**
     * Brings up an in-process mock controller through the same driver code as hardware. The
     * mock stays owned by the caller: close the returned controller first, then the mock.
     */
    public static Controller open(MockController mock, ControllerOptions options) {
        return NvmeController.open(MockDevices.pciFunction(mock), options, false);
    }

    /** {@link #open(MockController, ControllerOptions)} with default options. */
    public static Controller open(MockController mock) {
        return open(mock, ControllerOptions.defaults());
    }

    /**
     * Opens the NVMe function at a PCI address (bound to vfio-pci), or the NVMe/TCP controller at
     * {@code tcp://HOST:PORT/SUBNQN}, with default options.
     */
    public static Controller open(String pciAddress) {
        return open(pciAddress, ControllerOptions.defaults());
    }

    /**
     * Connects to the NVMe/TCP controller of subsystem SUBNQN at {@code tcp://HOST[:PORT]/SUBNQN}
     * (port 4420 when omitted) and brings it up through the same driver as PCIe: the same
     * {@link Controller}, queue pairs, timeouts and recovery (a reset reconnects, within
     * {@link FabricsOptions#reconnectTimeout()}). Buffers are plain off-heap memory. Queue count
     * and depth come from {@code options}; the host's identity, digests and Keep Alive from
     * {@code fabrics}.
     *
     * @throws IllegalArgumentException when {@code target} is not such an address
     * @throws NvmeException            when connecting or the bring-up fails, with the reason
     */
    public static Controller open(String target, ControllerOptions options, FabricsOptions fabrics) {
        TcpFunction fn = TcpTarget.parse(target).open(options, fabrics);
        try {
            return NvmeController.open(fn, options, true);
        } catch (RuntimeException e) {
            fn.close();
            throw e;
        }
    }

    /**
     * Opens the NVMe function at a PCI address such as {@code 0000:01:00.0}, which must be
     * bound to vfio-pci, and brings the controller up.
     *
     * @throws IllegalArgumentException when {@code pciAddress} is not a PCI address
     * @throws NvmeException with the reason and the fix (e.g. the command that binds the device)
     */
    public static Controller open(String pciAddress, ControllerOptions options) {
        if (TcpTarget.isTcp(pciAddress)) {
            return open(pciAddress, options, FabricsOptions.defaults());
        }
        VfioPciFunction pci;
        try {
            pci = VfioPciFunction.open(pciAddress, VfioOptions.defaults().withUnsafeNoIommu(options.unsafeNoIommu()));
        } catch (VfioException e) {
            throw new NvmeException("opening " + pciAddress + ": " + e.getMessage(), e);
        }
        try {
            return NvmeController.open(pci, options, true);
        } catch (RuntimeException e) {
            pci.close(); // idempotent; a failed bring-up does not close the function
            throw e;
        }
    }
}
