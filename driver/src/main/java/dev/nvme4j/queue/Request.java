package dev.nvme4j.queue;

import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.Protection;

/**
 * One user-visible command of a queue pair: a read or write that may be split into several
 * device commands when it exceeds MDTS, and that completes once. Preallocated (one per
 * tracker) and reused; owned by the queue pair's owner thread.
 */
final class Request {
    final int index;
    int nextFree = -1;
    /** Next request waiting to issue its remaining parts (FIFO), -1 at the end. */
    int nextPending = -1;
    boolean busy;

    IoCallback callback;
    long tag;
    int opcode;
    int nsid;
    /** Bytes per block in the data buffer (the block size, plus the metadata of an extended LBA). */
    int lbaSize;
    /** Blocks per device command for this request. */
    int chunkBlocks;
    long nextLba;
    long nextIova;
    long blocksLeft;
    int partsInFlight;
    /** Separate metadata: bytes per block and the device address of the next part's (0: none). */
    int metaStride;
    long nextMetaIova;
    /** PRACT/PRCHK bits of CDW12 and LBATM/LBAT of CDW15 of every part ({@link MetadataIo}). */
    int prinfo;
    int cdw15;
    /** LBA named by an end-to-end error (the failing block, or the failing command's first), -1 none. */
    long errorLba = -1;
    /** Set for reads whose PI the driver checks at completion; the rest describes the whole read. */
    Protection hostCheck;
    Namespace ns;
    long firstLba;
    int blocks;
    DmaBuffer data;
    DmaBuffer metadata;
    /** First error status of any part (0 while all succeeded). */
    int status;
    int dw0;
    int dw1;

    /** The LBA named by an end-to-end error of this request (or -1), cleared for the next use. */
    long takeErrorLba() {
        long lba = errorLba;
        errorLba = -1;
        return lba;
    }

    Request(int index) {
        this.index = index;
    }
}
