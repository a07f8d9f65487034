package dev.nvme4j.block;

import dev.nvme4j.api.Controller;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * One namespace as a block device that any number of threads, platform or virtual, may use at
 * once: blocking calls that read like {@code FileChannel.read}, and {@link CompletableFuture}
 * variants, on top of a few {@link IoQueuePair}s.
 *
 * <h2>Thread model</h2>
 * Every public method may be called from any thread, concurrently. The device keeps
 * {@link BlockDeviceOptions#queuePairs()} queue pairs. A blocking caller fills a request object
 * of its own thread (one per thread, reused for every call: no allocation per I/O) and pushes it
 * onto a pair's hand-off, a lock-free stack (one compare-and-set; never a lock, never a wait
 * for another caller); it picks its home pair, or another one that nobody is driving at that
 * instant. In the {@link dev.nvme4j.api.CompletionMode#POLL} and
 * {@link dev.nvme4j.api.CompletionMode#HYBRID} modes, if no other thread is driving that pair
 * (one compare-and-set, never waited for), the caller then runs rounds itself: it takes
 * everything pushed so far (its own request and those of callers that pushed while someone
 * else drove), submits it with one SQ doorbell, polls the completion queue without waiting
 * (one CQ doorbell for the batch) and hands each outcome to its waiter. A caller whose I/O
 * completed in its round returns at once, with no thread switch; otherwise it parks
 * ({@link LockSupport#park}, without a timeout: no timer per wait) until whoever polls its
 * completion unparks it. In HYBRID mode, and in POLL mode when callers' I/O lately outlasted
 * their rounds (a device slower than a round), the first virtual thread onto an empty hand-off
 * first yields, so the other virtual threads of its carrier push theirs and its round submits
 * them all with one doorbell (and one interrupt for their completions). Each
 * pair also has a dedicated platform thread ("owner") that polls (POLL) or waits for the
 * pair's interrupt (HYBRID, INTERRUPT) while I/O is outstanding and no caller is driving the
 * pair, sleeps when nothing is outstanding, and every few milliseconds wakes the waiters that
 * waited longer than {@link BlockDeviceOptions#waitTimeout()}. In INTERRUPT mode callers only
 * push, wake the owner if it sleeps and park: the owner alone drives the pair. A virtual thread
 * therefore unmounts while it waits, and never blocks in a native call: only an owner blocks
 * (the interrupt wait); a caller's round only submits and polls.
 * <p>The futures of the {@code ...Async} methods complete on
 * {@link BlockDeviceOptions#completionExecutor()} (default {@link java.util.concurrent.ForkJoinPool#commonPool()}),
 * never on a thread that drives a queue pair: a dependent stage without an executor of its
 * own runs there, and one that blocks delays only that executor, not the device.
 *
 * <h2>Buffers and their cost</h2>
 * A {@link DmaBuffer} of the same controller is used as it is: no copy, and in steady state no
 * allocation at all per blocking I/O. Any other {@link MemorySegment} or {@link ByteBuffer}
 * (heap or direct) goes through one of {@link BlockDeviceOptions#bounceBuffers()} shared DMA
 * bounce buffers: a copy of the data on the caller's thread (writes: before the I/O; reads:
 * after it; absolute bulk copies, so no view or slice is allocated per call), a wait for a free
 * bounce buffer when all are in use, and transfers larger than
 * {@link BlockDeviceOptions#bounceSize()} done piece by piece, one after the other.
 * The device allocates one request object per calling thread, once; a future's I/O allocates
 * its request. A virtual thread that parks costs what the JDK's scheduler allocates for the
 * park and unpark (tens of bytes).
 *
 * <h2>Errors, timeouts, recovery</h2>
 * Splitting beyond MDTS, command timeouts, retries and controller recovery (including a reset)
 * are those of the queue pair. An I/O that completes with an error status throws an
 * {@link NvmeException} with that status (the future completes exceptionally with it). Every
 * wait is bounded by {@link BlockDeviceOptions#waitTimeout()}; an I/O that exceeds it throws an
 * {@link NvmeException} and its DMA buffer must not be reused until the device is closed.
 * After {@link #close()} (or while it runs) every call and every waiter gets a
 * {@link BlockDeviceClosedException}.
 */
public final class BlockDevice implements AutoCloseable {
    static final int OP_READ = 0;
    static final int OP_WRITE = 1;
    static final int OP_FLUSH = 2;
    static final int OP_WRITE_ZEROES = 3;
    static final int OP_DEALLOCATE = 4;
    static final String[] OP_NAMES = {"read", "write", "flush", "write zeroes", "deallocate"};

    private final Controller controller;
    private final Namespace namespace;
    private final BlockDeviceOptions options;
    private final BlockIo io;
    private volatile boolean closed;

    private BlockDevice(Controller controller, Namespace namespace, BlockDeviceOptions options) {
        this.controller = controller;
        this.namespace = namespace;
        this.options = options;
        this.io = new BlockIo(this, controller, options);
        for (BlockOwner o : io.owners) {
            o.start();
        }
    }

    /**
     * Opens namespace {@code nsid} of {@code controller} with the default options. The device
     * does not own the controller: close the device before the controller.
     *
     * @throws IllegalArgumentException when the namespace is not active
     * @throws NvmeException when the queue pairs or bounce buffers cannot be created (the
     *     message says why); nothing is left behind
     */
    public static BlockDevice open(Controller controller, int nsid) {
        return open(controller, nsid, BlockDeviceOptions.defaults());
    }

    /** Opens namespace {@code nsid} with {@code options}; see {@link #open(Controller, int)}. May be called from any thread. */
    public static BlockDevice open(Controller controller, int nsid, BlockDeviceOptions options) {
        Namespace ns = controller.namespace(nsid);
        if (ns.metadataSize() != 0 && ns.extendedLba()) {
            throw new IllegalArgumentException("namespace " + nsid + " uses an extended-LBA format ("
                    + ns.describeFormat() + "); BlockDevice moves plain data blocks: use an IoQueuePair for it");
        }
        return new BlockDevice(controller, ns, options);
    }

    /** The namespace, as identified when the device was opened. Any thread. */
    public Namespace namespace() {
        return namespace;
    }

    /** Bytes per logical block. Any thread. */
    public int blockSize() {
        return namespace.lbaSize();
    }

    /** Logical blocks of the namespace. Any thread. */
    public long sizeBlocks() {
        return namespace.sizeBlocks();
    }

    /** The options the device was opened with. Any thread. */
    public BlockDeviceOptions options() {
        return options;
    }

    /**
     * The sum of the counters of the device's queue pairs (commands, doorbells rung, errors,
     * timeouts, ...): {@code doorbellsRung / completed} says how well callers' I/O was batched
     * (2 per I/O when every I/O had a round of its own). Any thread; each pair's figures are
     * read without stopping it.
     */
    public dev.nvme4j.api.QueueCounters counters() {
        dev.nvme4j.api.QueueCounters sum = dev.nvme4j.api.QueueCounters.ZERO;
        for (BlockOwner o : io.owners) {
            sum = sum.plus(o.counters());
        }
        return sum;
    }

    /** True once {@link #close()} began. Any thread. */
    public boolean isClosed() {
        return closed;
    }

    // ---- blocking, DMA buffers (zero copy, allocation free) ----

    /**
     * Reads {@code blocks} blocks at {@code lba} into {@code buffer}; blocks the calling thread
     * until done (it may run its pair's round itself, see the class comment). Any thread.
     */
    public void read(long lba, int blocks, DmaBuffer buffer) {
        checkRange(lba, blocks);
        checkBuffer(buffer, blocks);
        io.run(OP_READ, lba, blocks, buffer);
    }

    /** Writes {@code blocks} blocks at {@code lba} from {@code buffer}; blocks until done. Any thread. */
    public void write(long lba, int blocks, DmaBuffer buffer) {
        checkRange(lba, blocks);
        checkBuffer(buffer, blocks);
        io.run(OP_WRITE, lba, blocks, buffer);
    }

    /** Commits the volatile write cache to media (NVMe Flush); blocks until done. Any thread. */
    public void flush() {
        io.run(OP_FLUSH, 0, 0, null);
    }

    /** Write Zeroes over {@code blocks} blocks at {@code lba}; blocks until done. Any thread. */
    public void writeZeroes(long lba, int blocks) {
        checkRange(lba, blocks);
        io.run(OP_WRITE_ZEROES, lba, blocks, null);
    }

    /** Deallocates (trims) {@code blocks} blocks at {@code lba}; blocks until done. Any thread. */
    public void deallocate(long lba, int blocks) {
        checkRange(lba, blocks);
        io.run(OP_DEALLOCATE, lba, blocks, null);
    }

    // ---- blocking, any memory (through bounce buffers) ----

    /**
     * Reads {@code dst.byteSize()} bytes (a whole number of blocks) at {@code lba} into any
     * segment, heap or native, through bounce buffers (see the class comment for the cost).
     * Blocks until done. Any thread.
     */
    public void read(long lba, MemorySegment dst) {
        transfer(OP_READ, lba, dst, null);
    }

    /** Writes {@code src.byteSize()} bytes (whole blocks) at {@code lba} from any segment, through bounce buffers. Any thread. */
    public void write(long lba, MemorySegment src) {
        transfer(OP_WRITE, lba, src, null);
    }

    /**
     * Reads {@code dst.remaining()} bytes (whole blocks) at {@code lba} into a heap or direct
     * buffer, through bounce buffers, and advances its position. Blocks until done. Any thread.
     */
    public void read(long lba, ByteBuffer dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only ByteBuffer");
        }
        transfer(OP_READ, lba, null, dst);
        dst.position(dst.limit());
    }

    /** Writes {@code src.remaining()} bytes (whole blocks) at {@code lba} and advances its position. Any thread. */
    public void write(long lba, ByteBuffer src) {
        transfer(OP_WRITE, lba, null, src);
        src.position(src.limit());
    }

    // ---- futures ----

    /**
     * Reads into a DMA buffer without waiting. The future completes on the completion executor
     * (see the class comment). Any thread; the calling thread may run one short round of the pair.
     */
    public CompletableFuture<Void> readAsync(long lba, int blocks, DmaBuffer buffer) {
        checkRange(lba, blocks);
        checkBuffer(buffer, blocks);
        return io.submitAsync(OP_READ, lba, blocks, buffer, null);
    }

    /** Writes from a DMA buffer without waiting; the future completes on the completion executor. Any thread. */
    public CompletableFuture<Void> writeAsync(long lba, int blocks, DmaBuffer buffer) {
        checkRange(lba, blocks);
        checkBuffer(buffer, blocks);
        return io.submitAsync(OP_WRITE, lba, blocks, buffer, null);
    }

    /**
     * Reads into any segment of at most {@link BlockDeviceOptions#bounceSize()} bytes through a
     * bounce buffer (the calling thread waits for a free one, bounded); the data is copied out on
     * the completion executor before the future completes there. Larger segments: use the blocking {@link #read(long, MemorySegment)}
     * from a virtual thread. Any thread.
     */
    public CompletableFuture<Void> readAsync(long lba, MemorySegment dst) {
        return io.submitAsync(OP_READ, lba, bouncedBlocks(lba, dst), null, dst);
    }

    /** Writes from any segment of at most {@link BlockDeviceOptions#bounceSize()} bytes; see {@link #readAsync(long, MemorySegment)}. */
    public CompletableFuture<Void> writeAsync(long lba, MemorySegment src) {
        return io.submitAsync(OP_WRITE, lba, bouncedBlocks(lba, src), null, src);
    }

    /** Flush without waiting; the future completes on the completion executor. Any thread. */
    public CompletableFuture<Void> flushAsync() {
        return io.submitAsync(OP_FLUSH, 0, 0, null, null);
    }

    /** Write Zeroes without waiting; the future completes on the completion executor. Any thread. */
    public CompletableFuture<Void> writeZeroesAsync(long lba, int blocks) {
        checkRange(lba, blocks);
        return io.submitAsync(OP_WRITE_ZEROES, lba, blocks, null, null);
    }

    /** Deallocate without waiting; the future completes on the completion executor. Any thread. */
    public CompletableFuture<Void> deallocateAsync(long lba, int blocks) {
        checkRange(lba, blocks);
        return io.submitAsync(OP_DEALLOCATE, lba, blocks, null, null);
    }

    // ---- FileChannel ----

    /**
     * A {@link FileChannel} over the whole namespace, readable and writable; see
     * {@link BlockFileChannel}. Closing the channel does not close the device. Any thread.
     */
    public FileChannel channel() {
        return new BlockFileChannel(this, 0, namespace.sizeBlocks(),
                Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    /**
     * A {@link FileChannel} over {@code blocks} blocks starting at {@code firstLba} (byte 0 of
     * the channel is byte 0 of that block), with {@link StandardOpenOption#READ} and/or
     * {@link StandardOpenOption#WRITE}. Any thread.
     */
    public FileChannel channel(long firstLba, long blocks, Set<? extends OpenOption> options) {
        if (firstLba < 0 || blocks < 0 || firstLba + blocks > namespace.sizeBlocks() || firstLba + blocks < 0) {
            throw new IllegalArgumentException("range of " + blocks + " blocks at LBA " + firstLba
                    + " is not inside the namespace (" + namespace.sizeBlocks() + " blocks)");
        }
        return new BlockFileChannel(this, firstLba, blocks, options);
    }

    /**
     * An {@link java.nio.channels.AsynchronousFileChannel} over the whole namespace, readable and
     * writable; each operation runs on a virtual thread of its own, see {@link BlockAsyncFileChannel}.
     * Closing the channel does not close the device. Any thread.
     */
    public BlockAsyncFileChannel asyncChannel() {
        return new BlockAsyncFileChannel((BlockFileChannel) channel(), null);
    }

    /**
     * An {@link java.nio.channels.AsynchronousFileChannel} over {@code blocks} blocks at
     * {@code firstLba} with READ and/or WRITE; its operations run as tasks of {@code executor}
     * (and call their handlers there), or each on a new virtual thread when it is null. Any thread.
     */
    public BlockAsyncFileChannel asyncChannel(long firstLba, long blocks, Set<? extends OpenOption> options,
                                              java.util.concurrent.Executor executor) {
        return new BlockAsyncFileChannel((BlockFileChannel) channel(firstLba, blocks, options), executor);
    }

    /**
     * Closes the device: takes no new I/O, lets in-flight I/O finish for up to
     * {@link BlockDeviceOptions#closeTimeout()}, then aborts what is left; every waiter then gets
     * a {@link BlockDeviceClosedException} or its I/O's outcome. Deletes the queue pairs and frees
     * the bounce buffers. Bounded (close timeout plus the queue pairs' own bounded close);
     * idempotent; any thread. Futures of I/O the close failed complete on the completion executor.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        for (BlockOwner o : io.owners) {
            o.stop(deadline);
        }
        boolean allExited = true;
        for (BlockOwner o : io.owners) {
            allExited &= o.join(deadline + 15_000_000_000L);
        }
        for (BlockOwner o : io.owners) {
            o.failRemaining("the block device was closed");
        }
        if (allExited) {
            io.bounce.close();
        }
    }

    @Override
    public String toString() {
        return "BlockDevice[" + controller.address() + " nsid " + namespace.nsid() + ", " + io.owners.length
                + " queue pairs]";
    }

    // ---- internals ----

    String describe() {
        return "namespace " + namespace.nsid() + " of " + controller.address();
    }

    long waitNanos() {
        return options.waitTimeout().toNanos();
    }

    Namespace ns() {
        return namespace;
    }

    BlockIo io() {
        return io;
    }

    DmaBuffer bounceBuffer(int index) {
        return io.bounce.buffer(index);
    }

    void releaseBounce(int index) {
        io.bounce.release(index);
    }

    private void transfer(int op, long lba, MemorySegment seg, ByteBuffer bb) {
        int bs = namespace.lbaSize();
        long bytes = seg != null ? seg.byteSize() : bb.remaining();
        if (bytes % bs != 0) {
            throw new IllegalArgumentException(OP_NAMES[op] + " of " + bytes + " bytes is not a whole number of "
                    + bs + "-byte blocks");
        }
        checkRange(lba, bytes / bs);
        io.transfer(op, lba, seg, bb);
    }

    private int bouncedBlocks(long lba, MemorySegment data) {
        int bs = namespace.lbaSize();
        long bytes = data.byteSize();
        if (bytes % bs != 0 || bytes == 0) {
            throw new IllegalArgumentException("transfer of " + bytes + " bytes is not a positive whole number of "
                    + bs + "-byte blocks");
        }
        if (bytes > options.bounceSize()) {
            throw new IllegalArgumentException("an asynchronous transfer through a bounce buffer is at most "
                    + options.bounceSize() + " bytes (BlockDeviceOptions.bounceSize), got " + bytes
                    + ": use a DmaBuffer, or the blocking call from a virtual thread");
        }
        checkRange(lba, bytes / bs);
        return (int) (bytes / bs);
    }

    void checkOpen() {
        if (closed) {
            throw new BlockDeviceClosedException("the block device on " + describe() + " is closed");
        }
    }

    private void checkRange(long lba, long blocks) {
        if (lba < 0 || blocks < 1 || blocks > 0xFFFF_FFFFL || lba + blocks > namespace.sizeBlocks()) {
            throw new IllegalArgumentException("range of " + blocks + " blocks at LBA " + lba
                    + " is not inside namespace " + namespace.nsid() + " (" + namespace.sizeBlocks() + " blocks)");
        }
    }

    private void checkBuffer(DmaBuffer buffer, int blocks) {
        long need = (long) blocks * namespace.lbaSize();
        if (buffer == null || buffer.byteSize() < need) {
            throw new IllegalArgumentException("the buffer has " + (buffer == null ? "null" : buffer.byteSize() + " bytes")
                    + ", " + blocks + " blocks need " + need);
        }
    }
}
