package dev.nvme4j.ctrl;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerOptions;
import dev.nvme4j.Nvme;
import dev.nvme4j.mock.config.MockConfig;
import dev.nvme4j.mock.config.MockController;

/** A mock controller and the driver on top of it; closing checks the mock saw no spec violation. */
final class MockFixture implements AutoCloseable {
    final MockController mock;
    final Controller ctrl;

    MockFixture(MockConfig config, ControllerOptions options) {
        mock = Nvme.createMock(config);
        try {
            ctrl = Nvme.open(mock, options);
        } catch (RuntimeException e) {
            mock.close();
            throw e;
        }
    }

    MockFixture(MockConfig config) {
        this(config, ControllerOptions.defaults());
    }

    static MockFixture defaults() {
        return new MockFixture(MockConfig.defaults());
    }

    @Override
    public void close() {
        try {
            ctrl.close();
            mock.assertNoViolations();
        } finally {
            mock.close();
        }
    }
}
