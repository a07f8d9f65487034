package dev.nvme4j.block;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The owner of one queue pair of a {@link BlockDevice}, and the rounds of work that drive it.
 *
 * <p>A round takes what callers put on the submission ring, submits it, and polls completions,
 * handing each outcome to the thread that waits for it. Only the holder of the pair's drive
 * flag (one compare-and-set; callers never wait for it) runs a round. In POLL mode that is
 * usually the caller that just handed over a request ({@link #hand}): a caller whose I/O
 * completes during its own round never parks and never wakes anyone, so with a fast device the
 * I/O path has no thread switch at all. Whoever lets go of the flag re-checks the ring (nothing
 * handed over is left without a driver) and wakes a sleeping owner when I/O is still
 * outstanding (every outstanding I/O has a poller). The owner, a dedicated platform thread,
 * keeps the pair going while I/O is outstanding and no caller drives it, and sleeps otherwise.
 * In the INTERRUPT and HYBRID modes callers only hand over and wake the owner, which alone
 * drives the pair and waits for its interrupts (callers polling there would only add a doorbell
 * and an interrupt per I/O and wake the owner for completions already taken).
 * The flag gives the queue pair's one-owner-at-a-time model its happens-before edge (CAS to
 * take, volatile store to release); once the owner has exited it holds the flag for good, and
 * only it closes the pair.
 */
final class BlockOwner implements Runnable, IoCallback {
    /** Longest wait for a completion before the rings are looked at again. */
    private static final Duration IDLE_WAIT = Duration.ofNanos(100_000);
    /** Longest sleep with nothing to do (a caller wakes the owner at once). */
    private static final long PARK_NANOS = 1_000_000;
    /** How often a waiter looks whether the device is closing. */
    private static final long WAIT_SLICE_NANOS = 10_000_000;
    private static final int FREE = 0;
    private static final int DRIVING = 1;
    private static final int GONE = 2;
    private static final VarHandle DRIVER;

    static {
        try {
            DRIVER = MethodHandles.lookup().findVarHandle(BlockOwner.class, "driver", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BlockDevice device;
    private final IoQueuePair qp;
    private final Namespace ns;
    private final BlockRequest[] slots;
    private final SlotRing free;
    private final SlotRing submitted;
    private final Thread thread;
    private final boolean spinWhileOutstanding;
    /** Touched only by the thread that holds the drive flag. */
    private BlockRequest stalled;
    /** FREE, DRIVING (someone runs a round) or GONE (the owner exited and keeps the pair). */
    @SuppressWarnings("unused") // through DRIVER
    private volatile int driver;
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean terminated;
    private volatile long stopDeadline;

    BlockOwner(BlockDevice device, int index, IoQueuePair qp, int slotCount) {
        this.device = device;
        this.qp = qp;
        this.ns = device.ns();
        this.spinWhileOutstanding = device.options().completionMode() == CompletionMode.POLL;
        this.slots = new BlockRequest[slotCount];
        this.free = new SlotRing(slotCount);
        this.submitted = new SlotRing(slotCount);
        for (int i = 0; i < slotCount; i++) {
            slots[i] = new BlockRequest(this, i);
            free.offer(i);
        }
        this.thread = Thread.ofPlatform().daemon().name("nvme4j-block-ns" + ns.nsid() + "-q" + index).unstarted(this);
    }

    void start() {
        thread.start();
    }

    BlockRequest tryAcquire() {
        int i = free.poll();
        return i < 0 ? null : slots[i];
    }

    void release(BlockRequest r) {
        r.clear();
        free.offer(r.index);
    }

    /**
     * Caller side: puts a filled slot on the submission ring and, in POLL mode, if nobody drives
     * the pair, runs a round on the calling thread (see the class comment); in the interrupt
     * modes wakes the owner if it sleeps. Never waits.
     */
    void hand(BlockRequest r) {
        submitted.offer(r.index); // cannot fail: the ring holds every slot
        if (terminated) { // the owner may have looked at the ring for the last time
            finish(r, 0, closedError());
            return;
        }
        if (spinWhileOutstanding) {
            drive();
        } else if (parked) { // interrupt modes: the owner waits for the device's interrupts and drives
            LockSupport.unpark(thread);
        }
    }

    /** Runs rounds while the flag can be had and the ring has work, then makes sure the owner polls what is left. */
    private void drive() {
        while (DRIVER.compareAndSet(this, FREE, DRIVING)) {
            try {
                submitFromRing();
                if (qp.outstanding() > 0) {
                    qp.poll();
                }
            } catch (RuntimeException e) { // the pair failed: the owner sees it too and fails what is left
                driver = FREE;
                LockSupport.unpark(thread);
                return;
            }
            driver = FREE;
            if (submitted.isEmpty()) {
                break;
            }
        }
        if (parked && (qp.outstanding() > 0 || !submitted.isEmpty())) {
            LockSupport.unpark(thread);
        }
    }

    /** Owner side: takes the flag, waiting for a caller's short round to end (callers never hold it long). */
    private void takeFlag() {
        int spins = 0;
        while (!DRIVER.compareAndSet(this, FREE, DRIVING)) {
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /** Caller side: parks until the owner (or the closer) finished {@code r}; bounded. */
    void awaitDone(BlockRequest r) {
        long deadline = System.nanoTime() + device.waitNanos();
        while (true) {
            int s = r.state();
            if (s == BlockRequest.DONE) {
                return;
            }
            if (s == BlockRequest.COMPLETING) {
                Thread.onSpinWait();
                continue;
            }
            if (terminated) {
                finish(r, 0, closedError());
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                if (r.transition(BlockRequest.PENDING, BlockRequest.ABANDONED)) {
                    throw new NvmeException(BlockDevice.OP_NAMES[r.op] + " at LBA " + r.lba + " of "
                            + device.describe() + " did not complete within " + device.options().waitTimeout()
                            + " (BlockDeviceOptions.waitTimeout); its buffer may still be written by the device"
                            + " until the device is closed");
                }
                continue;
            }
            LockSupport.parkNanos(this, Math.min(left, WAIT_SLICE_NANOS));
        }
    }

    @Override
    public void run() {
        try {
            while (!stopping) {
                takeFlag();
                int moved;
                int done;
                try {
                    moved = submitFromRing();
                    done = qp.outstanding() > 0 ? qp.poll() : 0;
                    if (moved == 0 && done == 0 && qp.outstanding() > 0 && !spinWhileOutstanding) {
                        qp.process(IDLE_WAIT); // blocks on the interrupt (holding the flag): callers hand over meanwhile
                        continue;
                    }
                } finally {
                    driver = FREE;
                }
                if (moved == 0 && done == 0) {
                    idle();
                }
            }
            // Closing: what callers handed over before the close still goes out; in flight finishes.
            while (System.nanoTime() - stopDeadline < 0
                    && (stalled != null || !submitted.isEmpty() || qp.outstanding() > 0)) {
                takeFlag();
                try {
                    int moved = submitFromRing();
                    if (qp.outstanding() > 0) {
                        qp.process(IDLE_WAIT);
                    } else if (moved == 0) {
                        LockSupport.parkNanos(PARK_NANOS);
                    }
                } finally {
                    driver = FREE;
                }
            }
        } catch (RuntimeException e) {
            System.getLogger(BlockOwner.class.getName()).log(System.Logger.Level.ERROR,
                    "owner of " + device.describe() + " stopped: " + e, e);
        } finally {
            terminated = true;
            takeFlag();
            driver = GONE; // from here on only this thread touches the pair
            failQueued();
            try {
                qp.close(); // what is still outstanding completes with an abort status, here
            } catch (RuntimeException e) {
                System.getLogger(BlockOwner.class.getName()).log(System.Logger.Level.WARNING,
                        "closing a queue pair of " + device.describe() + ": " + e);
            }
            failQueued();
        }
    }

    /**
     * Nothing moved in the last round: spins while I/O is outstanding (POLL mode), else sleeps
     * until a caller or a driver that left I/O outstanding wakes it (bounded by PARK_NANOS).
     */
    private void idle() {
        if (qp.outstanding() > 0 && driver == FREE) {
            Thread.onSpinWait();
            return;
        }
        parked = true;
        // A caller's round still running will wake us if it leaves I/O outstanding.
        if (submitted.isEmpty() && !stopping && (driver != FREE || qp.outstanding() == 0)) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        parked = false;
    }

    private int submitFromRing() {
        int moved = 0;
        while (true) {
            BlockRequest r = stalled;
            if (r == null) {
                int i = submitted.poll();
                if (i < 0) {
                    return moved;
                }
                r = slots[i];
            }
            int s = r.state();
            if (s != BlockRequest.PENDING) {
                stalled = null;
                if (s == BlockRequest.ABANDONED) {
                    device.releaseBounce(r.bounceIndex);
                    release(r);
                }
                continue; // DONE: the closer failed it; its waiter frees it
            }
            boolean accepted;
            try {
                accepted = issue(r);
            } catch (RuntimeException e) {
                stalled = null;
                finish(r, 0, e);
                moved++;
                continue;
            }
            if (!accepted) {
                stalled = r;
                return moved;
            }
            stalled = null;
            moved++;
        }
    }

    private boolean issue(BlockRequest r) {
        return switch (r.op) {
            case BlockDevice.OP_READ -> qp.read(ns, r.lba, r.blocks, r.buffer, this, r.index);
            case BlockDevice.OP_WRITE -> qp.write(ns, r.lba, r.blocks, r.buffer, this, r.index);
            case BlockDevice.OP_FLUSH -> qp.flush(ns, this, r.index);
            case BlockDevice.OP_WRITE_ZEROES -> qp.writeZeroes(ns, r.lba, r.blocks, this, r.index);
            case BlockDevice.OP_DEALLOCATE -> qp.deallocate(ns, r.lba, r.blocks, this, r.index);
            default -> throw new IllegalStateException("unknown operation " + r.op);
        };
    }

    @Override
    public void onComplete(long tag, int status) {
        BlockRequest r = slots[(int) tag];
        if (r.claim()) {
            finishClaimed(r, status, null);
        } else if (r.state() == BlockRequest.ABANDONED) {
            device.releaseBounce(r.bounceIndex);
            release(r);
        }
    }

    /** Records the outcome once (owner, closer or a caller that found the owner gone) and tells the waiter. */
    void finish(BlockRequest r, int status, RuntimeException error) {
        if (r.claim()) {
            finishClaimed(r, status, error);
        }
    }

    private void finishClaimed(BlockRequest r, int status, RuntimeException error) {
        if (stopping && status != 0 && error == null) { // aborted by the close, not by the device
            error = new BlockDeviceClosedException("the block device on " + device.describe() + " was closed while this "
                    + BlockDevice.OP_NAMES[r.op] + " was outstanding (" + Status.describe(status)
                    + "); treat it as not done");
        }
        if (r.future == null) {
            Thread w = r.waiter;
            r.complete(status, error);
            if (w != Thread.currentThread()) { // a caller that completes its own I/O in its round needs no wake-up
                LockSupport.unpark(w);
            }
            return;
        }
        r.complete(status, error);
        try {
            device.options().completionExecutor().execute(r); // -> completeFuture, off the I/O path
        } catch (RejectedExecutionException e) {
            completeFuture(r); // the application's executor refused it: complete here rather than never
        }
    }

    /**
     * Runs on the completion executor for a future's slot that is DONE: copies a bounced read
     * out, frees the slot and bounce buffer, then completes the future (its dependent stages
     * without an executor of their own run here, never on a thread that drives the pair).
     */
    void completeFuture(BlockRequest r) {
        CompletableFuture<Void> f = r.future;
        MemorySegment copyBack = r.copyBack;
        int b = r.bounceIndex;
        int op = r.op;
        long lba = r.lba;
        int status = r.status;
        RuntimeException error = r.error;
        if (error == null && status == 0 && copyBack != null) {
            try {
                MemorySegment.copy(device.bounceBuffer(b).segment(), 0, copyBack, 0, copyBack.byteSize());
            } catch (RuntimeException e) { // the device was closed and its bounce buffers freed meanwhile
                error = device.isClosed() ? new BlockDeviceClosedException("the block device on " + device.describe()
                        + " was closed before this read's data was copied out; treat it as not done") : e;
            }
        }
        device.releaseBounce(b);
        release(r);
        if (error != null) {
            f.completeExceptionally(error);
        } else if (status != 0) {
            f.completeExceptionally(NvmeException.forStatus(BlockDevice.OP_NAMES[op] + " at LBA " + lba + " of "
                    + device.describe(), status));
        } else {
            f.complete(null);
        }
    }

    private void failQueued() {
        if (stalled != null) {
            finish(stalled, 0, closedError());
            stalled = null;
        }
        int i;
        while ((i = submitted.poll()) >= 0) {
            finish(slots[i], 0, closedError());
        }
    }

    private BlockDeviceClosedException closedError() {
        return new BlockDeviceClosedException("the block device on " + device.describe()
                + " was closed before this I/O completed; treat it as not done");
    }

    void stop(long deadlineNanos) {
        stopDeadline = deadlineNanos;
        stopping = true;
        LockSupport.unpark(thread);
    }

    boolean join(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        try {
            return thread.join(Duration.ofNanos(Math.max(1, left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !thread.isAlive();
        }
    }

    /** After the owner exited (or did not in time): fails every waiter that is still waiting. */
    void failRemaining(String why) {
        for (BlockRequest r : slots) {
            if (r.state() == BlockRequest.PENDING) {
                finish(r, 0, new BlockDeviceClosedException("the block device on " + device.describe() + ": " + why
                        + " while this I/O was outstanding; treat it as not done"));
            }
        }
    }
}
