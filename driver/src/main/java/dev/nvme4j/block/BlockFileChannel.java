package dev.nvme4j.block;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * A {@link FileChannel} over a range of blocks of a {@link BlockDevice}, so code written for
 * files runs on a raw namespace. Byte 0 of the channel is byte 0 of the range's first block;
 * {@link #size()} is the range's size and never changes.
 *
 * <ul>
 *   <li>Reads and writes work at any byte offset and length. A write that covers a block only
 *       in part reads that block, changes the bytes and writes it back (read-modify-write): it is
 *       <b>not atomic</b> against another writer of the same block at the same time (through
 *       this channel or any other path), which may lose one of the two updates. Writes of whole,
 *       aligned blocks have no such step.</li>
 *   <li>Reading at or past the end returns -1; a write that would reach past the end throws an
 *       {@link IOException} and writes nothing (a device cannot grow).</li>
 *   <li>{@link #force} sends a Flush. {@link #truncate} to a size at or above {@link #size()}
 *       changes nothing (as for a file), smaller sizes, {@link #lock}, {@link #tryLock} and
 *       {@link #map} throw {@link UnsupportedOperationException}.</li>
 *   <li>A channel opened without READ throws {@link NonReadableChannelException} on reads,
 *       without WRITE {@link NonWritableChannelException} on writes; after {@link #close()}
 *       every operation throws {@link ClosedChannelException}. Closing the channel does not close
 *       the device; closing the device makes a waiting call throw {@link AsynchronousCloseException}.</li>
 * </ul>
 *
 * <p>Thread model: positional reads and writes may be called from any number of threads at
 * once (each is a blocking {@link BlockDevice} call, virtual threads park); the relative ones
 * share the channel's position, which is updated atomically per call as for a file. Data moves
 * through the device's bounce buffers (a copy on the calling thread).
 */
public final class BlockFileChannel extends FileChannel {
    private final BlockDevice device;
    private final long firstLba;
    private final long size;
    private final int blockSize;
    private final boolean readable;
    private final boolean writable;
    private long position;

    BlockFileChannel(BlockDevice device, long firstLba, long blocks, Set<? extends OpenOption> options) {
        this.device = device;
        this.firstLba = firstLba;
        this.blockSize = device.blockSize();
        this.size = blocks * blockSize;
        this.readable = options.contains(StandardOpenOption.READ);
        this.writable = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
        if (!readable && !writable) {
            throw new IllegalArgumentException("open the channel with READ and/or WRITE, got " + options);
        }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        checkReadable();
        return readAt(dst, position);
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        checkWritable();
        return writeAt(src, position);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkReadable();
        synchronized (this) {
            int n = readAt(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkWritable();
        synchronized (this) {
            int n = writeAt(src, position);
            position += n;
            return n;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, dsts.length);
        checkReadable();
        synchronized (this) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!dsts[i].hasRemaining()) {
                    continue;
                }
                int n = readAt(dsts[i], position);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                position += n;
                total += n;
                if (dsts[i].hasRemaining()) {
                    break;
                }
            }
            return total;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, srcs.length);
        checkWritable();
        synchronized (this) {
            long need = 0;
            for (int i = offset; i < offset + length; i++) {
                need += srcs[i].remaining();
            }
            checkFits(position, need);
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = writeAt(srcs[i], position);
                position += n;
                total += n;
            }
            return total;
        }
    }

    @Override
    public synchronized long position() throws IOException {
        checkOpen();
        return position;
    }

    @Override
    public synchronized FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        checkOpen();
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        checkOpen();
        return size;
    }

    @Override
    public FileChannel truncate(long newSize) throws IOException {
        if (newSize < 0) {
            throw new IllegalArgumentException("negative size " + newSize);
        }
        checkOpen();
        checkWritable();
        if (newSize < size) {
            throw new UnsupportedOperationException("a block device range cannot be truncated (size " + size
                    + ", asked for " + newSize + "): keep the logical end of your data yourself");
        }
        synchronized (this) {
            if (position > newSize) {
                position = newSize;
            }
        }
        return this;
    }

    @Override
    public void force(boolean metaData) throws IOException {
        checkOpen();
        try {
            device.flush();
        } catch (BlockDeviceClosedException e) {
            throw closedWhileWaiting(e);
        } catch (RuntimeException e) {
            throw new IOException("flush of " + device.describe() + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        checkReadable();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 0), 64 * 1024));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = readAt(buf, position + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        checkWritable();
        if (position > size) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 0), 64 * 1024));
        long done = 0;
        long max = Math.min(count, size - position);
        while (done < max) {
            buf.clear().limit((int) Math.min(buf.capacity(), max - done));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            writeAt(buf, position + done);
            done += n;
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("a block device range cannot be memory-mapped: read into a buffer");
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("a block device range has no file locks: coordinate writers yourself");
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("a block device range has no file locks: coordinate writers yourself");
    }

    @Override
    protected void implCloseChannel() {
        // the device stays open: it belongs to whoever opened it
    }

    // ---- byte ranges on blocks ----

    private int readAt(ByteBuffer dst, long pos) throws IOException {
        checkOpen();
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pos >= size) {
            return -1;
        }
        int len = (int) Math.min(dst.remaining(), size - pos);
        transfer(dst, pos, len, false);
        return len;
    }

    private int writeAt(ByteBuffer src, long pos) throws IOException {
        checkOpen();
        int len = src.remaining();
        if (len == 0) {
            return 0;
        }
        checkFits(pos, len);
        transfer(src, pos, len, true);
        return len;
    }

    /**
     * Moves {@code len} bytes between {@code buf} and the range at byte {@code pos}: whole blocks
     * straight through the device (at most 1 MiB a call), a partly covered block through a copy
     * of it (read, and for a write changed and written back).
     */
    private void transfer(ByteBuffer buf, long pos, int len, boolean write) throws IOException {
        try {
            long end = pos + len;
            long cur = pos;
            while (cur < end) {
                long blockStart = cur - cur % blockSize;
                int inBlock = (int) (cur - blockStart);
                if (inBlock == 0 && end - cur >= blockSize) {
                    int whole = (int) Math.min((end - cur) / blockSize * blockSize, 1 << 20);
                    ByteBuffer part = buf.slice(buf.position(), whole);
                    if (write) {
                        device.write(firstLba + cur / blockSize, part);
                    } else {
                        device.read(firstLba + cur / blockSize, part);
                    }
                    buf.position(buf.position() + whole);
                    cur += whole;
                } else {
                    byte[] block = new byte[blockSize];
                    MemorySegment seg = MemorySegment.ofArray(block);
                    long lba = firstLba + blockStart / blockSize;
                    device.read(lba, seg);
                    int n = (int) Math.min(blockSize - inBlock, end - cur);
                    if (write) { // read-modify-write of one partly covered block
                        buf.get(block, inBlock, n);
                        device.write(lba, seg);
                    } else {
                        buf.put(block, inBlock, n);
                    }
                    cur += n;
                }
            }
        } catch (BlockDeviceClosedException e) {
            throw closedWhileWaiting(e);
        } catch (RuntimeException e) {
            throw new IOException((write ? "write" : "read") + " of " + len + " bytes at " + pos + " failed: "
                    + e.getMessage(), e);
        }
    }

    private void checkFits(long pos, long len) throws IOException {
        if (pos + len > size || pos + len < 0) {
            throw new IOException("write of " + len + " bytes at " + pos + " reaches past the end of the device range ("
                    + size + " bytes); nothing was written");
        }
    }

    private void checkOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void checkReadable() throws ClosedChannelException {
        checkOpen();
        if (!readable) {
            throw new NonReadableChannelException();
        }
    }

    private void checkWritable() throws ClosedChannelException {
        checkOpen();
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    boolean readable() {
        return readable;
    }

    boolean writable() {
        return writable;
    }

    private AsynchronousCloseException closedWhileWaiting(BlockDeviceClosedException e) {
        AsynchronousCloseException ace = new AsynchronousCloseException();
        ace.initCause(e);
        return ace;
    }
}
