package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;

/**
 * The host's base page size ({@code sysconf(_SC_PAGESIZE)}), which bounds mmap offsets and
 * lengths and the granularity of VFIO DMA mappings.
 *
 * <p>Thread-safe; the value is read once, on first use.
 */
public final class PageSize {

    private PageSize() {
    }

    /** {@return the page size in bytes (4096 on x86-64)} */
    public static long get() {
        return Holder.SIZE;
    }

    /** {@return the page size reported by {@code libc} (uncached; for callers with their own LibC)} */
    public static long of(LibC libc) {
        return libc.sysconf(NativeLib._SC_PAGESIZE());
    }

    /** {@return {@code size} rounded up to a whole number of pages} */
    public static long roundUp(long size) {
        long page = get();
        return (size + page - 1) & -page;
    }

    // Lazy holder: the downcall happens once, when the size is first needed.
    private static final class Holder {
        static final long SIZE = of(LibC.system());
    }
}
