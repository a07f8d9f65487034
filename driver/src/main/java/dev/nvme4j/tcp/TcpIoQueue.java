package dev.nvme4j.tcp;

import dev.nvme4j.api.Status;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An NVMe/TCP I/O queue: NVM Read and Write (NVM Command Set 3.2.4/3.2.6) on its own TCP
 * connection. Writes up to the controller's in-capsule size travel in the command capsule,
 * larger ones by R2T/H2CData; reads arrive as C2HData straight into the caller's buffer.
 *
 * <p>Asynchronous use: {@link #submitRead}/{@link #submitWrite} (one 64-byte SQE template, no
 * allocation), {@link #flush()} once per batch, then {@link #poll()}; each command completes once
 * through the handler. Synchronous use: {@link #read}/{@link #write}. One owner thread at a time.
 */
public final class TcpIoQueue implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpIoQueue.class);

    private final TcpController controller;
    private final TcpQueue queue;
    private final TcpOptions options;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sqe = arena.allocate(64, 64);
    private TcpQueue.CompletionHandler userHandler;
    private boolean closed;

    TcpIoQueue(TcpController controller, TcpQueue queue, TcpOptions options) {
        this.controller = controller;
        this.queue = queue;
        this.options = options;
        queue.completionHandler(this::onCompletion);
    }

    private void onCompletion(int cid, int status, int dw0, int dw1) {
        if (!syncWaiting) {
            queue.releaseCid(cid);
        }
        TcpQueue.CompletionHandler h = userHandler;
        if (h != null && !syncWaiting) {
            h.onCompletion(cid, status, dw0, dw1);
        }
    }

    private boolean syncWaiting;

    public int qid() {
        return queue.qid();
    }

    /** The connection under this queue (its negotiated digests, MAXH2CDATA, in-capsule limit). */
    public TcpQueue connection() {
        return queue;
    }

    /** Where completions of {@link #submitRead}/{@link #submitWrite} go (cid, status, dw0, dw1). */
    public void completionHandler(TcpQueue.CompletionHandler handler) {
        this.userHandler = handler;
    }

    /** Queues a read of {@code blocks} LBAs from {@code slba} into {@code buf[off..off+length)}; returns the CID, -1 when full. */
    public int submitRead(int nsid, long slba, int blocks, MemorySegment buf, long off, int length) {
        return submitRw(Opcodes.NVM_READ, nsid, slba, blocks, buf, off, length, TcpQueue.DIR_FROM_CONTROLLER);
    }

    /** Queues a write of {@code blocks} LBAs at {@code slba} from {@code buf[off..off+length)}; returns the CID, -1 when full. */
    public int submitWrite(int nsid, long slba, int blocks, MemorySegment buf, long off, int length) {
        return submitRw(Opcodes.NVM_WRITE, nsid, slba, blocks, buf, off, length, TcpQueue.DIR_TO_CONTROLLER);
    }

    private int submitRw(int opcode, int nsid, long slba, int blocks, MemorySegment buf, long off, int length,
            int direction) {
        if (blocks < 1 || blocks > 65536) {
            throw new IllegalArgumentException("block count " + blocks + " outside 1..65536");
        }
        int max = controller.maxTransferBytes();
        if (max > 0 && length > max) {
            throw new IllegalArgumentException(length + " bytes exceed the controller's MDTS of " + max
                    + " bytes: split the transfer");
        }
        int cid = queue.acquireCid();
        if (cid < 0) {
            return -1;
        }
        Sqe.clear(sqe, 0);
        Sqe.putInt(sqe, 0, Sqe.OFF_CDW0, opcode);
        Sqe.putInt(sqe, 0, Sqe.OFF_NSID, nsid);
        Sqe.putLong(sqe, 0, Sqe.OFF_CDW10, slba);
        Sqe.putInt(sqe, 0, Sqe.OFF_CDW12, blocks - 1);
        try {
            queue.submit(cid, sqe, 0, buf, off, length, direction);
        } catch (RuntimeException e) {
            queue.releaseCid(cid);
            throw e;
        }
        return cid;
    }

    public void flush() {
        queue.flush();
    }

    /** Handles what arrived; returns the number of completions delivered. Never throws for I/O errors. */
    public int poll() {
        return queue.poll();
    }

    /** Waits (bounded) until data arrives; false on timeout. */
    public boolean await(long deadlineNanos) {
        return queue.await(deadlineNanos);
    }

    /** Reads synchronously; throws {@link dev.nvme4j.api.NvmeException} with the status on failure. */
    public void read(int nsid, long slba, int blocks, MemorySegment buf, long off, int length)
            throws TcpTransportException {
        sync(Opcodes.NVM_READ, nsid, slba, blocks, buf, off, length, TcpQueue.DIR_FROM_CONTROLLER);
    }

    /** Writes synchronously; throws {@link dev.nvme4j.api.NvmeException} with the status on failure. */
    public void write(int nsid, long slba, int blocks, MemorySegment buf, long off, int length)
            throws TcpTransportException {
        sync(Opcodes.NVM_WRITE, nsid, slba, blocks, buf, off, length, TcpQueue.DIR_TO_CONTROLLER);
    }

    private void sync(int opcode, int nsid, long slba, int blocks, MemorySegment buf, long off, int length,
            int direction) throws TcpTransportException {
        if (queue.outstanding() != 0) {
            throw new IllegalStateException("synchronous I/O while " + queue.outstanding()
                    + " asynchronous commands are outstanding; poll them first");
        }
        Sqe.clear(sqe, 0);
        Sqe.putInt(sqe, 0, Sqe.OFF_CDW0, opcode);
        Sqe.putInt(sqe, 0, Sqe.OFF_NSID, nsid);
        Sqe.putLong(sqe, 0, Sqe.OFF_CDW10, slba);
        Sqe.putInt(sqe, 0, Sqe.OFF_CDW12, blocks - 1);
        syncWaiting = true;
        try {
            int status = queue.execute(sqe, buf, off, length, direction, options.ioTimeoutNanos());
            TcpController.check(status, (opcode == Opcodes.NVM_READ ? "Read" : "Write") + " of " + blocks
                    + " blocks at LBA " + slba + " on I/O queue " + qid());
        } finally {
            syncWaiting = false;
        }
    }

    /** Disconnect (Fabrics 3.6, bounded), then closes the connection; outstanding commands complete aborted. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (queue.failure() == null && queue.outstanding() == 0) {
            Fabrics.disconnect(sqe);
            syncWaiting = true;
            try {
                int status = queue.execute(sqe, null, 0, 0, TcpQueue.DIR_NONE,
                        Math.min(options.ioTimeoutNanos(), TimeUnit.SECONDS.toNanos(2)));
                if (status != Status.SUCCESS) {
                    log.debug("Disconnect of I/O queue {}: {}", qid(), Status.describe(status));
                }
            } catch (TcpTransportException | RuntimeException e) {
                log.debug("Disconnect of I/O queue {} failed: {}", qid(), e.getMessage());
            } finally {
                syncWaiting = false;
            }
        }
        queue.close();
        controller.forget(this);
        arena.close();
    }
}
