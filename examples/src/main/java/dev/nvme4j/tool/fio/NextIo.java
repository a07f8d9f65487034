package dev.nvme4j.tool.fio;

import java.util.SplittableRandom;

/**
 * What a job's next I/O is: its direction (rw, rwmixread), size (per direction) and place (the
 * {@link OffsetGenerator}). Chosen once and kept until the I/O is issued, so that an I/O the
 * queue could not take is the next one again. With verify_backlog ({@link VerifyBacklog}) the
 * next I/O of the write pass may read back an earlier write, and the verify pass reads back what
 * the backlog still holds. Allocation-free; the job's thread only.
 */
final class NextIo {
    static final byte READ = 0;
    static final byte WRITE = 1;
    static final byte TRIM = 2;

    private final JobSpec spec;
    private final OffsetGenerator offsets;
    private final SplittableRandom mix;
    private final int lbaSize;
    private final int unitBytes;
    private final long unitBlocks;
    /** What the last I/O of a pass is cut to a multiple of: the unit, or a smaller I/O size below blockalign. */
    private final int cutStep;
    /** The main pass's direction when the workload has one (READ, WRITE, TRIM), -1 for a mix. */
    private final byte mainDir;
    /** The last I/O size chosen and its blocks and units (sizes repeat; saves two divisions per I/O). */
    private int lastBytes = -1;
    private int lastBlocks;
    private long lastUnits;
    private SplittableRandom sizeRandom;
    private JobPhase phase = JobPhase.MAIN;
    private int loopsLeft;
    private boolean chosen;
    private long lba;
    private byte dir;
    private int blocks;
    /** verify_backlog's writes to read back, null without it. */
    private final VerifyBacklog backlog;
    /** The verify pass of a job with a backlog: it reads back what the backlog holds. */
    private boolean draining;
    /** The chosen I/O reads back the backlog's oldest write. */
    private boolean readBack;
    /** {@link #choose} found nothing to issue now, but the pass goes on (a full backlog). */
    private boolean waiting;

    NextIo(JobSpec spec, int lbaSize) {
        this.spec = spec;
        this.lbaSize = lbaSize;
        this.unitBytes = spec.unitBytes();
        this.unitBlocks = unitBytes / lbaSize;
        this.cutStep = Math.min(unitBytes, spec.flow().sizes().min());
        this.offsets = new OffsetGenerator(spec.units(), spec.rw().random(), spec.flow().randomMap(), spec.seed())
                .modified(spec.options().seqRun, spec.options().seqAdd / unitBytes)
                .distributed(spec.flow().distribution());
        this.mix = new SplittableRandom(spec.seed() ^ 0x5DEECE66DL);
        this.mainDir = spec.rw().trims() ? TRIM : spec.rw().mixed() ? -1 : spec.rw().writes() ? WRITE : READ;
        this.backlog = VerifyBacklog.of(spec);
    }

    /** True when the job reads back its writes during the write pass (verify_backlog). */
    boolean readsBack() {
        return backlog != null;
    }

    /** Starts a pass: offsets and sizes from the beginning (a verify pass replays its write pass). */
    void beginPass(JobPhase phase) {
        this.phase = phase;
        offsets.rewind();
        loopsLeft = spec.options().flow.loops;
        sizeRandom = new SplittableRandom(spec.seed() ^ 0x62737A65L); // the same sizes again when verifying
        chosen = false;
        readBack = false;
        draining = backlog != null && phase == JobPhase.VERIFY_PASS;
    }

    /**
     * Chooses the next I/O unless one is waiting; the last I/O of a size ends at it, as in fio.
     *
     * @param bytesLeft bytes the pass may still issue
     * @return false when fio's rw=...:N modifiers ran past the region's end (the pass ends there)
     */
    boolean choose(long bytesLeft) {
        if (chosen) {
            return true;
        }
        waiting = false;
        if (backlog != null) {
            readBack = draining ? backlog.drainable() : backlog.readDue();
            if (readBack) {
                dir = READ;
                lba = backlog.lba();
                blocks = backlog.blocks();
                chosen = true;
                return true;
            }
            if (draining || backlog.full()) {
                waiting = !draining; // a full backlog waits for its oldest write to complete
                return false;
            }
        }
        dir = direction();
        // a verify pass reads back with the sizes of the writes
        int bytes = spec.flow().sizes().next(sizeRandom, phase == JobPhase.VERIFY_PASS ? WRITE : dir);
        if (bytesLeft < bytes) {
            bytes = (int) Math.max(cutStep, bytesLeft / cutStep * cutStep);
        }
        if (bytes != lastBytes) {
            lastBytes = bytes;
            lastBlocks = bytes / lbaSize;
            lastUnits = Math.max(1, bytes / unitBytes); // a random I/O below blockalign takes one unit
        }
        blocks = lastBlocks;
        long unit = offsets.nextOrEnd(lastUnits);
        if (unit < 0 && (spec.timeBased() || --loopsLeft > 0)) {
            offsets.restartRuns(); // the next loop starts over
            unit = offsets.nextOrEnd(lastUnits);
        }
        if (unit < 0) {
            return false;
        }
        lba = spec.startLba() + unit * unitBlocks;
        chosen = true;
        return true;
    }

    /** False when {@link #choose} returned false because the pass goes on but nothing may be issued now. */
    boolean passEnded() {
        return !waiting;
    }

    /** The chosen I/O is about to be submitted in {@code slot}. */
    void issuing(int slot) {
        if (backlog != null && dir == WRITE) {
            backlog.writeIssued(slot, lba, blocks);
        }
    }

    /** The queue did not take the chosen I/O (it stays chosen). */
    void refused(int slot) {
        if (backlog != null && dir == WRITE) {
            backlog.writeRefused(slot);
        }
    }

    /**
     * The chosen I/O was issued: the next call to {@link #choose} chooses anew.
     *
     * @return false for a read back of the backlog (it is not part of the pass's size)
     */
    boolean issued() {
        chosen = false;
        if (readBack) {
            readBack = false;
            backlog.readIssued();
            return false;
        }
        return true;
    }

    /** The I/O in {@code slot}, of direction {@code ioDir}, completed. */
    void completed(int slot, byte ioDir) {
        if (backlog != null) {
            backlog.completed(slot, ioDir == READ);
        }
    }

    long lba() {
        return lba;
    }

    int blocks() {
        return blocks;
    }

    /** READ, WRITE or TRIM. */
    byte dir() {
        return dir;
    }

    private byte direction() {
        if (phase == JobPhase.MAIN) {
            return mainDir >= 0 ? mainDir : mix.nextInt(100) >= spec.rwmixread() ? WRITE : READ;
        }
        return phase == JobPhase.WRITE_PASS ? WRITE : READ; // the verify pass reads
    }
}
