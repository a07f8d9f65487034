package dev.nvme4j.tool.device;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.tool.cli.ToolException;

/** Builds the embedded mock controller from the {@code --mock-*} and {@code --fault-*} options. */
public final class MockDevices {
    private MockDevices() {
    }

    /** Creates and opens a mock controller configured by {@code device}. */
    public static Controller open(DeviceOptions device, ControllerOptions options) {
        throw new ToolException("the embedded mock controller is not part of this build; use --device=PCI-ADDRESS");
    }
}
