package dev.nvme4j.spec;

/**
 * The Number of Queues feature value (NVMe Base Specification 2.0, section 5.27.1.7): in the
 * request (CDW11) and in the reply (completion dword 0) alike, a zero-based count of submission
 * queues in bits 15:0 and of completion queues in bits 31:16. The one place both directions are
 * encoded and decoded. Stateless.
 */
public final class NumberOfQueues {
    /** The most I/O submission or completion queues one may ask for: NSQR/NCQR FFFFh (65536) is invalid. */
    public static final int MAX_QUEUES = 0xFFFF;

    private NumberOfQueues() {
    }

    /** CDW11 asking for {@code pairs} I/O submission and as many completion queues (1 to 65535). */
    public static int request(int pairs) {
        return encode(pairs, pairs);
    }

    /** The value for {@code sqs} submission and {@code cqs} completion queues (1 to 65536 each). */
    public static int encode(int sqs, int cqs) {
        return ((sqs - 1) & 0xFFFF) | ((cqs - 1) << 16);
    }

    /** I/O submission queues, from a request (NSQR + 1) or completion dword 0 (NSQA + 1). */
    public static int submissionQueues(int dw0) {
        return (dw0 & 0xFFFF) + 1;
    }

    /** I/O completion queues, from a request (NCQR + 1) or completion dword 0 (NCQA + 1). */
    public static int completionQueues(int dw0) {
        return (dw0 >>> 16) + 1;
    }

    /**
     * The I/O queue pairs the driver may use: what it asked for, capped by the submission and
     * completion queues the controller allocated (which may be more than asked, 5.27.1.7).
     */
    public static int usablePairs(int dw0, int wanted) {
        return Math.min(wanted, Math.min(submissionQueues(dw0), completionQueues(dw0)));
    }
}
