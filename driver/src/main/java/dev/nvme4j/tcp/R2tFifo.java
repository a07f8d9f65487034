package dev.nvme4j.tcp;

import java.io.IOException;

/**
 * The R2Ts of one {@link TcpQueue} waiting to be answered by H2CData, in arrival order: a ring of
 * at most one per CID (MAXR2T is 1), allocated once.
 */
final class R2tFifo {
    private final int[] cid;
    private final int[] ttag;
    private final int[] offset;
    private final int[] length;
    private int head;
    private int count;

    R2tFifo(int depth) {
        cid = new int[depth];
        ttag = new int[depth];
        offset = new int[depth];
        length = new int[depth];
    }

    void add(int c, int t, int off, int len) {
        int i = (head + count) % cid.length;
        cid[i] = c;
        ttag[i] = t;
        offset[i] = off;
        length[i] = len;
        count++;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** The oldest R2T's fields; valid until {@link #remove()}. */
    int cid() {
        return cid[head];
    }

    int ttag() {
        return ttag[head];
    }

    int offset() {
        return offset[head];
    }

    int length() {
        return length[head];
    }

    void remove() {
        head = (head + 1) % cid.length;
        count--;
    }

    /**
     * Answers every waiting R2T with H2CData PDUs of at most {@code maxH2cData} bytes from the
     * command's buffer; returns the number of PDUs queued on {@code sender}.
     */
    int answerAll(PduSender sender, CommandSlots slots, int maxH2cData, long deadline) throws IOException {
        int pdus = 0;
        while (count > 0) {
            int c = cid[head];
            int t = ttag[head];
            int off = offset[head];
            int len = length[head];
            remove();
            int sent = 0;
            while (sent < len) {
                int n = Math.min(len - sent, maxH2cData);
                boolean last = sent + n == len;
                sender.h2cData(c, t, off + sent, slots.buffers[c], slots.bufferOffsets[c], n, last, deadline);
                pdus++;
                sent += n;
            }
            slots.transferred[c] += len;
            slots.r2tPending[c] = false;
        }
        return pdus;
    }

    void clear() {
        count = 0;
    }
}
