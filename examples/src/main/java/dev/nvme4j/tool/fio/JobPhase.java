package dev.nvme4j.tool.fio;

/**
 * What a pass of a job does: its workload ({@link #MAIN}), or the two passes of a verifying job
 * that writes: every unit written once ({@link #WRITE_PASS}), then read back and checked in the
 * same order and sizes ({@link #VERIFY_PASS}).
 */
enum JobPhase {
    MAIN, WRITE_PASS, VERIFY_PASS;

    /** True when the pass issues reads (a mixed workload's MAIN pass issues both). */
    boolean reads(RwMode rw) {
        return this == VERIFY_PASS || this == MAIN && rw.reads();
    }

    /** True when the pass issues writes. */
    boolean writes(RwMode rw) {
        return this == WRITE_PASS || this == MAIN && rw.writes();
    }

    /** The progress line's letter while the pass runs. */
    char progressChar(RwMode rw) {
        return switch (this) {
            case MAIN -> rw.progressChar();
            case WRITE_PASS -> rw.random() ? 'w' : 'W';
            case VERIFY_PASS -> 'V';
        };
    }
}
