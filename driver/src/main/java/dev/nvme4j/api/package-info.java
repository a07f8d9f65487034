/**
 * The public API of nvme4j, a user-space NVMe driver over Linux VFIO.
 *
 * <p>Start with {@link dev.nvme4j.Nvme#open}, which brings up a controller (a real PCI
 * function bound to vfio-pci, or the in-process mock controller from
 * {@code dev.nvme4j.mock.config}); create {@link dev.nvme4j.api.IoQueuePair}s, allocate
 * {@link dev.nvme4j.api.DmaBuffer}s and submit I/O. Each type states its thread model.
 */
package dev.nvme4j.api;
