package dev.nvme4j.api;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One I/O submission queue and its completion queue: the hot path.
 *
 * <h2>Thread model</h2>
 * A queue pair has one owner thread at a time: submit methods, {@link #poll}, {@link #process}
 * and the blocking conveniences must all be called from that thread (hand-over between threads
 * needs a happens-before edge, such as a queue or a join). There is no lock on this path;
 * concurrent use from two threads is always detected (one compare-and-set on entry) and fails
 * with an {@link IllegalStateException}. {@link #counters()}, {@link #outstanding()} and
 * {@link #close()} may be called from any thread.
 *
 * <h2>Submitting</h2>
 * The {@code boolean} submit methods never block and never allocate: they return {@code false}
 * when the queue has no free slot for the command (poll, then try again); arguments that are
 * wrong (range beyond the namespace, buffer too small or not this controller's, an unsupported
 * command, a closed queue pair) are rejected with an {@link IllegalArgumentException} or
 * {@link IllegalStateException} before anything reaches the device. Transfers larger than the
 * controller's MDTS are split into several commands and complete once. Commands are made
 * visible to the device by ringing the SQ tail doorbell once per batch: at the latest on the
 * next {@link #poll}/{@link #process}, or at once after {@link #flushSubmissions()}.
 * On a failed controller ({@link Controller#failureReason()}) a submission needs no queue slot:
 * it is accepted and completes at the next poll with Command Aborted By Host (DNR); the
 * synchronous conveniences then throw an {@link NvmeException} naming the failure.
 *
 * <h2>Completing</h2>
 * Every accepted command completes exactly once through its callback, with the device's status
 * or, if the device never answered (timeout beyond recovery, controller failed or closed), a
 * host status ({@link NvmeStatus#COMMAND_ABORTED_BY_HOST}, DNR set). A device error status
 * without DNR is retried first, up to 5 times, each after the Command Retry Delay its CRD field
 * asks for (re-issued by a later poll, never blocking it; counted in
 * {@link QueueCounters#retried()}); passthrough commands and commands recovery already worked on
 * are not retried. Errors never come out of
 * {@code poll()} as exceptions; the one exception is an {@link Error} thrown by a callback, which
 * is rethrown once the rest of the poll's completions were delivered (see {@link IoCallback}).
 *
 * <h2>Metadata and protection information</h2>
 * On a namespace whose LBA format has metadata ({@link Namespace#metadataSize()}), a read or write
 * moves each block's metadata too: inside the data buffer after each block's data for an
 * extended-LBA format ({@link Namespace#extendedLba()}: {@code lbaSize + metadataSize} bytes per
 * block), or in a separate buffer of {@code metadataSize} bytes per block. A call whose buffers do
 * not match the format is refused. With {@link Protection} on a namespace formatted with
 * protection information, the driver or the controller produces and checks the PI; an
 * end-to-end error completes with its own status (guard, application tag, reference tag) and
 * {@link #protectionErrorLba()} names the block.
 */
public interface IoQueuePair extends AutoCloseable {
    /** Queue identifier (1-based) of this pair's SQ and CQ. */
    int queueId();

    /** Entries in each queue; at most {@code depth - 1} commands are outstanding at once. */
    int depth();

    CompletionMode mode();

    /** Reads {@code blocks} logical blocks starting at {@code lba} into {@code buffer}. */
    default boolean read(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback, long tag) {
        return read(ns, lba, blocks, buffer, null, null, callback, tag);
    }

    /** Writes {@code blocks} logical blocks starting at {@code lba} from {@code buffer}. */
    default boolean write(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback, long tag) {
        return write(ns, lba, blocks, buffer, null, null, callback, tag);
    }

    /**
     * Reads blocks with their metadata: {@code metadata} is the separate metadata buffer (null for
     * extended LBAs, formats without metadata, or PRACT with 8-byte metadata); {@code protection}
     * says how the PI is checked (null: the metadata is read as stored, nothing is checked).
     */
    boolean read(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata, Protection protection,
                 IoCallback callback, long tag);

    /**
     * Writes blocks with their metadata; with {@link Protection.Mode#HOST} the driver first writes
     * the PI of every block into the metadata (in {@code buffer} for extended LBAs).
     */
    boolean write(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata, Protection protection,
                  IoCallback callback, long tag);

    /**
     * During the callback of a read or write that completed with an end-to-end status (guard,
     * application tag or reference tag check error): the LBA of the failing block when the driver
     * checked the PI, or the first LBA of the failing device command when the controller did.
     * -1 otherwise. Owner thread only.
     */
    long protectionErrorLba();

    /** Flush: commits the volatile write cache of the namespace to media. */
    boolean flush(Namespace ns, IoCallback callback, long tag);

    /**
     * Write Zeroes over a range (fails fast when ONCS says the controller lacks it). On a
     * namespace formatted with protection information it is sent with PRACT and the LBA as the
     * initial reference tag (NVM Command Set, Write Zeroes): the controller writes the PI of the
     * zeroes, with application tag 0, so reads with PI checks pass afterwards (expect
     * application tag 0 if it is checked).
     */
    boolean writeZeroes(Namespace ns, long lba, int blocks, IoCallback callback, long tag);

    /** Dataset Management with the deallocate attribute (TRIM) over one range. */
    boolean deallocate(Namespace ns, long lba, int blocks, IoCallback callback, long tag);

    /** Raw I/O command; {@code buffer} may be null when the command moves no data. */
    default boolean passthrough(RawCommand command, DmaBuffer buffer, IoCallback callback, long tag) {
        return passthrough(command, buffer, null, callback, tag);
    }

    /**
     * Raw I/O command with a separate metadata buffer: the driver puts its device address into
     * MPTR (NVMe Base 4.1; null: MPTR 0), as nvme-cli's {@code --metadata} does. The buffer must be
     * dword aligned and is not checked against the namespace's format: the command is sent as given.
     * NVMe over Fabrics has no separate metadata (MPTR is reserved): a metadata buffer is refused there.
     */
    boolean passthrough(RawCommand command, DmaBuffer buffer, DmaBuffer metadata, IoCallback callback, long tag);

    /** Rings the SQ tail doorbell now if commands were queued since the last ring. */
    void flushSubmissions();

    /**
     * Rings pending submissions, then handles up to {@code maxCompletions} completions without
     * waiting, calling their callbacks.
     *
     * @return completions handled
     */
    int poll(int maxCompletions);

    /** {@link #poll(int)} with the queue's default batch cap. */
    int poll();

    /**
     * Waits, the way this queue pair's {@link CompletionMode} says (spin, block on the interrupt,
     * or spin then block), until at least one completion was handled or the timeout passed.
     * Also runs the deadline checks and recovery for this queue.
     *
     * @return completions handled (0 on timeout)
     */
    int process(Duration timeout);

    /** Commands submitted and not yet completed (after splitting: user-visible commands). */
    int outstanding();

    /** Blocks (processing completions) until nothing is outstanding or the timeout passed. */
    boolean drain(Duration timeout);

    // ---- conveniences (allocate; not for the hot path) ----

    /**
     * Blocking convenience: like {@link #read} but, when the queue is full, processes completions
     * until a slot frees; gives up with an {@link NvmeException} after the I/O timeout.
     */
    void submitReadBlocking(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback, long tag);

    /** Blocking convenience for writes; see {@link #submitReadBlocking}. */
    void submitWriteBlocking(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback, long tag);

    /** Submits a read; the future completes when a later poll/process sees its completion. */
    CompletableFuture<Void> readAsync(Namespace ns, long lba, int blocks, DmaBuffer buffer);

    /** Submits a write; the future completes when a later poll/process sees its completion. */
    CompletableFuture<Void> writeAsync(Namespace ns, long lba, int blocks, DmaBuffer buffer);

    /** Synchronous read: submits and processes until done; throws {@link NvmeException} on error. */
    void readSync(Namespace ns, long lba, int blocks, DmaBuffer buffer);

    /** Synchronous write; see {@link #readSync}. */
    void writeSync(Namespace ns, long lba, int blocks, DmaBuffer buffer);

    /** Synchronous read with metadata and protection; the exception names the LBA of an end-to-end error. */
    void readSync(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata, Protection protection);

    /** Synchronous write with metadata and protection; see {@link #readSync(Namespace, long, int, DmaBuffer, DmaBuffer, Protection)}. */
    void writeSync(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata, Protection protection);

    /** Synchronous flush. */
    void flushSync(Namespace ns);

    /** Synchronous passthrough; returns the completion (also when its status is an error). */
    default Completion passthroughSync(RawCommand command, DmaBuffer buffer) {
        return passthroughSync(command, buffer, null);
    }

    /** Synchronous passthrough with a separate metadata buffer (see {@link #passthrough(RawCommand, DmaBuffer, DmaBuffer, IoCallback, long)}). */
    Completion passthroughSync(RawCommand command, DmaBuffer buffer, DmaBuffer metadata);

    /** Counters of this queue pair (a snapshot). */
    QueueCounters counters();

    /**
     * Deletes the queue pair on the controller. Outstanding commands complete with an abort
     * status first (their callbacks run on the closing thread, which holds the pair while
     * closing). Idempotent; callable from any thread (it waits for the owner's current poll to
     * finish, up to the I/O timeout and at most 10 s: an owner still inside one of its callbacks
     * then keeps its batch, with the device's statuses, and finishes the close itself when that
     * poll returns; the pair takes no new commands from the start of the close), but not from
     * inside one of this pair's own callbacks.
     *
     * @throws IllegalStateException when called from inside this pair's callback
     */
    @Override
    void close();
}
