package dev.nvme4j.tcp;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/** Seeded random buffers for the NVMe/TCP tests. */
final class TestData {
    private TestData() {
    }

    /** {@code bytes} random bytes from {@code seed}, in a 4 KiB-aligned segment of {@code arena}. */
    static MemorySegment random(Arena arena, int bytes, long seed) {
        byte[] b = new byte[bytes];
        new Random(seed).nextBytes(b);
        MemorySegment s = arena.allocate(bytes, 4096);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, bytes);
        return s;
    }
}
