package dev.nvme4j.mock;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A shared all-zero segment to copy from, so zero-filling allocates nothing. */
final class Zeros {
    static final long SIZE = 64 * 1024;
    private static final MemorySegment ZERO = Arena.global().allocate(SIZE, 4096);

    private Zeros() {
    }

    /** Zero-fills {@code len} bytes of {@code dst} at {@code off}. */
    static void fill(MemorySegment dst, long off, long len) {
        while (len > 0) {
            long n = Math.min(len, SIZE);
            MemorySegment.copy(ZERO, 0, dst, off, n);
            off += n;
            len -= n;
        }
    }
}
