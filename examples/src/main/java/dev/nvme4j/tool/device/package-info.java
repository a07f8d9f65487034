/**
 * How the tool gets a controller: {@code --device} (the embedded mock with its {@code --mock-*}
 * and {@code --fault-*} options, or a PCI address), behind the {@link
 * dev.nvme4j.tool.device.ControllerSource} seam.
 */
package dev.nvme4j.tool.device;
