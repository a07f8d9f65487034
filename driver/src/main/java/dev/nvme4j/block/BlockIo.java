package dev.nvme4j.block;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.NvmeException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * The path of one {@link BlockDevice} I/O from the calling thread to an owner and back: picks an
 * owner, fills a request (a blocking caller's own, reused for each of its calls; a new one per
 * future), hands it over, waits for the outcome and turns it into a return or an exception;
 * bounced transfers go piece by piece through the {@link BouncePool}. Any thread; lock-free;
 * arguments are checked by the caller.
 */
final class BlockIo {
    private final BlockDevice device;
    private final BlockDeviceOptions options;
    final BlockOwner[] owners;
    final BouncePool bounce;
    private final long waitNanos;
    /** Each thread's request for its blocking calls: allocated once per thread, not per I/O. */
    private final ThreadLocal<BlockRequest> mine = new ThreadLocal<>();

    /** Allocates the bounce buffers and creates the queue pairs and owners (not started); on failure frees all. */
    BlockIo(BlockDevice device, Controller controller, BlockDeviceOptions options) {
        this.device = device;
        this.options = options;
        this.waitNanos = options.waitTimeout().toNanos();
        this.bounce = new BouncePool(controller, options.bounceBuffers(), options.bounceSize());
        this.owners = new BlockOwner[options.queuePairs()];
        IoQueuePair[] pairs = new IoQueuePair[owners.length];
        try {
            for (int i = 0; i < owners.length; i++) {
                pairs[i] = controller.createQueuePair(options.queueDepth(), options.completionMode());
                owners[i] = new BlockOwner(device, i, pairs[i], options.requestSlots());
            }
        } catch (RuntimeException e) {
            for (int i = pairs.length - 1; i >= 0; i--) {
                try {
                    if (pairs[i] != null) {
                        pairs[i].close();
                    }
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            bounce.close();
            throw e;
        }
    }

    /** Blocking I/O on a DMA buffer (or none): hands it over and waits for its outcome. */
    void run(int op, long lba, int blocks, DmaBuffer buffer) {
        await(submit(op, lba, blocks, buffer, -1, null, null), null, null, 0, 0);
    }

    /**
     * Blocking I/O of any memory, through bounce buffers, piece by piece; whole blocks, range
     * checked. The memory is {@code seg}, or else the remaining bytes of {@code bb}, which is
     * copied with absolute bulk operations (its position is the caller's to move): neither way
     * allocates a view or a slice per call.
     */
    void transfer(int op, long lba, MemorySegment seg, ByteBuffer bb) {
        int bs = device.blockSize();
        long bytes = seg != null ? seg.byteSize() : bb.remaining();
        long piece = options.bounceSize() - options.bounceSize() % bs;
        for (long off = 0; off < bytes; off += piece) {
            int n = (int) Math.min(piece, bytes - off);
            int b = acquireBounce();
            DmaBuffer buf = bounce.buffer(b);
            BlockRequest r;
            try {
                if (op == BlockDevice.OP_WRITE) {
                    if (seg != null) {
                        MemorySegment.copy(seg, off, buf.segment(), 0, n);
                    } else {
                        bounce.view(b).put(0, bb, bb.position() + (int) off, n);
                    }
                }
                r = submit(op, lba + off / bs, n / bs, buf, b, null, null);
            } catch (RuntimeException e) {
                bounce.release(b);
                throw e;
            }
            if (op == BlockDevice.OP_READ) {
                await(r, seg, bb, off, n);
            } else {
                await(r, null, null, 0, 0);
            }
        }
    }

    /** I/O whose outcome completes a future; {@code data} (at most one bounce buffer) when not DMA. */
    CompletableFuture<Void> submitAsync(int op, long lba, int blocks, DmaBuffer buffer, MemorySegment data) {
        int b = -1;
        MemorySegment copyBack = null;
        if (data != null) {
            b = acquireBounce();
            buffer = bounce.buffer(b).slice(0, data.byteSize());
            if (op == BlockDevice.OP_WRITE) {
                buffer.segment().copyFrom(data);
            } else {
                copyBack = data;
            }
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            submit(op, lba, blocks, buffer, b, f, copyBack);
        } catch (RuntimeException e) {
            bounce.release(b);
            throw e;
        }
        return f;
    }

    private int acquireBounce() {
        device.checkOpen();
        int b = bounce.poll();
        if (b >= 0) {
            return b;
        }
        long deadline = System.nanoTime() + waitNanos;
        int spins = 0;
        while ((b = bounce.poll()) < 0) {
            device.checkOpen();
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException("no bounce buffer became free within " + options.waitTimeout() + " ("
                        + bounce.count() + " in use): raise BlockDeviceOptions.bounceBuffers or use DmaBuffers");
            }
            backOff(++spins);
        }
        return b;
    }

    /** How a thread waits for a bounce buffer: spin, then yield, then park briefly. */
    private static void backOff(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else if (spins < 128) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(50_000);
        }
    }

    /**
     * The caller's pair: its home pair (by thread id) unless another is undriven at this instant
     * and the home one is not, so that callers on different carriers tend to drive different
     * pairs at once instead of queueing behind each other's rounds.
     */
    private BlockOwner pick() {
        int n = owners.length;
        if (n == 1) {
            return owners[0];
        }
        int home = (int) ((Thread.currentThread().threadId() & 0x7FFF_FFFF) % n);
        for (int i = 0; i < n; i++) {
            BlockOwner o = owners[(home + i) % n];
            if (o.undriven()) {
                return o;
            }
        }
        return owners[home];
    }

    /** Fills a request and hands it to its owner. */
    private BlockRequest submit(int op, long lba, int blocks, DmaBuffer buffer, int bounceIndex,
                                CompletableFuture<Void> future, MemorySegment copyBack) {
        device.checkOpen();
        BlockRequest r;
        if (future == null) {
            r = mine.get();
            if (r == null || r.state() != BlockRequest.FREE) { // first call, or one still in use below us
                r = new BlockRequest();
                mine.set(r);
            }
        } else {
            r = new BlockRequest();
        }
        BlockOwner o = pick();
        r.prepare(o, op, lba, blocks, buffer, bounceIndex, future, future == null ? Thread.currentThread() : null,
                copyBack);
        o.hand(r);
        return r;
    }

    /**
     * Waits for {@code r}, copies a bounced read out (to {@code seg} or else {@code bb}, at
     * {@code off}), frees the bounce buffer; throws what the I/O ended with.
     */
    private void await(BlockRequest r, MemorySegment seg, ByteBuffer bb, long off, int bytes) {
        try {
            awaitDone(r);
        } catch (RuntimeException e) { // abandoned: the device may still answer it, so it is not reused
            mine.remove();
            throw e;
        }
        int status = r.status;
        RuntimeException error = r.error;
        int op = r.op;
        long lba = r.lba;
        int b = r.bounceIndex;
        if (error == null && status == 0 && bytes > 0) {
            if (seg != null) {
                MemorySegment.copy(bounce.buffer(b).segment(), 0, seg, off, bytes);
            } else {
                bb.put(bb.position() + (int) off, bounce.view(b), 0, bytes);
            }
        }
        bounce.release(b);
        if (error != null) {
            mine.remove(); // failed by a close, maybe while still linked somewhere: not reused
            throw error;
        }
        r.clear();
        if (status != 0) {
            throw NvmeException.forStatus(BlockDevice.OP_NAMES[op] + " at LBA " + lba + " of " + device.describe(),
                    status);
        }
    }

    /**
     * Caller side: parks (no timeout: the owner's deadline scan wakes it once it waited the
     * wait timeout) until its request is DONE. Throws when it gave up on it.
     */
    private void awaitDone(BlockRequest r) {
        BlockOwner owner = r.owner;
        while (true) {
            int s = r.state();
            if (s == BlockRequest.DONE) {
                return;
            }
            if (s == BlockRequest.COMPLETING) {
                Thread.onSpinWait();
                continue;
            }
            if (owner.terminated()) {
                owner.finish(r, 0, owner.closedError());
                continue;
            }
            if (r.expired) {
                if (r.transition(BlockRequest.PENDING, BlockRequest.ABANDONED)) {
                    throw new NvmeException(BlockDevice.OP_NAMES[r.op] + " at LBA " + r.lba + " of "
                            + device.describe() + " did not complete within " + device.options().waitTimeout()
                            + " (BlockDeviceOptions.waitTimeout); its buffer may still be written by the device"
                            + " until the device is closed");
                }
                continue;
            }
            LockSupport.park(owner);
        }
    }
}
