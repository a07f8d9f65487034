package dev.nvme4j.block;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.NvmeException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * One {@link BlockDevice} I/O on its way from a caller to a queue pair and back. A blocking
 * caller reuses one request of its own thread for all its I/O (see {@link BlockIo}); a future's
 * request lives for that one I/O. The caller fills it and pushes it onto its pair's hand-off
 * ({@link HandOff}); from then on only the thread holding the pair's drive flag touches its
 * links and tag, until the outcome is published. {@link #state} says who may touch the rest:
 * FREE (its thread's, between calls), PENDING (handed over), COMPLETING (being finished),
 * DONE (the outcome is written; the waiter reads it), ABANDONED (the waiter gave up; the driver
 * drops it, and frees its bounce buffer, when the device answers).
 */
final class BlockRequest implements Runnable {
    static final int FREE = 0;
    static final int PENDING = 1;
    static final int DONE = 2;
    static final int ABANDONED = 3;
    static final int COMPLETING = 4;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BlockRequest.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    BlockOwner owner;
    int op;
    long lba;
    int blocks;
    DmaBuffer buffer;
    int bounceIndex = -1;
    MemorySegment copyBack;
    CompletableFuture<Void> future;
    Thread waiter;
    int status;
    RuntimeException error;
    /** The hand-off stack's or the waiting line's link; set by the pusher, then the driver's. */
    BlockRequest next;
    /** Index in the pair's in-flight table while submitted; the driver's. */
    int tag = -1;
    /** When the deadline scan first saw it waiting (0: not yet); the driver's. */
    long seenAt;
    /** Set by the deadline scan once the waiter waited longer than the wait timeout. */
    volatile boolean expired;
    private volatile int state;

    void prepare(BlockOwner owner, int op, long lba, int blocks, DmaBuffer buffer, int bounceIndex,
                 CompletableFuture<Void> future, Thread waiter, MemorySegment copyBack) {
        this.owner = owner;
        this.op = op;
        this.lba = lba;
        this.blocks = blocks;
        this.buffer = buffer;
        this.bounceIndex = bounceIndex;
        this.future = future;
        this.waiter = waiter;
        this.copyBack = copyBack;
        this.status = 0;
        this.error = null;
        this.next = null;
        this.seenAt = 0;
        this.expired = false;
        state = PENDING; // the push that follows publishes all of it to the driver
    }

    int state() {
        return state;
    }

    boolean transition(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /** Claims the request for completion: true once, for whoever finishes it (driver or closer). */
    boolean claim() {
        return STATE.compareAndSet(this, PENDING, COMPLETING);
    }

    /** After {@link #claim()}: records the outcome and publishes it to the waiter. */
    void complete(int status, RuntimeException error) {
        this.status = status;
        this.error = error;
        state = DONE;
    }

    /**
     * A future's completion, run on the completion executor once the request is DONE: copies a
     * bounced read out, frees the bounce buffer, then completes the future (its dependent stages
     * without an executor of their own run here, never on a thread that drives a pair).
     */
    @Override
    public void run() {
        BlockDevice device = owner.device();
        CompletableFuture<Void> f = future;
        RuntimeException failure = error;
        if (failure == null && status == 0 && copyBack != null) {
            try {
                MemorySegment.copy(device.bounceBuffer(bounceIndex).segment(), 0, copyBack, 0, copyBack.byteSize());
            } catch (RuntimeException e) { // the device was closed and its bounce buffers freed meanwhile
                failure = device.isClosed() ? new BlockDeviceClosedException("the block device on "
                        + device.describe() + " was closed before this read's data was copied out; treat it as"
                        + " not done") : e;
            }
        }
        device.releaseBounce(bounceIndex);
        int st = status;
        clear();
        if (failure != null) {
            f.completeExceptionally(failure);
        } else if (st != 0) {
            f.completeExceptionally(NvmeException.forStatus(BlockDevice.OP_NAMES[op] + " at LBA " + lba + " of "
                    + device.describe(), st));
        } else {
            f.complete(null);
        }
    }

    /** Back to FREE for its thread's next call, holding on to nothing. */
    void clear() {
        buffer = null;
        future = null;
        waiter = null;
        copyBack = null;
        error = null;
        bounceIndex = -1;
        state = FREE;
    }
}
