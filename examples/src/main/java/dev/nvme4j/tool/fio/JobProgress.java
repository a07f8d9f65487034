package dev.nvme4j.tool.fio;

/**
 * What the rate sampler, the status lines and the progress line read of a running job, whatever
 * its engine ({@link JobRunner} for nvme4j, {@link PsyncJob} for psync). Every method may be
 * called from any thread while the job runs; the counters are what the job last published.
 */
public interface JobProgress {
    JobSpec spec();

    /** Read statistics; only the progress and recorded counters are read while the job runs. */
    DirectionStats read();

    /** Write statistics; as {@link #read()}. */
    DirectionStats write();

    /** The progress line's letter for this job now: P setting up, V verifying, _ done, else rw's. */
    char phaseChar();

    /** System.nanoTime() when I/O started, 0 before. */
    long startedNanos();

    boolean finished();

    /** True while the job records reads (for the rate sampler). */
    boolean recordingReads();

    /** True while the job records writes (for the rate sampler). */
    boolean recordingWrites();
}
