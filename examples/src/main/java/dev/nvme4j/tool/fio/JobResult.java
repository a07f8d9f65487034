package dev.nvme4j.tool.fio;

import dev.nvme4j.api.QueueCounters;
import java.util.List;

/**
 * What a finished job measured and found. Immutable once built (the histograms inside the
 * {@link DirectionStats} are not copied: do not record into them any more).
 *
 * @param spec            the job
 * @param read            read statistics
 * @param write           write statistics
 * @param trim            trim (Deallocate) statistics
 * @param runtimeNs       recorded run time (after ramp; both phases when verifying)
 * @param readRuntimeNs   time spent in phases that read (the verify pass alone when verifying)
 * @param writeRuntimeNs  time spent in phases that write (the write pass alone when verifying)
 * @param trimRuntimeNs   time spent in phases that trim
 * @param usrCpuNs        user CPU time of the job thread while recording
 * @param sysCpuNs        system CPU time of the job thread while recording
 * @param startEpochMs    wall-clock start
 * @param ioErrors        completions with an error status
 * @param firstError      description of the first I/O error, or null
 * @param failure         why the job stopped early (not an I/O status), or null
 * @param verifiedBlocks  logical blocks checked by verification
 * @param mismatchCount   logical blocks that failed verification
 * @param mismatches      the first of them (at most {@link JobRunner#MAX_MISMATCHES_KEPT})
 * @param counters        the queue pair's counters at the end
 * @param allocatedBytes  heap bytes the job's thread allocated while recording (hot-path check)
 * @param depthLevels     I/Os submitted with 1, 2-3, 4-7, 8-15, 16-31, 32-63, 64+ in flight (fio's IO depths)
 */
public record JobResult(JobSpec spec, DirectionStats read, DirectionStats write, DirectionStats trim, long runtimeNs,
                        long readRuntimeNs, long writeRuntimeNs, long trimRuntimeNs, long usrCpuNs,
                        long sysCpuNs, long startEpochMs, long ioErrors, String firstError, String failure,
                        long verifiedBlocks, long mismatchCount, List<Mismatch> mismatches,
                        QueueCounters counters, long allocatedBytes,
                        long[] depthLevels) {
    /** True when the job had no I/O error, no verify mismatch and did not fail. */
    public boolean ok() {
        return ioErrors == 0 && mismatchCount == 0 && failure == null;
    }
}
