package dev.nvme4j.spec;

/**
 * The Number of Queues feature value (NVMe Base Specification 2.0, section 5.27.1.7): in the
 * request (CDW11) and in the reply (completion dword 0) alike, a zero-based count of submission
 * queues in bits 15:0 and of completion queues in bits 31:16. The one place both directions are
 * encoded and decoded. Stateless.
 */
public final class NumberOfQueues {
    private NumberOfQueues() {
    }

    /** CDW11 asking for {@code pairs} I/O submission and as many completion queues (1 to 65535). */
    public static int request(int pairs) {
        int zeroBased = pairs - 1;
        return (zeroBased & 0xFFFF) | (zeroBased << 16);
    }

    /** I/O submission queues allocated, from completion dword 0 (NSQA + 1). */
    public static int submissionQueues(int dw0) {
        return (dw0 & 0xFFFF) + 1;
    }

    /** I/O completion queues allocated, from completion dword 0 (NCQA + 1). */
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
