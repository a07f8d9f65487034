package dev.nvme4j.tcp;

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

    void clear() {
        count = 0;
    }
}
