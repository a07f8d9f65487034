package dev.nvme4j.vfio;

import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.sys.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * BAR access through {@code pread}/{@code pwrite} on the VFIO device fd, for when the region
 * cannot be mmapped (no {@code VFIO_REGION_INFO_FLAG_MMAP}, or mmap failed). Every access is a
 * system call, so this is slow, but each one is a single 4- or 8-byte access to the device, as
 * vfio-pci performs accesses of the size it is given.
 *
 * <p>Thread-safe: each thread uses its own 8-byte bounce buffer. Accesses hold a read lock that
 * {@link #close()} takes for writing, so no access can reach the fd once it may be closed and
 * its number reused (the lock costs nothing next to the system call).
 */
final class RegionRegisterSpace implements RegisterSpace {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));

    private final LibC libc;
    private final int deviceFd;
    private final long regionOffset;
    private final long regionSize;
    /** Set on close: the fd number may be reused by the kernel for another file afterwards. */
    private volatile boolean closed;
    private final java.util.concurrent.locks.ReentrantReadWriteLock lock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    RegionRegisterSpace(LibC libc, int deviceFd, long regionOffset, long regionSize) {
        this.libc = libc;
        this.deviceFd = deviceFd;
        this.regionOffset = regionOffset;
        this.regionSize = regionSize;
    }

    @Override
    public int read32(long offset) {
        MemorySegment buf = BUFFER.get().asSlice(0, 4);
        transfer(buf, offset, false);
        return buf.get(INT, 0);
    }

    @Override
    public long read64(long offset) {
        MemorySegment buf = BUFFER.get();
        transfer(buf, offset, false);
        return buf.get(LONG, 0);
    }

    @Override
    public void write32(long offset, int value) {
        MemorySegment buf = BUFFER.get().asSlice(0, 4);
        buf.set(INT, 0, value);
        transfer(buf, offset, true);
    }

    @Override
    public void write64(long offset, long value) {
        MemorySegment buf = BUFFER.get();
        buf.set(LONG, 0, value);
        transfer(buf, offset, true);
    }

    /**
     * A full fence, then the write: the entries written before must be visible before the
     * device sees the doorbell. (The system call orders them in practice; the fence states it.)
     */
    @Override
    public void writeDoorbell(long offset, int value) {
        VarHandle.fullFence();
        write32(offset, value);
    }

    /** After this returns no access is under way and none will reach the fd. */
    void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void transfer(MemorySegment buf, long offset, boolean write) {
        lock.readLock().lock();
        try {
            transferLocked(buf, offset, write);
        } finally {
            lock.readLock().unlock();
        }
    }

    private void transferLocked(MemorySegment buf, long offset, boolean write) {
        if (closed) {
            throw new IllegalStateException("BAR0 register access after the function was closed");
        }
        if (offset < 0 || offset + buf.byteSize() > regionSize) {
            throw new IndexOutOfBoundsException("register offset 0x" + Long.toHexString(offset)
                    + " outside the region of " + regionSize + " bytes");
        }
        long n = write ? libc.pwrite(deviceFd, buf, regionOffset + offset)
                : libc.pread(deviceFd, buf, regionOffset + offset);
        if (n != buf.byteSize()) {
            throw new VfioException((write ? "pwrite" : "pread") + " of BAR0 at 0x" + Long.toHexString(offset)
                    + " moved " + n + " of " + buf.byteSize() + " bytes");
        }
    }
}
