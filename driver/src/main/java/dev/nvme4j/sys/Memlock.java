package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;

import java.util.Optional;

/**
 * The locked-memory limit ({@code RLIMIT_MEMLOCK}). VFIO pins every DMA mapping and charges
 * it against this limit, so a too-small limit makes {@code VFIO_IOMMU_MAP_DMA} fail with
 * {@code ENOMEM}; checking it up front lets the driver say why.
 *
 * <p>Thread-safe; stateless.
 */
public final class Memlock {

    private Memlock() {
    }

    /** {@return the current soft and hard RLIMIT_MEMLOCK of this process} */
    public static ResourceLimit limits() {
        return limits(LibC.system());
    }

    /** {@return the soft and hard RLIMIT_MEMLOCK as reported by {@code libc}} */
    public static ResourceLimit limits(LibC libc) {
        return libc.getrlimit(NativeLib.RLIMIT_MEMLOCK());
    }

    /**
     * Explains a pinning failure, if the limit accounts for it. Not a gate: processes with
     * {@code CAP_IPC_LOCK} (typically root) are exempt from the limit in VFIO, so a small
     * limit alone must not stop the driver. Use it to enrich the error of a failed
     * {@code VFIO_IOMMU_MAP_DMA} ({@code ENOMEM}).
     *
     * @param bytes the total DMA memory the driver tried to pin
     * @return a message naming the limit and how to raise it, or empty if the limit allows it
     */
    public static Optional<String> shortfall(LibC libc, long bytes) {
        ResourceLimit limit = limits(libc);
        if (limit.allows(bytes)) {
            return Optional.empty();
        }
        return Optional.of("RLIMIT_MEMLOCK soft limit is " + limit.soft() + " bytes but " + bytes
                + " bytes of DMA memory must be pinned; raise it (ulimit -l, limits.conf,"
                + " systemd LimitMEMLOCK) or grant CAP_IPC_LOCK");
    }
}
