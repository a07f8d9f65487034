package dev.nvme4j.api;

/**
 * Entry point: opens NVMe controllers.
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

    /** Opens the NVMe function at a PCI address (bound to vfio-pci) with default options. */
    public static Controller open(String pciAddress) {
        return open(pciAddress, ControllerOptions.defaults());
    }

    /**
     * Opens the NVMe function at a PCI address such as {@code 0000:01:00.0}, which must be
     * bound to vfio-pci, and brings the controller up.
     *
     * @throws NvmeException with the reason and the fix (e.g. the command that binds the device)
     */
    public static Controller open(String pciAddress, ControllerOptions options) {
        throw new NvmeException("opening " + pciAddress + ": the VFIO backend is not built into this version");
    }
}
