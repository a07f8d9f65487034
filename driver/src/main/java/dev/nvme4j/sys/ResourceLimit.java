package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;

/**
 * A {@code struct rlimit}: the soft (enforced) and hard (ceiling) limit of one resource.
 * {@link #UNLIMITED} stands for {@code RLIM_INFINITY}.
 *
 * <p>Immutable; thread-safe.
 *
 * @param soft the current limit ({@code rlim_cur})
 * @param hard the maximum the soft limit may be raised to ({@code rlim_max})
 */
public record ResourceLimit(long soft, long hard) {

    /** {@code RLIM_INFINITY}: no limit (all bits set, i.e. -1 as a signed long). */
    public static final long UNLIMITED = NativeLib.RLIM_INFINITY();

    /** {@return whether the soft limit allows locking {@code bytes} more bytes, ignoring what is already locked} */
    public boolean allows(long bytes) {
        return soft == UNLIMITED || Long.compareUnsigned(bytes, soft) <= 0;
    }

    @Override
    public String toString() {
        return "ResourceLimit[soft=" + format(soft) + ", hard=" + format(hard) + "]";
    }

    private static String format(long limit) {
        return limit == UNLIMITED ? "unlimited" : Long.toUnsignedString(limit);
    }
}
