package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.dma.DmaAllocator;
import dev.nvme4j.dma.DmaException;
import dev.nvme4j.queue.RegionBuffer;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.ValueLayout;

/**
 * The controller's synchronous admin work over its {@link AdminQueue}: commands whose error
 * statuses throw (naming the command), internal DMA buffers, commands that read data back, and
 * Set Features recorded for restoring after a reset. Thread-safe (the admin queue is locked).
 */
final class AdminOps {
    private final String address;
    private final AdminQueue admin;
    private final DmaAllocator dma;
    private final long timeoutNanos;
    private final Health health;
    private final FeatureRecord features;

    AdminOps(String address, AdminQueue admin, DmaAllocator dma, long timeoutNanos, Health health,
             FeatureRecord features) {
        this.address = address;
        this.admin = admin;
        this.dma = dma;
        this.timeoutNanos = timeoutNanos;
        this.health = health;
        this.features = features;
    }

    /** Runs an admin command synchronously; error statuses throw, naming the command. */
    Completion sync(RawCommand command, DmaBuffer buffer) {
        return sync(command, buffer, -1);
    }

    /** As {@link #sync(RawCommand, DmaBuffer)} with the command's own {@code timeout} (null: the admin timeout). */
    Completion syncWithin(RawCommand command, DmaBuffer buffer, java.time.Duration timeout) {
        return checked(command, admin.execute(command, buffer, -1, timeout != null ? timeout.toNanos() : timeoutNanos));
    }

    /** As {@link #sync(RawCommand, DmaBuffer)} with PRP1 pointing at a queue ring. */
    Completion sync(RawCommand command, DmaBuffer buffer, long ringIova) {
        return checked(command, admin.execute(command, buffer, ringIova, timeoutNanos));
    }

    /** {@code c}, or the NvmeException naming the command when its status is an error. */
    private static Completion checked(RawCommand command, Completion c) {
        if (!c.isSuccess()) {
            throw NvmeException.forStatus(Opcodes.adminName(command.opcode()), c.status());
        }
        return c;
    }

    /**
     * A DMA buffer for the driver's own admin data, not registered as the application's.
     *
     * @throws NvmeException when no DMA memory is left (the internal exception is its cause)
     */
    DmaBuffer allocateInternal(long bytes) {
        try {
            return new RegionBuffer(dma.allocate(bytes));
        } catch (DmaException e) {
            throw new NvmeException("cannot allocate a DMA buffer of " + bytes + " bytes for an admin command on "
                    + address + ": " + e.getMessage(), e);
        }
    }

    /** Runs an admin command that transfers {@code bytes} to the host and returns them. */
    byte[] read(RawCommand command, int bytes) {
        health.checkAccepting();
        try (DmaBuffer buf = allocateInternal(bytes)) {
            buf.segment().fill((byte) 0);
            sync(command, buf);
            return buf.segment().asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Get Log Page with the API's argument checks. */
    byte[] getLogPage(int logPageId, int nsid, long offset, int bytes) {
        if (logPageId < 0 || logPageId > 0xFF) {
            throw new IllegalArgumentException("log page identifier must be 0..255, got " + logPageId);
        }
        if (bytes <= 0 || bytes % 4 != 0 || bytes > Identification.ADMIN_MAX_TRANSFER) {
            throw new IllegalArgumentException("log page size must be a positive multiple of 4 up to "
                    + Identification.ADMIN_MAX_TRANSFER + ", got " + bytes);
        }
        if (offset < 0 || offset % 4 != 0) {
            throw new IllegalArgumentException("log page offset must be a non-negative multiple of 4, got " + offset);
        }
        return read(AdminCommands.getLogPage(logPageId, bytes, nsid, offset), bytes);
    }

    /** Set Features, recorded so every reset sets it again; error statuses throw, naming the command. */
    int setRecordedFeature(int cdw10, int cdw11) {
        FeatureRecord.Entry previous = features.recordSet(cdw10, cdw11);
        try {
            return sync(AdminCommands.setFeatures(cdw10, cdw11), null).dw0();
        } catch (RuntimeException e) {
            features.undo(cdw10, cdw11, previous);
            throw e;
        }
    }
}
