package dev.nvme4j.vfio;

import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.dma.IovaAllocator;
import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioStructs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DMA memory for one function: host memory in chunks of 2 MiB hugepages (or 4 KiB pages when
 * the host has no free hugepages), each chunk pinned and mapped once in the process's IOMMU
 * container at a 2 MiB-aligned IOVA. Small requests are carved out of chunks, 4 KiB aligned;
 * requests of 1 MiB or more get chunks of their own. A chunk is unmapped and returned to the
 * kernel when its last region is freed, and every chunk on close.
 *
 * <p>The IOVA space belongs to the container (shared by all functions); this allocator only
 * tracks its own chunks, so closing one function never unmaps another's memory.
 *
 * <p>Regions' segments are bound to their chunk's arena: touching a region after its chunk
 * was released throws instead of corrupting memory.
 *
 * <p>Thread-safe: synchronized (control path only).
 */
final class VfioDmaAllocator implements DmaAllocator {

    private static final Logger LOG = LoggerFactory.getLogger(VfioDmaAllocator.class);
    static final long HUGE_PAGE = 2L << 20;
    static final long PAGE = 4096;
    /** Requests this big or bigger get a chunk of their own. */
    static final long DEDICATED_THRESHOLD = HUGE_PAGE / 2;
    /** Warn about the 4 KiB fallback once per process, not once per allocator. */
    private static final AtomicBoolean WARNED_NO_HUGEPAGES = new AtomicBoolean();

    private final LibC libc;
    private final VfioContainer container;
    private final String owner;
    private boolean hugePages;
    private final List<Chunk> shared = new ArrayList<>();
    private final Map<DmaRegion, Placement> regions = new IdentityHashMap<>();
    private boolean closed;
    /** An IOVA range of the container that is never mapped; -1 when there is none (no-IOMMU mode). */
    long reserve(long size, long alignment) {
        return container.reserve(size, alignment);
    }

    /** Gives back a range {@link #reserve} returned. */
    void unreserve(long address, long size) {
        container.unreserve(address, size);
    }

    /** Set by {@link #unmapAll}: the device is gone, nothing is mapped any more. */
    private boolean detached;

    /** Host memory mapped at one IOVA; {@code space} hands out offsets inside it. */
    private static final class Chunk {
        final Arena arena;
        final MemorySegment raw;
        final MemorySegment memory;
        final long iova;
        final boolean huge;
        final IovaAllocator space;
        int live;
        /** Removed from the IOMMU already ({@link #unmapAll}); only the host memory is left. */
        boolean unmapped;

        Chunk(MemorySegment raw, long iova, boolean huge) {
            this.arena = Arena.ofShared();
            this.raw = raw;
            this.memory = raw.reinterpret(arena, null);
            this.iova = iova;
            this.huge = huge;
            this.space = new IovaAllocator(List.of(new IovaAllocator.Window(0, raw.byteSize())));
        }
    }

    private record Placement(Chunk chunk, long offset, long size) {
    }

    VfioDmaAllocator(LibC libc, VfioContainer container, boolean hugePages, String owner) {
        this.libc = libc;
        this.container = container;
        this.hugePages = hugePages;
        this.owner = owner;
    }

    @Override
    public synchronized DmaRegion allocate(long bytes) {
        if (closed) {
            throw new IllegalStateException("the DMA allocator of " + owner + " is closed");
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("DMA allocation size must be positive, got " + bytes);
        }
        if (detached) {
            throw new DmaException("the device " + owner + " has been removed; no DMA memory can be mapped for it");
        }
        long size = roundUp(bytes, PAGE);
        Placement placement = size >= DEDICATED_THRESHOLD ? dedicated(size) : carve(size);
        MemorySegment segment = placement.chunk().memory.asSlice(placement.offset(), size);
        DmaRegion region = new DmaRegion(this, segment, placement.chunk().iova + placement.offset());
        regions.put(region, placement);
        return region;
    }

    @Override
    public synchronized void free(DmaRegion region) {
        Placement placement = regions.remove(region);
        if (placement == null) {
            if (region.owner() != this) {
                throw new IllegalArgumentException(region + " does not belong to the DMA allocator of " + owner);
            }
            return; // already freed
        }
        region.markFreed();
        Chunk chunk = placement.chunk();
        chunk.space.free(placement.offset(), placement.size());
        if (--chunk.live == 0) {
            shared.remove(chunk);
            release(chunk);
        }
    }

    @Override
    public long pageSize() {
        return PAGE;
    }

    /** {@return whether new chunks are hugepage-backed (false after falling back to 4 KiB pages)} */
    synchronized boolean usesHugePages() {
        return hugePages;
    }

    /** {@return the number of chunks currently mapped} */
    synchronized int chunkCount() {
        return (int) regions.values().stream().map(Placement::chunk).distinct().count();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Chunk> chunks = regions.values().stream().map(Placement::chunk).distinct().toList();
        regions.keySet().forEach(DmaRegion::markFreed);
        regions.clear();
        shared.clear();
        for (Chunk chunk : chunks) {
            release(chunk);
        }
    }

    /**
     * The device is being removed: takes every chunk out of the IOMMU (the device cannot reach
     * it any more) but keeps the host memory, so regions stay readable until freed or
     * {@link #close()}d. Later allocations fail. Idempotent.
     */
    synchronized void unmapAll() {
        if (detached || closed) {
            return;
        }
        detached = true;
        for (Chunk chunk : regions.values().stream().map(Placement::chunk).distinct().toList()) {
            unmapIommu(chunk);
        }
    }

    private Placement carve(long size) {
        for (Chunk chunk : shared) {
            if (chunk.space.largestFree() >= size) {
                return place(chunk, size);
            }
        }
        Chunk chunk = newChunk(HUGE_PAGE);
        shared.add(chunk);
        return place(chunk, size);
    }

    private Placement place(Chunk chunk, long size) {
        long offset = chunk.space.allocate(size, PAGE);
        chunk.memory.asSlice(offset, size).fill((byte) 0);
        chunk.live++;
        return new Placement(chunk, offset, size);
    }

    private Placement dedicated(long size) {
        Chunk chunk = newChunk(hugePages ? roundUp(size, HUGE_PAGE) : size);
        return place(chunk, size);
    }

    /** Maps host memory (hugepages if possible) and then maps it in the IOMMU. */
    private Chunk newChunk(long size) {
        boolean huge = hugePages && size % HUGE_PAGE == 0;
        MemorySegment raw = huge ? tryHugePages(size) : null;
        if (raw == null) {
            if (container.needsPhysicallyContiguousMemory()) {
                throw new DmaException("no-IOMMU mode needs DMA memory in 2 MiB hugepages, and none could be"
                        + " allocated: reserve some (tools/nvme4j-setup hugepages 512) and keep VfioOptions.hugePages on");
            }
            huge = false;
            raw = mmap(size, 0);
        }
        long iova;
        try {
            iova = container.map(raw, HUGE_PAGE);
        } catch (RuntimeException e) {
            unmapHost(raw);
            throw e;
        }
        return new Chunk(raw, iova, huge);
    }

    private MemorySegment tryHugePages(long size) {
        try {
            return mmap(size, VfioStructs.MAP_HUGETLB);
        } catch (DmaException e) {
            hugePages = false;
            if (WARNED_NO_HUGEPAGES.compareAndSet(false, true)) {
                LOG.warn("no free 2 MiB hugepages ({}); DMA memory falls back to 4 KiB pages, which need more"
                        + " IOMMU mappings and TLB entries. Reserve hugepages, e.g.: tools/nvme4j-setup hugepages 512",
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            }
            return null;
        }
    }

    private MemorySegment mmap(long size, int extraFlags) {
        int flags = VfioStructs.MAP_SHARED | VfioStructs.MAP_ANONYMOUS | VfioStructs.MAP_POPULATE | extraFlags;
        try {
            return libc.mmap(MemorySegment.NULL, size, VfioStructs.PROT_READ | VfioStructs.PROT_WRITE, flags, -1, 0);
        } catch (NativeException e) {
            throw new DmaException("cannot allocate " + size + " bytes of host memory for DMA: " + e.getMessage(), e);
        }
    }

    private void release(Chunk chunk) {
        unmapIommu(chunk);
        chunk.arena.close();
        unmapHost(chunk.raw);
    }

    private void unmapIommu(Chunk chunk) {
        if (chunk.unmapped) {
            return;
        }
        chunk.unmapped = true;
        try {
            container.unmap(chunk.iova, chunk.raw.byteSize());
        } catch (RuntimeException e) {
            LOG.warn("{}: VFIO_IOMMU_UNMAP_DMA at IOVA 0x{}: {}", owner, Long.toHexString(chunk.iova), e.getMessage());
        }
    }

    private void unmapHost(MemorySegment raw) {
        try {
            libc.munmap(raw, raw.byteSize());
        } catch (NativeException e) {
            LOG.warn("{}: munmap of DMA memory: {}", owner, e.getMessage());
        }
    }

    /** Lets the next fallback warn again (tests only). */
    static void rearmHugePageWarning() {
        WARNED_NO_HUGEPAGES.set(false);
    }

    private static long roundUp(long value, long unit) {
        return (value + unit - 1) / unit * unit;
    }

    @Override
    public synchronized String toString() {
        return "VfioDmaAllocator[" + owner + ", " + regions.size() + " regions, hugepages=" + hugePages + "]";
    }
}
