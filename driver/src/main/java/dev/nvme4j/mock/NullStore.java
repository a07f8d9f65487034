package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;

/** Reads zeros, discards writes. */
final class NullStore implements BlockStore {
    @Override
    public void read(long off, MemorySegment dst, long dstOff, long len) {
        Zeros.fill(dst, dstOff, len);
    }

    @Override
    public void write(long off, MemorySegment src, long srcOff, long len) {
    }

    @Override
    public void zero(long off, long len) {
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }
}
