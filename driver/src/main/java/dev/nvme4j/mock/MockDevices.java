package dev.nvme4j.mock;

import dev.nvme4j.device.PciFunction;
import dev.nvme4j.mock.config.MockController;

/**
 * The bridge from the public {@link MockController} to the driver's device seam. The driver's
 * {@code Nvme.open(MockController, ControllerOptions)} calls {@link #pciFunction(MockController)}
 * and then drives the mock exactly as a VFIO function. Internal: not exported.
 */
public final class MockDevices {
    private MockDevices() {
    }

    /**
     * The PCI function of a mock controller: registers (BAR0), a DMA allocator whose regions the
     * device reaches by IOVA, and MSI-X vectors. The same object on every call; closing it does
     * not close the controller.
     *
     * @throws IllegalArgumentException if the controller was not created by {@code dev.nvme4j.Nvme.createMock}
     */
    public static PciFunction pciFunction(MockController controller) {
        if (controller instanceof MockNvmeController m) {
            return m.pciFunction();
        }
        throw new IllegalArgumentException("not a mock controller created by Nvme.createMock: " + controller);
    }
}
