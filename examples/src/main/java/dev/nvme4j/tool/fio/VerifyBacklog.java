package dev.nvme4j.tool.fio;

/**
 * fio's {@code verify_backlog} and {@code verify_backlog_batch}: the writes of a verifying job's
 * write pass that are still to be read back, oldest first, and when to read them.
 *
 * <p>As fio does: every write is added when it is issued; before each I/O, when a batch is under
 * way, or when the count of writes waiting is a (non-zero) multiple of {@code verify_backlog},
 * unless the I/O completed last was a read, the next I/O reads back the oldest write (a batch is {@code verify_backlog_batch} reads,
 * default {@code verify_backlog}) if that write has completed; else the job writes on. What is
 * left at the end of the write pass is read back by the verify pass ({@link #drainable}). Unlike
 * fio, which sorts the writes of a job without a random map by offset and reads a block written
 * twice once, the order is always the order of issue and every write is read back (the data of a
 * block is the same in each of its writes).
 *
 * <p>Holds {@code verify_backlog + iodepth} writes; when that many wait, the next I/O reads the
 * oldest back as soon as it completed. Allocation-free; the job's thread only.
 */
final class VerifyBacklog {
    private final long backlog;
    private final long batch;
    private final long[] lbas;
    private final int[] blocks;
    private final boolean[] done;
    /** Per slot: the entry of the write in flight in it, -1 for none. */
    private final long[] slotEntry;
    private long head;
    private long tail;
    private long batchLeft;
    /** fio's last_ddir: the I/O completed last was a read. */
    private boolean lastCompletedRead;

    /** @return the job's backlog, or null when it verifies only after its write pass */
    static VerifyBacklog of(JobSpec spec) {
        if (!spec.verifyBacklog()) {
            return null;
        }
        VerifyOptions v = spec.options().checks;
        long batch = v.verifyBacklogBatch == null || v.verifyBacklogBatch == 0 ? v.verifyBacklog
                : v.verifyBacklogBatch;
        return new VerifyBacklog(v.verifyBacklog, batch, spec.iodepth());
    }

    private VerifyBacklog(long backlog, long batch, int depth) {
        this.backlog = backlog;
        this.batch = batch;
        int capacity = (int) backlog + depth;
        this.lbas = new long[capacity];
        this.blocks = new int[capacity];
        this.done = new boolean[capacity];
        this.slotEntry = new long[depth];
        java.util.Arrays.fill(slotEntry, -1);
    }

    private int at(long entry) {
        return (int) (entry % lbas.length);
    }

    private long waiting() {
        return tail - head;
    }

    /** True when the next I/O of the write pass is to read back {@link #lba()}: fio's rule, see above. */
    boolean readDue() {
        long n = waiting();
        if (n == 0) {
            return false;
        }
        if (batchLeft == 0 && (n % backlog == 0 && !lastCompletedRead || n == lbas.length)) {
            batchLeft = Math.max(batch, 1);
        }
        return (batchLeft > 0 || n == lbas.length) && done[at(head)];
    }

    /** True when the write pass may not write now: the backlog is full (its oldest write is in flight). */
    boolean full() {
        return waiting() == lbas.length;
    }

    /** True when the verify pass has something left to read back (every write completed by then). */
    boolean drainable() {
        return waiting() > 0;
    }

    /** The first LBA of the oldest write waiting. */
    long lba() {
        return lbas[at(head)];
    }

    /** Its logical blocks. */
    int blocks() {
        return blocks[at(head)];
    }

    /** The oldest write was issued again as a read: it leaves the backlog. */
    void readIssued() {
        head++;
        if (batchLeft > 0) {
            batchLeft--;
        }
    }

    /** A write was issued in {@code slot}. */
    void writeIssued(int slot, long lba, int blockCount) {
        int i = at(tail);
        lbas[i] = lba;
        blocks[i] = blockCount;
        done[i] = false;
        slotEntry[slot] = tail++;
    }

    /** The write {@link #writeIssued} in {@code slot} was not taken by the queue: it is no longer in the backlog. */
    void writeRefused(int slot) {
        tail--;
        slotEntry[slot] = -1;
    }

    /** An I/O in {@code slot} completed (successfully or not). */
    void completed(int slot, boolean wasRead) {
        lastCompletedRead = wasRead;
        long e = slotEntry[slot];
        if (e >= 0) {
            done[at(e)] = true;
            slotEntry[slot] = -1;
        }
    }
}
