package dev.nvme4j.tool.fio;

import dev.nvme4j.api.CompletionMode;

/**
 * Everything one job needs, resolved against the namespace: what to do, where and for how long.
 * Immutable.
 *
 * @param name           job name ({@code --name})
 * @param index          job number, 0-based (the numjobs clone)
 * @param rw             workload
 * @param rwmixread      percentage of reads in a mixed workload
 * @param bs             bytes per I/O
 * @param blocksPerIo    logical blocks per I/O
 * @param iodepth        I/Os kept in flight
 * @param runtimeNs      run time after ramp in ns (0: until the size is done)
 * @param timeBased      keep running (wrapping around the region) until the run time passed
 * @param rampNs         ramp time in ns: I/O runs but is not recorded
 * @param nsid           namespace
 * @param startLba       first LBA of the job's region
 * @param units          I/O units (of bs) in the region
 * @param verify         {@code --verify=crc32c}
 * @param generation     generation stamped into verify headers
 * @param seed           seed of the random offsets and of the read/write mix
 * @param mode           how the job's queue pair waits for completions
 * @param group          fio's reporting group (0-based; a stonewall or new_group starts the next)
 * @param options        the options the job was resolved from (read only)
 */
public record JobSpec(String name, int index, RwMode rw, int rwmixread, int bs, int blocksPerIo, int iodepth,
                      long runtimeNs, boolean timeBased, long rampNs, int nsid, long startLba, long units,
                      boolean verify, long generation, long seed, CompletionMode mode, int group,
                      FioOptions options) {
    /** Bytes of the job's region. */
    public long regionBytes() {
        return units * bs;
    }

    /** True when the job writes a pass and then reads it back verifying ({@code --verify} with writes). */
    public boolean writeThenVerify() {
        return verify && rw.writes();
    }
}
