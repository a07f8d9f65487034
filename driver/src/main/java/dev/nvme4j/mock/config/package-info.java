/**
 * Public configuration of the in-process mock NVMe controller: create one with
 * {@link dev.nvme4j.Nvme#createMock(MockConfig)}, inject faults through
 * {@link dev.nvme4j.mock.config.FaultInjector} and assert the host made no specification
 * mistakes with {@link dev.nvme4j.mock.config.MockController#assertNoViolations()}.
 *
 * <p>The device model itself lives in the non-exported package {@code dev.nvme4j.mock}.
 */
package dev.nvme4j.mock.config;
