package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Namespace;
import java.util.Objects;

/**
 * Argument checks of the I/O methods, done before anything reaches the device; each failure
 * names the command, the value and the rule. Stateless; allocation happens only when a check
 * fails.
 */
final class IoArgs {
    /** Largest request, in bytes, one call may move (it is split into MDTS-sized commands). */
    static final long MAX_REQUEST_BYTES = 1L << 31;
    /** NLB is a 16-bit zero-based field (NVM Command Set 3.2.4, figure 43). */
    static final int MAX_BLOCKS_PER_COMMAND = 65536;

    private IoArgs() {
    }

    static void checkRange(String command, Namespace ns, long lba, long blocks) {
        Objects.requireNonNull(ns, "namespace");
        if (blocks <= 0) {
            throw new IllegalArgumentException(command + ": block count must be at least 1, got " + blocks);
        }
        if (blocks * ns.lbaSize() > MAX_REQUEST_BYTES) {
            throw new IllegalArgumentException(command + ": " + blocks + " blocks of " + ns.lbaSize()
                    + " bytes is too large; one request moves at most " + MAX_REQUEST_BYTES + " bytes");
        }
        if (lba < 0 || lba > ns.sizeBlocks() - blocks) {
            throw new IllegalArgumentException(command + ": blocks " + lba + ".." + (lba + blocks - 1)
                    + " are beyond namespace " + ns.nsid() + ", which has " + ns.sizeBlocks() + " blocks (LBA 0.."
                    + (ns.sizeBlocks() - 1) + ")");
        }
    }

    static void checkDataBuffer(String command, DmaBuffer buffer, long bytes) {
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.byteSize() < bytes) {
            throw new IllegalArgumentException(command + ": buffer of " + buffer.byteSize() + " bytes is too small for "
                    + bytes + " bytes");
        }
        checkAlignment(command, buffer);
    }

    static void checkAlignment(String command, DmaBuffer buffer) {
        if ((buffer.iova() & 3) != 0) {
            throw new IllegalArgumentException(command + ": buffer at device address 0x" + Long.toHexString(buffer.iova())
                    + " is not dword aligned; PRP entries need a 4-byte aligned offset (NVMe Base 4.1.1)");
        }
    }
}
