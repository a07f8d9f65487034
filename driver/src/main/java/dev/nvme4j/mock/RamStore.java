package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Sparse memory: 64 KiB chunks allocated on first write, in a two-level directory (1024 chunks
 * per leaf) so even a multi-terabyte namespace costs little until written. Unwritten chunks and
 * chunks dropped by a whole-chunk zero read as zeros.
 *
 * <p>Lane-safe: a command's range is locked by the stripes of its chunks ({@link #STRIPES}
 * locks, a chunk's stripe is its index modulo that), taken in ascending stripe order, so two
 * lanes never deadlock, commands on different chunks run in parallel and overlapping commands
 * from two queues are each atomic (the data of one lands entirely before or after the other's).
 * A new leaf of the directory is created under the store's monitor; a chunk slot is written
 * only under its stripe. Resizing runs under the device lock with every lane lock.
 *
 * <p>Reads inside one chunk take no lock ({@link #readStamp}, {@link #validateRead}): each
 * stripe has a version, odd while a writer holds the stripe; a reader copies the data between
 * two readings of the version and copies again under the lock when it changed. Readers thus
 * write nothing shared, so two lanes reading the same stripes do not move each other's cache
 * lines (a lock's word would be written by every read). The versions are padded apart.
 */
final class RamStore implements BlockStore {
    static final int CHUNK_SHIFT = 16;
    static final long CHUNK = 1L << CHUNK_SHIFT;
    private static final int LEAF_SHIFT = 10;
    private static final int LEAF = 1 << LEAF_SHIFT;

    static final int STRIPES = 64;
    private final java.util.concurrent.locks.ReentrantLock[] stripes =
            new java.util.concurrent.locks.ReentrantLock[STRIPES];
    /** Longs per stripe version: versions 128 bytes apart, on cache lines of their own. */
    private static final int VERSION_STRIDE = 16;
    private static final VarHandle VERSION = MethodHandles.arrayElementVarHandle(long[].class);
    private final long[] versions = new long[(STRIPES + 1) * VERSION_STRIDE];
    private MemorySegment[][] dir;

    RamStore(long capacityBytes) {
        dir = new MemorySegment[leaves(capacityBytes)][];
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new java.util.concurrent.locks.ReentrantLock();
        }
    }

    @Override
    public boolean laneSafe() {
        return true;
    }

    @Override
    public void lockRange(long off, long len) {
        long first = off >>> CHUNK_SHIFT;
        long n = len <= 0 ? 1 : ((off + len - 1) >>> CHUNK_SHIFT) - first + 1;
        if (n >= STRIPES) {
            for (int s = 0; s < STRIPES; s++) {
                stripes[s].lock();
                beginWrite(s);
            }
            VarHandle.storeStoreFence(); // the odd versions before any data
            return;
        }
        int s0 = (int) (first & (STRIPES - 1));
        int end = s0 + (int) n; // stripes s0 .. end-1, modulo STRIPES: the wrapped part first (ascending)
        for (int s = 0; s < end - STRIPES; s++) {
            stripes[s].lock();
            beginWrite(s);
        }
        for (int s = s0; s < Math.min(end, STRIPES); s++) {
            stripes[s].lock();
            beginWrite(s);
        }
        VarHandle.storeStoreFence(); // the odd versions before any data
    }

    /** Stripe {@code s} (locked) is being written: its version goes odd. */
    private void beginWrite(int s) {
        int i = (s + 1) * VERSION_STRIDE;
        VERSION.setOpaque(versions, i, versions[i] + 1);
    }

    /** Stripe {@code s} (still locked) was written: its version goes even, after the data. */
    private void endWrite(int s) {
        int i = (s + 1) * VERSION_STRIDE;
        VERSION.setRelease(versions, i, versions[i] + 1);
    }

    /**
     * A stamp for reading {@code [off, off + len)} without the lock, or -1 when that range needs
     * it (more than one chunk, or a writer in its stripe now). Read the data, then
     * {@link #validateRead}.
     */
    @Override
    public long readStamp(long off, long len) {
        long chunk = off >>> CHUNK_SHIFT;
        if (len <= 0 || (off + len - 1) >>> CHUNK_SHIFT != chunk) {
            return -1;
        }
        long v = (long) VERSION.getAcquire(versions, ((int) (chunk & (STRIPES - 1)) + 1) * VERSION_STRIDE);
        return (v & 1) == 0 ? v : -1;
    }

    /** True when no writer touched the stripe of {@code off} since {@code stamp} was taken: the data read is whole. */
    @Override
    public boolean validateRead(long off, long stamp) {
        VarHandle.acquireFence(); // the data's reads before the version's
        int i = ((int) ((off >>> CHUNK_SHIFT) & (STRIPES - 1)) + 1) * VERSION_STRIDE;
        return (long) VERSION.getVolatile(versions, i) == stamp;
    }

    @Override
    public void unlockRange(long off, long len) {
        long first = off >>> CHUNK_SHIFT;
        long n = len <= 0 ? 1 : ((off + len - 1) >>> CHUNK_SHIFT) - first + 1;
        if (n >= STRIPES) {
            for (int s = STRIPES - 1; s >= 0; s--) {
                endWrite(s);
                stripes[s].unlock();
            }
            return;
        }
        int s0 = (int) (first & (STRIPES - 1));
        int end = s0 + (int) n;
        for (int s = Math.min(end, STRIPES) - 1; s >= s0; s--) {
            endWrite(s);
            stripes[s].unlock();
        }
        for (int s = end - STRIPES - 1; s >= 0; s--) {
            endWrite(s);
            stripes[s].unlock();
        }
    }

    private static int leaves(long capacityBytes) {
        long chunks = (capacityBytes + CHUNK - 1) >>> CHUNK_SHIFT;
        return (int) ((chunks + LEAF - 1) >>> LEAF_SHIFT);
    }

    @Override
    public void resize(long oldBytes, long capacityBytes) {
        BlockStore.super.resize(oldBytes, capacityBytes);
        int n = leaves(capacityBytes);
        if (n > dir.length) {
            dir = java.util.Arrays.copyOf(dir, n);
        }
    }

    private MemorySegment chunk(long index, boolean create) {
        int d = (int) (index >>> LEAF_SHIFT);
        MemorySegment[] leaf = dir[d];
        if (leaf == null) {
            if (!create) {
                return null;
            }
            leaf = newLeaf(d);
        }
        int i = (int) (index & (LEAF - 1));
        MemorySegment c = leaf[i];
        if (c == null && create) {
            c = leaf[i] = MemorySegment.ofArray(new byte[(int) CHUNK]);
        }
        return c;
    }

    /** The leaf {@code d}, created once even when two lanes write into it at the same time. */
    private synchronized MemorySegment[] newLeaf(int d) {
        MemorySegment[] leaf = dir[d];
        if (leaf == null) {
            leaf = dir[d] = new MemorySegment[LEAF];
        }
        return leaf;
    }

    @Override
    public void read(long off, MemorySegment dst, long dstOff, long len) {
        while (len > 0) {
            long in = off & (CHUNK - 1);
            long n = Math.min(len, CHUNK - in);
            MemorySegment c = chunk(off >>> CHUNK_SHIFT, false);
            if (c == null) {
                Zeros.fill(dst, dstOff, n);
            } else {
                MemorySegment.copy(c, in, dst, dstOff, n);
            }
            off += n;
            dstOff += n;
            len -= n;
        }
    }

    @Override
    public void write(long off, MemorySegment src, long srcOff, long len) {
        while (len > 0) {
            long in = off & (CHUNK - 1);
            long n = Math.min(len, CHUNK - in);
            MemorySegment.copy(src, srcOff, chunk(off >>> CHUNK_SHIFT, true), in, n);
            off += n;
            srcOff += n;
            len -= n;
        }
    }

    @Override
    public void zero(long off, long len) {
        while (len > 0) {
            long in = off & (CHUNK - 1);
            long n = Math.min(len, CHUNK - in);
            long index = off >>> CHUNK_SHIFT;
            if (n == CHUNK) {
                MemorySegment[] leaf = dir[(int) (index >>> LEAF_SHIFT)];
                if (leaf != null) {
                    leaf[(int) (index & (LEAF - 1))] = null;
                }
            } else {
                MemorySegment c = chunk(index, false);
                if (c != null) {
                    Zeros.fill(c, in, n);
                }
            }
            off += n;
            len -= n;
        }
    }

    /** Number of chunks allocated (for tests of sparseness). */
    long allocatedChunks() {
        long n = 0;
        for (MemorySegment[] leaf : dir) {
            if (leaf != null) {
                for (MemorySegment c : leaf) {
                    n += c == null ? 0 : 1;
                }
            }
        }
        return n;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        java.util.Arrays.fill(dir, null);
    }
}
