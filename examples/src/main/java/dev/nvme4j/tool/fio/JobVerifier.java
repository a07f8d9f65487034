package dev.nvme4j.tool.fio;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The verification of one job ({@code --verify}): stamps the blocks of its writes, checks the
 * blocks of its reads ({@link VerifyFormat}) and keeps what was found. Allocates nothing per
 * I/O (the first {@link JobRunner#MAX_MISMATCHES_KEPT} mismatches are kept, all are counted).
 * Used on the job's thread only.
 */
final class JobVerifier implements VerifyFormat.MismatchSink {
    private final VerifyFormat format;
    private final long generation;
    private final int jobIndex;
    private final boolean fatal;
    private boolean checkReads;
    private long expectedGeneration = VerifyFormat.ANY_GENERATION;
    private long verifiedBlocks;
    private long mismatchCount;
    private final List<Mismatch> mismatches = new ArrayList<>(JobRunner.MAX_MISMATCHES_KEPT);
    /** verify_dump's files, null without it. */
    private final VerifyDump dump;

    /** @return the job's verifier, or null when the job does not verify */
    static JobVerifier of(JobSpec spec, int lbaSize) {
        if (!spec.verify()) {
            return null;
        }
        VerifyOptions v = spec.options().checks;
        VerifyFormat format = v.format(lbaSize);
        VerifyDump dump = v.verifyDump && format != null
                ? new VerifyDump(v.dumpDir, v.dumpDevice, format, lbaSize, spec.index()) : null;
        return new JobVerifier(format, spec.generation(), spec.index(), v.verifyFatal, dump);
    }

    /**
     * @param format null for {@code verify=null}: the passes run, nothing is stamped or checked
     * @param fatal  fio's verify_fatal: {@link #stopped()} after the first bad unit
     */
    private JobVerifier(VerifyFormat format, long generation, int jobIndex, boolean fatal, VerifyDump dump) {
        this.format = format;
        this.dump = dump;
        this.fatal = fatal;
        this.generation = generation;
        this.jobIndex = jobIndex;
    }

    /** Checks every read from now on; {@code knownGeneration}: also that the blocks are of this run. */
    void checkReads(boolean knownGeneration) {
        checkReads = true;
        expectedGeneration = knownGeneration ? generation : VerifyFormat.ANY_GENERATION;
    }

    /** Stamps the {@code blocks} blocks of a write to {@code lba} in {@code data}. */
    void stampWrite(ByteBuffer data, int blocks, long lba) {
        if (format != null) {
            format.stamp(data, blocks, lba, generation, jobIndex);
        }
    }

    /** Checks the {@code blocks} blocks read from {@code lba} in {@code data}, when reads are checked. */
    void readCompleted(ByteBuffer data, int blocks, long lba) {
        if (checkReads && format != null) {
            verifiedBlocks += blocks;
            int kept = mismatches.size();
            long before = mismatchCount;
            format.check(data, blocks, lba, expectedGeneration, this);
            if (dump != null && mismatchCount > before) {
                dumpBad(data, blocks, lba, kept);
            }
        }
    }

    /** verify_dump: writes the bad units of a read to files and names them in the mismatches kept from {@code kept}. */
    private void dumpBad(ByteBuffer data, int blocks, long lba, int kept) {
        for (VerifyDump.Dumped d : dump.dumpBad(data, blocks, lba, expectedGeneration)) {
            for (int i = kept; i < mismatches.size(); i++) {
                Mismatch m = mismatches.get(i);
                if (m.lba() >= d.lba() && m.lba() < d.lba() + d.blocks()) {
                    mismatches.set(i, m.dumpedAs(d.base()));
                }
            }
        }
    }

    /** True when verify_fatal asks the job to stop: a unit was bad. */
    boolean stopped() {
        return fatal && mismatchCount > 0;
    }

    @Override
    public void mismatch(long lba, VerifyFormat.Problem problem, long expected, long found) {
        mismatchCount++;
        if (mismatches.size() < JobRunner.MAX_MISMATCHES_KEPT) {
            mismatches.add(new Mismatch(lba, problem, expected, found, format.checksum()));
        }
    }

    @Override
    public void patternMismatch(long lba, int at, int expected, int found) {
        mismatchCount++;
        if (mismatches.size() < JobRunner.MAX_MISMATCHES_KEPT) {
            mismatches.add(new Mismatch(lba, VerifyFormat.Problem.BAD_PATTERN, expected, found, null, at));
        }
    }

    long verifiedBlocks() {
        return verifiedBlocks;
    }

    long mismatchCount() {
        return mismatchCount;
    }

    List<Mismatch> mismatches() {
        return List.copyOf(mismatches);
    }
}
