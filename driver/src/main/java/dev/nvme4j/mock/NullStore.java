package dev.nvme4j.mock;

import java.lang.foreign.MemorySegment;

/** Discards writes; reads zeros ({@code StoreKind.NULL}) or leave the buffer as it is ({@code NONE}). */
final class NullStore implements BlockStore {
    private final boolean readsZeros;

    @Override
    public boolean laneSafe() {
        return true; // holds no data
    }

    NullStore(boolean readsZeros) {
        this.readsZeros = readsZeros;
    }

    @Override
    public void read(long off, MemorySegment dst, long dstOff, long len) {
        if (readsZeros) {
            Zeros.fill(dst, dstOff, len);
        }
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
