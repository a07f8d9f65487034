package dev.nvme4j.block;

import dev.nvme4j.Nvme;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;

/** A mock controller, the driver on it and a block device on namespace 1; closing checks the mock saw no violation. */
final class BlockFixture implements AutoCloseable {
    final MockController mock;
    final Controller ctrl;
    final BlockDevice dev;

    BlockFixture(MockConfig config, ControllerOptions options, BlockDeviceOptions devOptions) {
        mock = Nvme.createMock(config);
        try {
            ctrl = Nvme.open(mock, options);
            try {
                dev = BlockDevice.open(ctrl, 1, devOptions);
            } catch (RuntimeException e) {
                ctrl.close();
                throw e;
            }
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            dev.close();
            ctrl.close();
            mock.assertNoViolations();
        } finally {
            mock.close();
        }
    }
}
