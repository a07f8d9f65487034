package dev.nvme4j.spec;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The little-endian layouts every NVMe structure uses (Base 1.5: all fields are little endian),
 * in one place. The plain ones are unaligned (fields of data structures at any offset); the
 * {@code _ALIGNED} ones are for the rings and registers, whose fields are naturally aligned.
 */
public final class Le {
    public static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt INT_ALIGNED = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong LONG_ALIGNED = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Le() {
    }

    /** The quadword of two consecutive little-endian dwords: {@code low} at the lower address. */
    public static long quad(int low, int high) {
        return (low & 0xFFFF_FFFFL) | ((long) high << 32);
    }
}
