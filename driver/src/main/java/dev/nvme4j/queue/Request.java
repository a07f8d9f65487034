package dev.nvme4j.queue;

import dev.nvme4j.api.IoCallback;

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
    int lbaSize;
    /** Blocks per device command for this request. */
    int chunkBlocks;
    long nextLba;
    long nextIova;
    long blocksLeft;
    int partsInFlight;
    /** First error status of any part (0 while all succeeded). */
    int status;
    int dw0;
    int dw1;

    Request(int index) {
        this.index = index;
    }
}
