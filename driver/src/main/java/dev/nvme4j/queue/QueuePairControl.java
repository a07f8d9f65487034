package dev.nvme4j.queue;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.dma.DmaRegion;

/**
 * The controller's handle on one I/O queue pair: the hooks its recovery, reset, removal and
 * close use. Only {@link #create} makes one, and only the controller that called it holds it;
 * the {@link IoQueuePair} an application holds ({@link #pair()}) offers the API and nothing else.
 */
public final class QueuePairControl {
    /** Host status for commands the device never answered: Command Aborted By Host, DNR. */
    public static final int HOST_ABORT = NvmeStatus.COMMAND_ABORTED_BY_HOST.code(true);
    /** Host status for the commands of a device that was removed: Host Pathing Error, DNR. */
    public static final int DEVICE_REMOVED = NvmeStatus.HOST_PATHING_ERROR.code(true);

    private final IoQueuePairImpl pair;

    QueuePairControl(IoQueuePairImpl pair) {
        this.pair = pair;
    }

    /** Makes the queue pair over {@code queue} (its queues already exist on the controller). */
    public static QueuePairControl create(QueueHost host, CommandQueue queue, CompletionMode mode,
                                          InterruptVector vector, DmaRegion prpArea, HybridSpin hybridSpin,
                                          DeadlineCheck deadlines) {
        return new IoQueuePairImpl(host, queue, mode, vector, prpArea, hybridSpin, deadlines).control;
    }

    /** The application's view of the pair. */
    public IoQueuePair pair() {
        return pair;
    }

    public int queueId() {
        return pair.queueId();
    }

    public CommandQueue commandQueue() {
        return pair.commandQueue();
    }

    public OwnerGate gate() {
        return pair.gate();
    }

    public InterruptVector vector() {
        return pair.vector();
    }

    public boolean isClosed() {
        return pair.closed;
    }

    public int outstanding() {
        return pair.outstanding();
    }

    public QueueCounters counters() {
        return pair.counters();
    }

    /** For the deadline check: when the next scan of this pair is due (gate held). */
    public long nextDeadlineScan() {
        return pair.nextDeadlineScan;
    }

    public void nextDeadlineScan(long nanos) {
        pair.nextDeadlineScan = nanos;
    }

    /**
     * Recovery step 1 (gate held by recovery): reaps every completion waiting in the CQ, so the
     * device gets its CQ slots back and those commands leave the timeout ladder, and holds them
     * for the owner's next poll, which runs their callbacks. Returns the completions reaped.
     */
    public int reapForOwner() {
        return pair.reapForOwner();
    }

    /** Wakes an owner blocked on this pair's interrupt vector (any thread). */
    public void wake() {
        pair.wake();
    }

    /**
     * Asks the owner's next poll to complete everything outstanding with {@code status}
     * (controller failed); wakes an owner blocked on the interrupt. Any thread.
     */
    public void requestFailAll(int status) {
        pair.requestFailAll(status);
    }

    /** Asks the owner's next poll to complete the trackers marked {@link RecoveryStep#FAIL_PENDING}. */
    public void requestDeferredFailures() {
        pair.requestDeferredFailures();
    }

    /**
     * A controller reset could not enter the pair (its owner stayed inside, in a callback) and
     * recreated the other pairs without it: the pair's queues no longer exist on the controller.
     * Closes it at once (new commands are refused, naming {@code reason}); what is outstanding
     * completes with {@code status}, and its memory is released, by the owner when its poll
     * returns (or here, if it already left). Never waits. False when it was already closing.
     */
    public boolean closeLostInReset(String reason, int status) {
        return pair.closeLostInReset(reason, status);
    }

    /**
     * The controller is about to release the DMA memory: work of this pair deferred to its owner
     * must not touch it afterwards (see {@code PairTeardown}). False when work under way did not
     * let go of the memory within {@code boundNanos}.
     */
    public boolean releaseDma(long boundNanos) {
        return pair.releaseDma(boundNanos);
    }

    /** Claims this pair for the controller's close; false when it is already closing. */
    public boolean beginClose() {
        return pair.beginClose();
    }

    /**
     * Finishes a close the controller did (it deleted the queues, or the device is dead):
     * reaps what the device posted, fails the rest with {@code status}, releases memory.
     */
    public void finishClosedByController(int status) {
        pair.finishClosedByController(status);
    }
}
