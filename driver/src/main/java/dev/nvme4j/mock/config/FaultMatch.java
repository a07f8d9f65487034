package dev.nvme4j.mock.config;

/**
 * Which events a fault applies to: a queue, an opcode, how many times ("the next N") and a
 * seeded probability. Immutable; each {@code with...} method returns a copy.
 *
 * <pre>{@code
 * FaultMatch.any().queue(1).opcode(Opcodes.NVM_READ).times(2)     // the next two reads on SQ 1
 * FaultMatch.any().probability(0.01, 42)                          // 1% of events, seed 42
 * }</pre>
 *
 * <p>The queue is the submission queue for command faults (hang, delay, status, SQ doorbell),
 * the completion queue for interrupt faults. Queue 0 is the admin queue, so
 * {@code queue(0).opcode(6)} is Identify while {@code queue(1).opcode(2)} is an I/O Read.
 */
public final class FaultMatch {
    /** Matches any queue, any opcode, every time. */
    private static final FaultMatch ANY = new FaultMatch(-1, -1, -1, 1.0, 0);

    private final int queue;
    private final int opcode;
    private final long times;
    private final double probability;
    private final long seed;

    private FaultMatch(int queue, int opcode, long times, double probability, long seed) {
        this.queue = queue;
        this.opcode = opcode;
        this.times = times;
        this.probability = probability;
        this.seed = seed;
    }

    /** Every event, unlimited. */
    public static FaultMatch any() {
        return ANY;
    }

    /** The next {@code n} events of any kind. */
    public static FaultMatch next(long n) {
        return ANY.times(n);
    }

    /** Only events on queue {@code qid}. */
    public FaultMatch queue(int qid) {
        if (qid < 0 || qid > 0xFFFF) {
            throw new IllegalArgumentException("queue id out of range: " + qid);
        }
        return new FaultMatch(qid, opcode, times, probability, seed);
    }

    /** Only commands with this opcode. */
    public FaultMatch opcode(int op) {
        if (op < 0 || op > 0xFF) {
            throw new IllegalArgumentException("opcode out of range: " + op);
        }
        return new FaultMatch(queue, op, times, probability, seed);
    }

    /** Fires at most {@code n} times, then the fault is spent. */
    public FaultMatch times(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be >= 1: " + n);
        }
        return new FaultMatch(queue, opcode, n, probability, seed);
    }

    /** Fires for each matching event with probability {@code p}, from a generator seeded with {@code seed}. */
    public FaultMatch probability(double p, long seed) {
        if (!(p > 0.0 && p <= 1.0)) {
            throw new IllegalArgumentException("probability must be in (0, 1]: " + p);
        }
        return new FaultMatch(queue, opcode, times, p, seed);
    }

    /** The queue id to match, or -1 for any. */
    public int queue() {
        return queue;
    }

    /** The opcode to match, or -1 for any. */
    public int opcode() {
        return opcode;
    }

    /** How many times it may fire, or -1 for unlimited. */
    public long times() {
        return times;
    }

    /** Probability of firing on a matching event. */
    public double probability() {
        return probability;
    }

    /** Seed of the probability's generator. */
    public long seed() {
        return seed;
    }

    @Override
    public String toString() {
        return "FaultMatch[queue=" + queue + ", opcode=" + opcode + ", times=" + times
                + ", probability=" + probability + ", seed=" + seed + "]";
    }
}
