package dev.nvme4j.vfio;

import dev.nvme4j.device.DeviceEvents;
import dev.nvme4j.sys.EventFd;
import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioStructs;
import dev.nvme4j.sys.VfioStructs.DeviceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The function's own interrupts through VFIO, other than MSI-X: the device request
 * ({@code VFIO_PCI_REQ_IRQ_INDEX}: the kernel wants the device back) and the error interrupt
 * ({@code VFIO_PCI_ERR_IRQ_INDEX}, PCIe AER), each wired to an eventfd when the kernel offers it,
 * and unwired at close. Stateless.
 */
final class DeviceInterruptWiring {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceInterruptWiring.class);

    private DeviceInterruptWiring() {
    }

    /**
     * Wires the device request and the error interrupt to eventfds, each when the device reports
     * it (VFIO_DEVICE_GET_IRQ_INFO: the index exists, has a vector and takes an eventfd). Without
     * the request, the kernel cannot ask for the device on hot-unplug or unbind and waits until
     * the process closes it; that is logged, not fatal. Wiring failures are logged too.
     */
    static DeviceEvents wire(LibC libc, PciAddress address, int deviceFd, DeviceInfo info) {
        EventFd request = wire(libc, address, deviceFd, info, VfioStructs.PCI_REQ_IRQ_INDEX, "device request");
        if (request == null) {
            LOG.warn("{}: no device request interrupt (VFIO_PCI_REQ_IRQ_INDEX): a hot-unplug or unbind of the device"
                    + " will wait until the controller is closed", address);
        }
        EventFd error = null;
        try {
            error = wire(libc, address, deviceFd, info, VfioStructs.PCI_ERR_IRQ_INDEX, "error");
            return DeviceEvents.of(libc, request, error);
        } catch (RuntimeException e) {
            if (request != null) {
                request.close();
            }
            if (error != null) {
                error.close();
            }
            throw e;
        }
    }

    /** At close (device fd still open): ends the wiring of both interrupts that were wired; failures logged. */
    static void unwire(LibC libc, PciAddress address, int deviceFd, DeviceEvents events) {
        disable(libc, address, deviceFd, VfioStructs.PCI_REQ_IRQ_INDEX, events.hasRemovalRequest(),
                "the device request");
        disable(libc, address, deviceFd, VfioStructs.PCI_ERR_IRQ_INDEX, events.hasError(), "the error interrupt");
    }

    /** {@return an eventfd wired to interrupt {@code index}, or null when it is not offered or wiring failed} */
    private static EventFd wire(LibC libc, PciAddress address, int deviceFd, DeviceInfo info, int index, String what) {
        if (!offers(libc, address, deviceFd, info, index)) {
            return null;
        }
        EventFd fd = EventFd.create(libc);
        try {
            VfioStructs.setIrqEventFds(libc, deviceFd, index, new int[] {fd.fd()});
            return fd;
        } catch (NativeException e) {
            fd.close();
            LOG.warn("{}: wiring the {} interrupt (VFIO index {}) failed: {}", address, what, index, e.getMessage());
            return null;
        }
    }

    private static boolean offers(LibC libc, PciAddress address, int deviceFd, DeviceInfo info, int index) {
        if (info.numIrqs() <= index) {
            return false;
        }
        try {
            VfioStructs.IrqInfo irq = VfioStructs.irqInfo(libc, deviceFd, index);
            return irq.count() >= 1 && (irq.flags() & VfioStructs.IRQ_INFO_EVENTFD) != 0;
        } catch (NativeException e) {
            LOG.debug("{}: VFIO_DEVICE_GET_IRQ_INFO for index {}: {}", address, index, e.getMessage());
            return false;
        }
    }

    private static void disable(LibC libc, PciAddress address, int deviceFd, int index, boolean wired, String what) {
        if (!wired) {
            return;
        }
        try {
            VfioStructs.disableIrqs(libc, deviceFd, index);
        } catch (NativeException e) {
            LOG.warn("{}: disabling {}: {}", address, what, e.getMessage());
        }
    }
}
