package dev.nvme4j.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The byte stream under one queue's PDUs: a non-blocking socket in production, in-memory pipes in
 * the codec's tests. Reads and writes never block; the waits take a deadline.
 */
interface Wire extends AutoCloseable {
    /** Reads what is available into {@code dst}; returns the bytes read, -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes what the stream takes now from {@code src}; returns the bytes written. */
    int write(ByteBuffer src) throws IOException;

    /**
     * Waits until the stream is readable, or writable too when {@code forWrite}, or until
     * {@code deadlineNanos} ({@link System#nanoTime()}); returns false on timeout.
     */
    boolean await(boolean forWrite, long deadlineNanos) throws IOException;

    /**
     * Waits until the stream is writable, ignoring readability: for a writer that cannot read
     * meanwhile (a write from inside the read path), so that pending input does not turn the
     * wait into a spin. False on timeout.
     */
    default boolean awaitWritableOnly(long deadlineNanos) throws IOException {
        return await(true, deadlineNanos);
    }

    /**
     * True when a read that returned less than the room it was given took everything available
     * (a socket): the reader then need not read again to learn that nothing is left, one system
     * call less per poll.
     */
    default boolean shortReadTakesAll() {
        return false;
    }

    /** Makes a thread blocked in {@link #await} return now (any thread). */
    default void wakeUp() {
    }

    @Override
    void close();
}
