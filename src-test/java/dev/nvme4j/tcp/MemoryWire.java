package dev.nvme4j.tcp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * An in-memory {@link Wire} for the codec's tests: what the test {@link #feed feeds} is read back
 * at most {@link #maxRead} bytes per read (1 splits every PDU into single bytes); what the host
 * writes is collected in {@link #written}, at most {@link #maxWrite} bytes per write.
 */
class MemoryWire implements Wire {
    private final ByteArrayOutputStream incoming = new ByteArrayOutputStream();
    private int readPos;
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    int maxRead = Integer.MAX_VALUE;
    int maxWrite = Integer.MAX_VALUE;
    boolean eof;
    boolean closed;

    void feed(byte[] bytes) {
        incoming.writeBytes(bytes);
    }

    @Override
    public int read(ByteBuffer dst) {
        byte[] all = incoming.toByteArray();
        int n = Math.min(Math.min(all.length - readPos, dst.remaining()), maxRead);
        if (n == 0) {
            return eof && readPos == all.length ? -1 : 0;
        }
        dst.put(all, readPos, n);
        readPos += n;
        return n;
    }

    @Override
    public int write(ByteBuffer src) {
        int n = Math.min(src.remaining(), maxWrite);
        byte[] b = new byte[n];
        src.get(b);
        written.writeBytes(b);
        return n;
    }

    int writeOnlyWaits;
    int readOrWriteWaits;

    @Override
    public boolean await(boolean forWrite, long deadlineNanos) {
        if (forWrite) {
            readOrWriteWaits++;
        }
        return incoming.size() > readPos || forWrite || eof;
    }

    @Override
    public boolean awaitWritableOnly(long deadlineNanos) {
        writeOnlyWaits++;
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }

    byte[] takeWritten() {
        byte[] b = written.toByteArray();
        written.reset();
        return b;
    }
}
