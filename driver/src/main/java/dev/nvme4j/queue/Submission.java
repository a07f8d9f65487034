package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.dma.DmaRegion;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.PiTuple;
import java.util.Objects;

/**
 * The submit path of one queue pair, written once for every kind of command: the owner gate,
 * the open check, the argument checks of the kind, the request slot (or "queue full"), the
 * failed-controller path, then the command's parts. Allocation-free; owned by the thread
 * holding the pair's gate.
 */
final class Submission {
    /** The opcode {@link #submit} takes for a passthrough command. */
    static final int PASSTHROUGH = -1;

    private final IoQueuePairImpl pair;
    private final QueueHost host;
    private final CommandQueue queue;
    private final OwnerGate gate;
    private final RequestSlots slots;
    private final PendingRequests pending;
    private final CommandWriter writer;
    private final long maxTransfer;
    /**
     * The last buffer region {@link QueueHost#checkBuffer} accepted: later buffers of the same
     * live region skip the controller's set lookup (a hash lookup per I/O otherwise). A region
     * leaves the controller's set only when freed, which {@link DmaRegion#isLive} shows.
     */
    private DmaRegion verifiedRegion;
    /** The stride {@link #chunkBlocksOfStride} was computed for (0: none yet; a stride is at least 1). */
    private int chunkStride;
    private int chunkBlocksOfStride;

    Submission(IoQueuePairImpl pair, QueueHost host, CommandQueue queue, OwnerGate gate, RequestSlots slots,
               PendingRequests pending, CommandWriter writer) {
        this.pair = pair;
        this.host = host;
        this.queue = queue;
        this.gate = gate;
        this.slots = slots;
        this.pending = pending;
        this.writer = writer;
        this.maxTransfer = host.maxTransferBytes();
    }

    /**
     * Submits one command: {@code opcode} is an NVM opcode (read, write, flush, write zeroes,
     * dataset management) or {@link #PASSTHROUGH} with {@code raw}; the arguments a kind does
     * not use are ignored. False when the queue is full.
     */
    boolean submit(int opcode, Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta, Protection pi,
                   RawCommand raw, IoCallback callback, long tag) {
        gate.enter();
        try {
            checkOpen();
            checkArguments(opcode, ns, lba, blocks, buffer, meta, pi, raw);
            Request r = opcode == PASSTHROUGH ? start(callback, tag, PASSTHROUGH, raw.nsid())
                    : start(callback, tag, opcode, ns.nsid());
            if (r == null) {
                return false;
            }
            if (r.status == 0) { // on a failed controller the request is accepted: the next poll fails it
                prepare(r, opcode, ns, lba, blocks, buffer, meta, pi, raw);
            }
            return true;
        } finally {
            gate.exit();
        }
    }

    private void checkArguments(int opcode, Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta,
                                Protection pi, RawCommand raw) {
        switch (opcode) {
            case PASSTHROUGH -> checkPassthrough(raw, buffer, meta);
            case Opcodes.NVM_FLUSH -> {
                Objects.requireNonNull(ns, "namespace");
                host.checkNamespace(ns);
            }
            case Opcodes.NVM_WRITE_ZEROES, Opcodes.NVM_DATASET_MANAGEMENT -> {
                String name = Opcodes.ioName(opcode);
                (opcode == Opcodes.NVM_WRITE_ZEROES ? OptionalCommand.WRITE_ZEROES : OptionalCommand.DATASET_MANAGEMENT)
                        .require(host.oncs() & 0xFFFF);
                IoArgs.checkRange(name, ns, lba, blocks);
                host.checkNamespace(ns);
            }
            default -> { // read, write
                String name = Opcodes.ioName(opcode);
                IoArgs.checkRange(name, ns, lba, blocks);
                host.checkNamespace(ns);
                MetadataIo.checkBuffers(name, ns, blocks, buffer, meta, pi, host);
                checkBuffer(buffer);
            }
        }
    }

    private void checkPassthrough(RawCommand command, DmaBuffer buffer, DmaBuffer metadata) {
        Objects.requireNonNull(command, "command");
        if (metadata != null) {
            if (queue.sglOnly()) {
                throw new IllegalArgumentException(Opcodes.ioName(command.opcode()) + " (passthrough): NVMe over"
                        + " Fabrics has no separate metadata buffer (MPTR is reserved); send it without one");
            }
            host.checkBuffer(metadata);
            if ((metadata.iova() & 3) != 0) {
                throw new IllegalArgumentException(Opcodes.ioName(command.opcode()) + " (passthrough): metadata"
                        + " buffer at device address 0x" + Long.toHexString(metadata.iova()) + " is not dword"
                        + " aligned (MPTR, NVMe Base 4.1)");
            }
        }
        if (buffer != null) {
            host.checkBuffer(buffer);
            IoArgs.checkAlignment(Opcodes.ioName(command.opcode()), buffer);
            if (buffer.byteSize() > maxTransfer) {
                throw new IllegalArgumentException("passthrough of " + buffer.byteSize() + " bytes exceeds the "
                        + "controller's maximum transfer of " + maxTransfer + " bytes (MDTS); passthrough is not split");
            }
        }
    }

    private void prepare(Request r, int opcode, Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer meta,
                         Protection pi, RawCommand raw) {
        switch (opcode) {
            case PASSTHROUGH -> {
                Tracker t = queue.acquire();
                writer.writePassthrough(t, raw, buffer, meta);
                r.blocksLeft = 0;
                r.partsInFlight = 1;
                t.owner = r.index;
                return;
            }
            case Opcodes.NVM_FLUSH -> {
                r.blocksLeft = 1;
                r.chunkBlocks = 1;
            }
            case Opcodes.NVM_WRITE_ZEROES, Opcodes.NVM_DATASET_MANAGEMENT -> {
                r.nextLba = lba;
                r.blocksLeft = blocks;
                r.chunkBlocks = opcode == Opcodes.NVM_WRITE_ZEROES ? IoArgs.MAX_BLOCKS_PER_COMMAND : blocks;
                // Write Zeroes on a PI namespace: PRACT, so the controller writes valid PI (guard of
                // the zeroes, application tag 0, reference tags from EILBRT = the LBA) and reads with
                // PI checks pass; without it the PI is all zeros (NVM Command Set, Write Zeroes).
                r.metaStride = 0;
                r.prinfo = opcode == Opcodes.NVM_WRITE_ZEROES && ns.hasProtection() ? PiTuple.PRACT : 0;
                r.cdw15 = 0;
            }
            default -> {
                int stride = MetadataIo.dataStride(ns, pi);
                MetadataIo.prepare(r, opcode == Opcodes.NVM_WRITE, ns, lba, blocks, buffer, meta, pi, stride,
                        chunkBlocks(stride));
            }
        }
        issue(r);
    }

    /**
     * {@link MetadataIo#chunkBlocks} for {@code stride}, kept for the last stride asked: a queue
     * pair's reads and writes nearly always have one stride, and the answer is a 64-bit division.
     */
    private int chunkBlocks(int stride) {
        if (stride != chunkStride) {
            chunkBlocksOfStride = MetadataIo.chunkBlocks(maxTransfer, stride);
            chunkStride = stride;
        }
        return chunkBlocksOfStride;
    }

    private void checkBuffer(DmaBuffer buffer) {
        DmaRegion region = RegionBuffer.regionOf(buffer);
        if (region != verifiedRegion || !region.isLive()) {
            host.checkBuffer(buffer);
            verifiedRegion = region;
        }
    }

    private void checkOpen() {
        if (pair.closed) {
            String why = pair.closedBecause;
            throw new IllegalStateException("I/O queue pair " + queue.qid() + " is closed"
                    + (why == null ? "" : ": " + why));
        }
        host.checkAccepting();
    }

    /**
     * Takes a request slot, or returns null (counted) when the queue is full. On a failed
     * controller the command never reaches the device, so only a request slot is needed (the
     * SQ of a dead device never drains): the request comes back with its status already set to
     * {@link QueueHost#failureStatus()}, and the next poll completes it.
     */
    private Request start(IoCallback callback, long tag, int opcode, int nsid) {
        Objects.requireNonNull(callback, "callback");
        boolean failed = host.isFailed();
        if (!slots.hasFree() || !failed && (!pending.isEmpty() || !queue.hasRoom())) {
            queue.stats().countQueueFull();
            return null;
        }
        Request r = slots.take(callback, tag, opcode, nsid);
        if (failed) {
            int status = host.failureStatus();
            r.status = status;
            pair.hostFailed(status);
        }
        return r;
    }

    /** Issues as many parts of {@code r} as the queue has room for; queues the rest. */
    void issue(Request r) {
        while (r.blocksLeft > 0) {
            Tracker t = queue.acquire();
            if (t == null) {
                pending.append(r);
                return;
            }
            t.owner = r.index;
            int chunk = (int) Math.min(r.blocksLeft, r.chunkBlocks);
            writer.writePart(t, r, chunk);
            r.partsInFlight++;
            r.blocksLeft -= chunk;
            r.nextLba += chunk;
            r.nextIova += (long) chunk * r.lbaSize;
        }
    }
}
