package dev.nvme4j.tool.fio;

/**
 * When a paced job may issue its next I/O: fio's rate_iops, rate (bytes per second) and
 * thinktime / thinktime_blocks. Rates are kept from the start of the pass, so a slow moment is
 * caught up afterwards, as fio does. Used on the job's thread only.
 */
final class Pacer {
    private final JobSpec.Flow flow;
    private long startNs;
    private long nextIssueNs;
    private int sinceThink;

    Pacer(JobSpec.Flow flow) {
        this.flow = flow;
    }

    /** True when the job is paced at all (else it keeps iodepth I/Os in flight as fast as it can). */
    boolean paced() {
        return flow.paced();
    }

    /** Starts counting anew from {@code now}. */
    void reset(long now) {
        startNs = now;
        nextIssueNs = now;
        sinceThink = 0;
    }

    /** When the next I/O may go (System.nanoTime()). */
    long nextIssueNs() {
        return nextIssueNs;
    }

    /**
     * After an I/O was issued: sets when the next may go.
     *
     * @param issuedIos   I/Os issued since {@link #reset}, this one included
     * @param issuedBytes their bytes
     * @return true when the next may go now
     */
    boolean afterIssue(long now, long issuedIos, long issuedBytes) {
        long next = now;
        if (flow.rateIops() > 0) {
            next = Math.max(next, startNs + (long) (issuedIos * 1e9 / flow.rateIops()));
        }
        if (flow.rateBytes() > 0) {
            next = Math.max(next, startNs + (long) (issuedBytes * 1e9 / flow.rateBytes()));
        }
        if (flow.thinkNs() > 0 && ++sinceThink >= flow.thinkBlocks()) {
            sinceThink = 0;
            next = Math.max(next, now + flow.thinkNs());
        }
        nextIssueNs = next;
        return next <= now;
    }
}
