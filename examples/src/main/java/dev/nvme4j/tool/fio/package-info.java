/**
 * {@code nvme4j fio}: options ({@link dev.nvme4j.tool.fio.FioOptions} and its groups), job files
 * ({@link dev.nvme4j.tool.fio.JobFile}, {@link dev.nvme4j.tool.fio.JobDefs}), a job's passes
 * ({@link dev.nvme4j.tool.fio.JobRunner}) and its I/O loop ({@code JobIo}), workload generator
 * ({@link dev.nvme4j.tool.fio.OffsetGenerator}), verify block format
 * ({@link dev.nvme4j.tool.fio.VerifyFormat}), statistics ({@link dev.nvme4j.tool.fio.DirectionStats},
 * {@link dev.nvme4j.tool.fio.RateSamples}), reports in fio's normal and JSON shapes and the live
 * progress line.
 */
package dev.nvme4j.tool.fio;
