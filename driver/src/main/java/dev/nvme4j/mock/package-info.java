/**
 * The in-process mock NVMe controller's device model (internal; configure it through
 * {@link dev.nvme4j.mock.config}).
 *
 * <p>Map of the model: {@code MockNvmeController} (device state, public API), {@code Lanes}
 * (the device lock and the lane locks), {@code Bar0} (register and doorbell decoding, the lane
 * fast path), {@code Removal} (surprise removal, removal request and release), {@code Registers} (CAP/CC/CSTS/AQA/ASQ/ACQ and the enable, disable and shutdown state
 * machine), {@code Engine} (fetch, dispatch, completion posting with CQ flow control, hung and
 * delayed commands, Abort), {@code AsyncEvents} (Asynchronous Event Requests and pending events), {@code AdminCommands}, {@code Identify},
 * {@code LogPages}, {@code IoCommands}, {@code PrpWalker}, {@code IovaTable} with
 * {@code MockDmaAllocator} (the IOMMU), {@code MockSq}/{@code MockCq}, {@code Interrupts} with
 * {@link dev.nvme4j.device.EventFdVector} (an eventfd per MSI-X vector, shared with the VFIO
 * backend), the stores ({@code RamStore},
 * {@code FileStore}, {@code NullStore}), {@code Faults} and {@code Violations}.
 *
 * <p>The driver reaches a mock through {@link dev.nvme4j.mock.MockDevices#pciFunction}; its
 * threading model: device state changes under the device lock, taken (with every lane lock) by
 * host register accesses (deterministic mode runs the commands right there) and by the device
 * thread (threaded mode); in deterministic mode the doorbells of an I/O queue pair that qualifies
 * run its commands under that pair's own lane lock instead, so host threads on different queue
 * pairs share nothing (see {@code MockNvmeController}). Completion entries are written with DW3
 * (phase) last as a release store.
 */
package dev.nvme4j.mock;
