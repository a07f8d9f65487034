package dev.nvme4j.mock;

/**
 * A completion that could not be posted at once: waiting for CQ space, delayed (latency or a
 * fault), or held by a hang until an Abort, SQ deletion or reset ends it.
 */
final class Completion {
    final int sqid;
    final int cid;
    final int opcode;
    int dw0;
    int status;
    long dueNanos;
    /** SQ head reported in the CQE (Base 4.6 DW2), fixed when the completion had to wait. */
    int sqHead;
    /** CQ of a waiting completion. */
    int cqid;
    /** For hung commands: an Abort of this command hangs too. */
    boolean abortHangs;
    /** A copy of a completion already posted (fault): posted without touching the CID's state. */
    boolean duplicate;

    Completion(int sqid, int cid, int opcode, int dw0, int status) {
        this.sqid = sqid;
        this.cid = cid;
        this.opcode = opcode;
        this.dw0 = dw0;
        this.status = status;
    }
}
