package dev.nvme4j.ctrl;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.queue.RegionBuffer;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DMA buffers the application allocated through {@link dev.nvme4j.api.Controller#allocateBuffer}:
 * handed out, checked on every command that names one, and freed at close if the application
 * did not. Thread-safe.
 */
final class UserBuffers {
    private final String address;
    private final DmaAllocator dma;
    private final Health health;
    private final Set<DmaRegion> regions = ConcurrentHashMap.newKeySet();

    UserBuffers(String address, DmaAllocator dma, Health health) {
        this.address = address;
        this.dma = dma;
        this.health = health;
    }

    DmaBuffer allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("buffer size must be positive, got " + bytes);
        }
        health.checkOpen();
        DmaRegion region;
        try {
            region = dma.allocate(bytes);
        } catch (DmaException e) {
            throw new NvmeException("cannot allocate a DMA buffer of " + bytes + " bytes on " + address + ": "
                    + e.getMessage(), e);
        }
        regions.add(region);
        return new RegionBuffer(region);
    }

    /** Refuses memory this controller did not hand out, or that was freed. */
    void check(DmaBuffer buffer) {
        DmaRegion region = RegionBuffer.regionOf(buffer);
        if (region.owner() != dma || !regions.contains(region)) {
            throw new IllegalArgumentException(buffer + " was not allocated by this controller (" + address
                    + "); use Controller.allocateBuffer of the controller that does the I/O");
        }
        if (!region.isLive()) {
            throw new IllegalArgumentException(buffer + " has been freed");
        }
    }

    /** At close: frees every buffer the application still holds. */
    void freeAll() {
        for (DmaRegion r : new ArrayList<>(regions)) {
            dma.free(r);
        }
        regions.clear();
    }
}
