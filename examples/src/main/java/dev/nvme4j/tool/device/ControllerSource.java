package dev.nvme4j.tool.device;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;

/**
 * Where the tool's commands get their controller from: the seam between the tool and the
 * driver. {@link DeviceOpener} is the real one; tests may substitute their own.
 */
@FunctionalInterface
public interface ControllerSource {
    /**
     * Opens the device the options name.
     *
     * @throws dev.nvme4j.tool.cli.ToolException with one line saying why and how to fix it
     */
    Controller open(DeviceOptions device, ControllerOptions options);
}
