package dev.nvme4j.queue;

/**
 * Where a command stands on the recovery ladder ({@link Tracker#recoveryStep()}), the one home of
 * these values. Zero and the positive steps are on the timeout ladder (its deadline counts);
 * the negative marks take the command off it: recovery, a retry or a failure owns it now.
 *
 * <p>Step 1 of the ladder, polling the CQ, has no value of its own: every deadline check that
 * finds a late command first takes what the CQ holds, for all late commands at once. A command
 * whose completion was there becomes {@link #HELD}; one still outstanding takes its next step
 * in the same check ({@link #NONE} to {@link #RERING}). The values are the ladder's step numbers.
 */
public final class RecoveryStep {
    /** Submitted, not late yet. */
    public static final int NONE = 0;
    /** Step 2: late, its completion was not in the CQ, and the SQ tail doorbell was written again. */
    public static final int RERING = 2;
    /** Step 3: Abort was sent for it. */
    public static final int ABORT = 3;
    /** Step 4: a controller reset was asked for. */
    public static final int RESET = 4;
    /** Recovery gave up on it; completed with Command Aborted By Host by the owner's next poll. */
    public static final int FAIL_PENDING = -1;
    /** Its completion was reaped by recovery and is held for the owner's next poll. */
    public static final int HELD = -2;
    /** It waits in the pair's retry queue, not at the device. */
    public static final int RETRY_WAIT = -3;

    private RecoveryStep() {
    }

    /** True when {@code step} is on the timeout ladder: the command's deadline counts. */
    public static boolean onLadder(int step) {
        return step >= NONE;
    }
}
