package dev.nvme4j.tool.fio;

import dev.nvme4j.api.CompletionMode;

/**
 * Everything one job needs, resolved against the namespace: what to do, where and for how long.
 * Immutable.
 *
 * @param name           job name ({@code --name})
 * @param index          job number, 0-based (the numjobs clone)
 * @param number         fio's job number in the whole run, from 1 (in log file names)
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
 * @param verify         {@code --verify} is a checksum (crc32c, md5, sha256)
 * @param generation     generation stamped into verify headers
 * @param seed           seed of the random offsets and of the read/write mix
 * @param mode           how the job's queue pair waits for completions
 * @param group          fio's reporting group (0-based; a stonewall or new_group starts the next)
 * @param options        the options the job was resolved from (read only)
 * @param flow           sizes, limits and pacing of the job's I/O
 */
public record JobSpec(String name, int index, int number, RwMode rw, int rwmixread, int bs, int blocksPerIo, int iodepth,
                      long runtimeNs, boolean timeBased, long rampNs, int nsid, long startLba, long units,
                      boolean verify, long generation, long seed, CompletionMode mode, int group,
                      FioOptions options, Flow flow) {
    /**
     * How a job's I/O flows: sizes, limits and pacing. {@link #units} of a spec count
     * {@code sizes.min()} bytes; {@link #bs} is the largest size (what a buffer holds).
     *
     * @param sizes         the I/O sizes
     * @param randomMap     random order visits every unit once per pass (false: fio's norandommap)
     * @param bytesLimit    bytes to issue without time_based (io_size or size, times loops)
     * @param iosLimit      I/Os to issue (number_ios), else Long.MAX_VALUE
     * @param thinkNs       pause after every thinkBlocks I/Os, 0 for none
     * @param thinkBlocks   I/Os between pauses
     * @param rateIops      I/Os per second at most, 0 for no cap
     * @param rateBytes     bytes per second at most, 0 for no cap
     * @param distribution  how random offsets spread (fio's random_distribution)
     */
    public record Flow(BlockSizes sizes, boolean randomMap, long bytesLimit, long iosLimit, long thinkNs,
                       int thinkBlocks, long rateIops, long rateBytes, RandomDistribution distribution) {
        /** Every I/O of bs, as fast as possible, the region once. */
        public static Flow simple(int bs, long regionBytes) {
            return new Flow(BlockSizes.fixed(bs), true, regionBytes, Long.MAX_VALUE, 0, 1, 0, 0,
                    RandomDistribution.RANDOM);
        }

        boolean paced() {
            return thinkNs > 0 || rateIops > 0 || rateBytes > 0;
        }
    }

    /** Bytes of a unit of the region: blockalign, else the smallest I/O size. */
    public int unitBytes() {
        Long align = options == null ? null : options.blockalign;
        return align != null ? (int) (long) align : flow.sizes().min();
    }

    /** Bytes of the job's region. */
    public long regionBytes() {
        return units * unitBytes();
    }

    /** True when the job reads back its writes while it writes ({@code verify_backlog}). */
    public boolean verifyBacklog() {
        VerifyOptions v = options == null ? null : options.checks;
        return writeThenVerify() && v.doVerify && !v.verifyOnly && v.verifyBacklog != null && v.verifyBacklog > 0;
    }

    /** True when the job writes a pass and then reads it back verifying ({@code --verify} with writes). */
    public boolean writeThenVerify() {
        return verify && rw.writes();
    }
}
