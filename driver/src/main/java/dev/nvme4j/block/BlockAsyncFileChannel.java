package dev.nvme4j.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.CompletionHandler;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;

/**
 * An {@link AsynchronousFileChannel} over a range of blocks of a {@link BlockDevice}, for code
 * written against that class. Byte semantics are those of {@link BlockFileChannel} (which does
 * the work): any offset and length, read-modify-write for partly covered blocks (not atomic
 * against a concurrent writer of the same block), reads at or past the end complete with -1, a
 * write that would reach past the end fails with an {@link IOException} and writes nothing.
 *
 * <h2>Thread model</h2>
 * Every method may be called from any thread. Each read or write runs as one blocking call of
 * the range's {@link BlockFileChannel} on a thread of its own: a new virtual thread per
 * operation (cheap: it parks while the device works), or a task of the executor given when the
 * channel was made. The {@link CompletionHandler} is called, and the {@link Future} completed, on
 * that thread, never on a thread that drives a queue pair: a slow handler delays only itself.
 * Operations are independent: several may be outstanding at once, in no particular order.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Argument errors are thrown by the call, before anything starts: a negative position
 *       ({@link IllegalArgumentException}), a read into a read-only buffer
 *       ({@link IllegalArgumentException}), a read on a channel opened without READ
 *       ({@link NonReadableChannelException}), a write without WRITE
 *       ({@link NonWritableChannelException}).</li>
 *   <li>I/O errors, a write past the end and a device that was closed arrive through the
 *       handler's {@code failed} (or the future's {@link java.util.concurrent.ExecutionException}).</li>
 *   <li>On a closed channel an operation fails with {@link ClosedChannelException}. An operation
 *       still running when the channel is closed completes with {@link AsynchronousCloseException}
 *       (as the class contract says): for a write that means it may or may not have reached the
 *       device; read the range back if it matters.</li>
 *   <li>A handler that throws from {@code completed} or {@code failed} does not change the
 *       operation's outcome and is not called again; the exception is logged (WARNING) and the
 *       channel stays usable.</li>
 *   <li>{@link #size()} is the range's size and never changes; {@link #force} sends a Flush and
 *       blocks until it is done; {@link #truncate} to a size at or above the size changes
 *       nothing, smaller sizes throw {@link UnsupportedOperationException}.</li>
 *   <li>File locks do not exist on a raw namespace: every {@code lock} and {@code tryLock}
 *       throws {@link UnsupportedOperationException}; coordinate writers in the application.</li>
 *   <li>Closing the channel does not close the device.</li>
 * </ul>
 */
public final class BlockAsyncFileChannel extends AsynchronousFileChannel {
    private static final System.Logger LOG = System.getLogger(BlockAsyncFileChannel.class.getName());

    private final BlockFileChannel channel;
    private final Executor executor;
    private volatile boolean open = true;

    /** {@code executor} null: a new virtual thread per operation. */
    BlockAsyncFileChannel(BlockFileChannel channel, Executor executor) {
        this.channel = channel;
        this.executor = executor;
    }

    @Override
    public long size() throws IOException {
        checkOpen();
        return channel.size();
    }

    @Override
    public AsynchronousFileChannel truncate(long size) throws IOException {
        checkOpen();
        channel.truncate(size);
        return this;
    }

    /** Sends a Flush and waits for it (like {@link java.nio.channels.FileChannel#force}); any thread. */
    @Override
    public void force(boolean metaData) throws IOException {
        checkOpen();
        channel.force(metaData);
    }

    @Override
    public <A> void lock(long position, long size, boolean shared, A attachment,
                         CompletionHandler<FileLock, ? super A> handler) {
        throw noLocks();
    }

    @Override
    public Future<FileLock> lock(long position, long size, boolean shared) {
        throw noLocks();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw noLocks();
    }

    /** Reads into {@code dst} at byte {@code position}; see the class comment for the thread and the outcome. */
    @Override
    public <A> void read(ByteBuffer dst, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        start(false, dst, position, attachment, handler, null);
    }

    /** Reads into {@code dst} at byte {@code position}; the future gives the bytes read or -1 at the end. */
    @Override
    public Future<Integer> read(ByteBuffer dst, long position) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        start(false, dst, position, null, null, f);
        return f;
    }

    /** Writes {@code src} at byte {@code position}; see the class comment. */
    @Override
    public <A> void write(ByteBuffer src, long position, A attachment, CompletionHandler<Integer, ? super A> handler) {
        Objects.requireNonNull(handler, "handler");
        start(true, src, position, attachment, handler, null);
    }

    /** Writes {@code src} at byte {@code position}; the future gives the bytes written. */
    @Override
    public Future<Integer> write(ByteBuffer src, long position) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        start(true, src, position, null, null, f);
        return f;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the channel (not the device); operations still running complete with {@link AsynchronousCloseException}. */
    @Override
    public void close() throws IOException {
        open = false;
        channel.close();
    }

    @Override
    public String toString() {
        return "BlockAsyncFileChannel[" + channel + "]";
    }

    private <A> void start(boolean write, ByteBuffer buf, long position, A attachment,
                           CompletionHandler<Integer, ? super A> handler, CompletableFuture<Integer> future) {
        Objects.requireNonNull(buf, write ? "src" : "dst");
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        if (write && !channel.writable()) {
            throw new NonWritableChannelException();
        }
        if (!write && !channel.readable()) {
            throw new NonReadableChannelException();
        }
        if (!write && buf.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only buffer");
        }
        if (!open) {
            deliver(0, new ClosedChannelException(), attachment, handler, future);
            return;
        }
        Runnable op = () -> {
            int n = 0;
            Throwable exc = null;
            try {
                n = write ? channel.write(buf, position) : channel.read(buf, position);
            } catch (Throwable t) {
                exc = t;
            }
            if (!open) { // closed while this ran: the contract's outcome for an outstanding operation
                AsynchronousCloseException ace = new AsynchronousCloseException();
                if (exc != null) {
                    ace.initCause(exc);
                }
                exc = ace;
            }
            deliver(n, exc, attachment, handler, future);
        };
        try {
            if (executor == null) {
                Thread.ofVirtual().name("nvme4j-async-file").start(op);
            } else {
                executor.execute(op);
            }
        } catch (RejectedExecutionException e) {
            deliver(0, new IOException("the channel's executor refused the operation: " + e.getMessage(), e),
                    attachment, handler, future);
        }
    }

    private static <A> void deliver(int n, Throwable exc, A attachment, CompletionHandler<Integer, ? super A> handler,
                                    CompletableFuture<Integer> future) {
        if (future != null) {
            if (exc == null) {
                future.complete(n);
            } else {
                future.completeExceptionally(exc);
            }
            return;
        }
        try {
            if (exc == null) {
                handler.completed(n, attachment);
            } else {
                handler.failed(exc, attachment);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "a CompletionHandler of a block device channel threw; the "
                    + (exc == null ? "completed" : "failed") + " operation is not affected", t);
            if (t instanceof Error err && !(t instanceof StackOverflowError)) {
                throw err;
            }
        }
    }

    private void checkOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }

    private static UnsupportedOperationException noLocks() {
        return new UnsupportedOperationException("a block device range has no file locks: coordinate writers yourself");
    }
}
