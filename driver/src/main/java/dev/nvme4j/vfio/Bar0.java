package dev.nvme4j.vfio;

import dev.nvme4j.device.DetachableRegisterSpace;
import dev.nvme4j.device.Mmio;
import dev.nvme4j.device.RegisterSpace;
import dev.nvme4j.sys.LibC;
import dev.nvme4j.sys.NativeException;
import dev.nvme4j.sys.VfioStructs;
import dev.nvme4j.sys.VfioStructs.RegionInfo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BAR0 of a VFIO PCI function: mmapped from the device fd, or reached by pread/pwrite when it
 * cannot be; the register space handed out (detachable: after a removal reads are all ones and
 * writes are dropped); and giving the mapping up. On a device request the device mapping is
 * replaced in place by anonymous memory, so a register access racing the release cannot fault,
 * and the replacement is unmapped at close.
 *
 * <p>Not thread-safe itself: {@link VfioPciFunction} calls {@link #release} and
 * {@link #close} under its monitor. The register space is thread-safe.
 */
final class Bar0 {
    private static final Logger LOG = LoggerFactory.getLogger(Bar0.class);

    private final LibC libc;
    private final PciAddress address;
    /** "BAR0", "BAR2": for messages. */
    private final String name;
    /** The device mapping; null when BAR0 is reached by pread/pwrite. */
    private final MemorySegment mapping;
    /** Owns the view of BAR0 handed out; closed before the munmap so stale accesses throw instead of faulting. */
    private final Arena arena = Arena.ofShared();
    private final DetachableRegisterSpace registers;
    /** BAR0 reached by pread/pwrite when it is not mmapped; null otherwise. */
    private final RegionRegisterSpace regionRegisters;
    /** BAR0's address holds the anonymous replacement of the device mapping (after a release). */
    private boolean replaced;

    private Bar0(LibC libc, PciAddress address, String name, int deviceFd, RegionInfo bar, MemorySegment mapping) {
        this.libc = libc;
        this.address = address;
        this.name = name;
        this.mapping = mapping;
        this.regionRegisters = mapping != null ? null : new RegionRegisterSpace(libc, deviceFd, bar.offset(), bar.size());
        this.registers = new DetachableRegisterSpace(mapping != null
                ? new Mmio(mapping.reinterpret(arena, null)) : regionRegisters);
    }

    /** Maps BAR0 when {@code mmap} allows and the region can be mapped; pread/pwrite otherwise (logged). */
    static Bar0 open(LibC libc, PciAddress address, int deviceFd, RegionInfo bar, boolean mmap) {
        return new Bar0(libc, address, "BAR0", deviceFd, bar, mmap ? map(libc, address, deviceFd, bar) : null);
    }

    /**
     * Another memory BAR (a Controller Memory Buffer's), mmapped; null when it cannot be (logged).
     * Released and closed like BAR0; its memory is reached through {@link #view()}.
     */
    static Bar0 openMemory(LibC libc, PciAddress address, int index, int deviceFd, RegionInfo bar) {
        if (!bar.mmappable() || bar.size() == 0) {
            LOG.info("{}: BAR{} cannot be mmapped (size {}, flags 0x{})", address, index, bar.size(),
                    Integer.toHexString(bar.flags()));
            return null;
        }
        try {
            MemorySegment m = libc.mmap(MemorySegment.NULL, bar.size(), VfioStructs.PROT_READ | VfioStructs.PROT_WRITE,
                    VfioStructs.MAP_SHARED, deviceFd, bar.offset());
            return new Bar0(libc, address, "BAR" + index, deviceFd, bar, m);
        } catch (NativeException e) {
            LOG.warn("{}: mmap of BAR{} failed: {}", address, index, e.getMessage());
            return null;
        }
    }

    /** The mapped BAR's memory, closed with the mapping (stale accesses throw); null when not mmapped. */
    MemorySegment view() {
        return mapping == null ? null : mapping.reinterpret(arena, null);
    }

    /** {@return BAR0 mmapped from the device fd, or null when it must be reached by pread/pwrite} */
    private static MemorySegment map(LibC libc, PciAddress address, int deviceFd, RegionInfo bar) {
        if (!bar.mmappable()) {
            LOG.warn("{}: BAR0 cannot be mmapped; using pread/pwrite for every register access (slow)", address);
            return null;
        }
        try {
            return libc.mmap(MemorySegment.NULL, bar.size(), VfioStructs.PROT_READ | VfioStructs.PROT_WRITE,
                    VfioStructs.MAP_SHARED, deviceFd, bar.offset());
        } catch (NativeException e) {
            LOG.warn("{}: mmap of BAR0 failed ({}); using pread/pwrite for every register access (slow)",
                    address, e.getMessage());
            return null;
        }
    }

    RegisterSpace registers() {
        return registers;
    }

    boolean mapped() {
        return mapping != null;
    }

    /** Register accesses stop: reads return all ones, writes are dropped. */
    void detach() {
        registers.detach();
    }

    /**
     * Gives the device mapping up before the device fd is closed. {@code inPlace}: replace it by
     * anonymous memory at the same address (a device request, with owners possibly still
     * accessing registers); otherwise, or when that fails, unmap it at once.
     */
    void release(boolean inPlace) {
        if (regionRegisters != null) {
            regionRegisters.close();
        }
        if (mapping != null && inPlace && replaceMapping()) {
            // BAR0's address now holds anonymous memory, unmapped at close: a thread that passed
            // the detached check just before cannot fault, and the device file is no longer mapped.
        } else {
            unmap();
        }
    }

    /** At close, after {@link #release}: unmaps the anonymous replacement, if there is one. */
    void close() {
        if (replaced) {
            unmap();
        }
    }

    /**
     * Atomically replaces the BAR0 mapping with private anonymous memory (mmap MAP_FIXED at the
     * same address), which drops the mapping's reference to the device file without leaving an
     * unmapped hole that a concurrent register access could fault on.
     *
     * @return false when that failed (then the caller unmaps)
     */
    private boolean replaceMapping() {
        try {
            MemorySegment r = libc.mmap(mapping, mapping.byteSize(), VfioStructs.PROT_READ | VfioStructs.PROT_WRITE,
                    VfioStructs.MAP_PRIVATE | VfioStructs.MAP_ANONYMOUS | VfioStructs.MAP_FIXED, -1, 0);
            if (r.address() == mapping.address()) {
                replaced = true;
                return true;
            }
            libc.munmap(r, mapping.byteSize());
            LOG.warn("{}: replacing the {} mapping returned another address; unmapping it", address, name);
        } catch (NativeException e) {
            LOG.warn("{}: replacing the {} mapping failed ({}); unmapping it", address, name, e.getMessage());
        }
        return false;
    }

    /** Closes the view of BAR0 (stale accesses throw) and unmaps it (the device mapping, or its replacement). */
    private void unmap() {
        arena.close();
        if (mapping != null) {
            try {
                libc.munmap(mapping, mapping.byteSize());
            } catch (NativeException e) {
                LOG.warn("{}: unmapping {}{}: {}", address, name, replaced ? " (replacement)" : "", e.getMessage());
            }
        }
    }
}
