package dev.nvme4j.block;

import dev.nvme4j.api.DmaBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * One preallocated request slot of a {@link BlockOwner}. The caller that took it from the free
 * ring fills it; the owner submits it and records the outcome; whoever finishes it last puts it
 * back. {@link #state} says who may touch it: PENDING (in the owner's hands), DONE (the outcome
 * is written; the waiter or the owner may read it), ABANDONED (the waiter gave up; the owner
 * frees it when the device answers).
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

    final BlockOwner owner;
    final int index;
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
    private volatile int state;

    BlockRequest(BlockOwner owner, int index) {
        this.owner = owner;
        this.index = index;
    }

    void prepare(int op, long lba, int blocks, DmaBuffer buffer, int bounceIndex, CompletableFuture<Void> future,
                 Thread waiter, MemorySegment copyBack) {
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
        state = PENDING; // publishes the fields above to the owner
    }

    int state() {
        return state;
    }

    boolean transition(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /** Claims the slot for completion: true once, for whoever finishes it (owner or closer). */
    boolean claim() {
        return STATE.compareAndSet(this, PENDING, COMPLETING);
    }

    /** After {@link #claim()}: records the outcome and publishes it to the waiter. */
    void complete(int status, RuntimeException error) {
        this.status = status;
        this.error = error;
        state = DONE;
    }

    /** A future's completion, run on the completion executor (see {@link BlockOwner#completeFuture}). */
    @Override
    public void run() {
        owner.completeFuture(this);
    }

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
