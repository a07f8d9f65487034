/**
 * nvme4j: a user-space NVMe PCIe driver over Linux VFIO, built on the FFM API.
 * Exports only the entry point ({@code dev.nvme4j.Nvme}), the public API, the block device API
 * ({@code dev.nvme4j.block}: {@code BlockDevice}, its {@code FileChannel}) and the mock
 * controller's public configuration.
 */
module dev.nvme4j {
    requires org.slf4j;
    requires jdk.jfr;

    exports dev.nvme4j;
    exports dev.nvme4j.api;
    exports dev.nvme4j.block;
    exports dev.nvme4j.mock.config;
}
