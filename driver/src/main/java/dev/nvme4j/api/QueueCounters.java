package dev.nvme4j.api;

/**
 * A snapshot of one queue pair's counters (or the sum over a controller's queue pairs).
 * Immutable and thread-safe.
 *
 * @param submitted         commands handed to the device (after MDTS splitting)
 * @param completed         completions handled
 * @param errors            completions with a non-zero status
 * @param timeouts          commands whose deadline passed
 * @param missedInterrupts  recovered by polling the CQ at the deadline (recovery step 1)
 * @param lostDoorbells     recovered by re-ringing the SQ tail doorbell (step 2)
 * @param aborts            Abort commands sent for this queue (step 3)
 * @param resubmitted       commands resubmitted after a controller reset
 * @param doorbellsRung     SQ tail plus CQ head doorbell writes
 * @param interrupts        interrupt wake-ups taken
 * @param queueFull         submit attempts refused because the queue was full
 * @param callbackFailures  callbacks that threw (see {@link IoCallback}: the first is logged)
 * @param staleCompletions  completion entries dropped because they named no outstanding command
 *                          (a duplicate, or a stale entry for a CID since reused: a device fault)
 * @param sglCommands       reads and writes whose data an SGL described instead of PRPs
 * @param retried           commands re-issued after an error status without DNR (up to 5 times
 *                          each, after the Command Retry Delay the status asks for)
 * @param doorbellsAvoided  doorbell updates written only to the shadow doorbell buffer, the
 *                          controller's EventIdx not asking for the MMIO write (shadow doorbells)
 */
public record QueueCounters(long submitted, long completed, long errors, long timeouts, long missedInterrupts,
                            long lostDoorbells, long aborts, long resubmitted, long doorbellsRung,
                            long interrupts, long queueFull, long callbackFailures,
                            long staleCompletions, long sglCommands, long retried,
                            long doorbellsAvoided) {
    public static final QueueCounters ZERO = new QueueCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Element-wise sum. */
    public QueueCounters plus(QueueCounters o) {
        return new QueueCounters(submitted + o.submitted, completed + o.completed, errors + o.errors,
                timeouts + o.timeouts, missedInterrupts + o.missedInterrupts, lostDoorbells + o.lostDoorbells,
                aborts + o.aborts, resubmitted + o.resubmitted, doorbellsRung + o.doorbellsRung,
                interrupts + o.interrupts, queueFull + o.queueFull, callbackFailures + o.callbackFailures,
                staleCompletions + o.staleCompletions, sglCommands + o.sglCommands, retried + o.retried,
                doorbellsAvoided + o.doorbellsAvoided);
    }
}
