/**
 * {@code nvme4j fio}: options ({@link dev.nvme4j.tool.fio.FioOptions}), job runner
 * ({@link dev.nvme4j.tool.fio.JobRunner}), workload generator
 * ({@link dev.nvme4j.tool.fio.OffsetGenerator}), verify block format
 * ({@link dev.nvme4j.tool.fio.VerifyFormat}), statistics ({@link dev.nvme4j.tool.fio.DirectionStats},
 * {@link dev.nvme4j.tool.fio.RateSamples}), reports in fio's normal and JSON shapes and the live
 * progress line.
 */
package dev.nvme4j.tool.fio;
