package dev.nvme4j.block;

import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Status;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The owner of one queue pair of a {@link BlockDevice}: a dedicated platform thread that takes
 * requests from its submission ring, submits them, polls completions and hands each outcome
 * back to the thread that waits for it. Only this thread touches the queue pair (until it has
 * exited, when the closer may fail what is left).
 */
final class BlockOwner implements Runnable, IoCallback {
    /** Longest wait for a completion before the rings are looked at again. */
    private static final Duration IDLE_WAIT = Duration.ofNanos(100_000);
    /** Longest sleep with nothing to do (a caller wakes the owner at once). */
    private static final long PARK_NANOS = 1_000_000;
    /** How often a waiter looks whether the device is closing. */
    private static final long WAIT_SLICE_NANOS = 10_000_000;

    private final BlockDevice device;
    private final IoQueuePair qp;
    private final Namespace ns;
    private final BlockRequest[] slots;
    private final SlotRing free;
    private final SlotRing submitted;
    private final Thread thread;
    private BlockRequest stalled;
    private volatile boolean parked;
    private volatile boolean stopping;
    private volatile boolean terminated;
    private volatile long stopDeadline;

    BlockOwner(BlockDevice device, int index, IoQueuePair qp, int slotCount) {
        this.device = device;
        this.qp = qp;
        this.ns = device.ns();
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

    /** Caller side: puts a filled slot on the submission ring and wakes the owner. */
    void hand(BlockRequest r) {
        submitted.offer(r.index); // cannot fail: the ring holds every slot
        if (parked) {
            LockSupport.unpark(thread);
        }
        if (terminated) { // the owner may have looked at the ring for the last time
            finish(r, 0, closedError());
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
                int moved = submitFromRing();
                int done = qp.outstanding() > 0 ? qp.poll() : 0;
                if (moved == 0 && done == 0) {
                    idle();
                }
            }
            // Closing: what callers handed over before the close still goes out; in flight finishes.
            while (System.nanoTime() - stopDeadline < 0
                    && (stalled != null || !submitted.isEmpty() || qp.outstanding() > 0)) {
                int moved = submitFromRing();
                if (qp.outstanding() > 0) {
                    qp.process(IDLE_WAIT);
                } else if (moved == 0) {
                    LockSupport.parkNanos(PARK_NANOS);
                }
            }
        } catch (RuntimeException e) {
            System.getLogger(BlockOwner.class.getName()).log(System.Logger.Level.ERROR,
                    "owner of " + device.describe() + " stopped: " + e, e);
        } finally {
            terminated = true;
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

    private void idle() {
        if (qp.outstanding() > 0) {
            qp.process(IDLE_WAIT);
            return;
        }
        parked = true;
        if (submitted.isEmpty() && !stopping) {
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
        CompletableFuture<Void> f = r.future;
        if (f == null) {
            Thread w = r.waiter;
            r.complete(status, error);
            LockSupport.unpark(w);
            return;
        }
        MemorySegment copyBack = r.copyBack;
        int b = r.bounceIndex;
        int op = r.op;
        long lba = r.lba;
        if (error == null && status == 0 && copyBack != null) {
            MemorySegment.copy(device.bounceBuffer(b).segment(), 0, copyBack, 0, copyBack.byteSize());
        }
        r.complete(status, error);
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
