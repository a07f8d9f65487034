package dev.nvme4j.tcp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A non-blocking TCP connection with its own selector, so that every wait has a deadline
 * (a blocking {@link SocketChannel} ignores socket timeouts). TCP_NODELAY: PDUs are batched by
 * the sender, not by Nagle's algorithm.
 */
final class SocketWire implements Wire {
    private final SocketChannel channel;
    /**
     * The one key needs no handling: select with an action rather than through selectedKeys(),
     * whose set would allocate an entry for the key on every wake-up (per I/O in steady state).
     */
    private static final Consumer<SelectionKey> IGNORE_KEY = k -> { };

    private final Selector selector;
    private final SelectionKey key;

    private SocketWire(SocketChannel channel, Selector selector, SelectionKey key) {
        this.channel = channel;
        this.selector = selector;
        this.key = key;
    }

    /** Connects to {@code address} within {@code timeoutNanos}. */
    static SocketWire connect(InetSocketAddress address, long timeoutNanos) throws TcpTransportException {
        if (address.isUnresolved()) {
            throw new TcpTransportException(TcpTransportException.Kind.CONNECTION,
                    "cannot resolve host '" + address.getHostString() + "': give an IP address or a resolvable name");
        }
        SocketChannel ch = null;
        Selector sel = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            sel = Selector.open();
            SelectionKey key = ch.register(sel, SelectionKey.OP_CONNECT);
            long deadline = System.nanoTime() + timeoutNanos;
            if (!ch.connect(address)) {
                while (!ch.finishConnect()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TcpTransportException(TcpTransportException.Kind.TIMEOUT, "no TCP connection to "
                                + address + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                                + " ms: check the address, the port and that the target is up");
                    }
                    sel.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                    sel.selectedKeys().clear();
                }
            }
            key.interestOps(SelectionKey.OP_READ);
            return new SocketWire(ch, sel, key);
        } catch (TcpTransportException e) {
            closeQuietly(ch, sel);
            throw e;
        } catch (ConnectException e) {
            closeQuietly(ch, sel);
            throw new TcpTransportException(TcpTransportException.Kind.CONNECTION, "connection to " + address
                    + " refused: no NVMe/TCP target listens there (check --traddr/--trsvcid, or the port's setup)", e);
        } catch (IOException e) {
            closeQuietly(ch, sel);
            throw new TcpTransportException(TcpTransportException.Kind.CONNECTION,
                    "cannot connect to " + address + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public boolean await(boolean forWrite, long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        int ops = forWrite ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (key.interestOps() != ops) {
            key.interestOps(ops);
        }
        int n = selector.select(IGNORE_KEY, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
        return n > 0 || deadlineNanos - System.nanoTime() > 0;
    }

    @Override
    public boolean awaitWritableOnly(long deadlineNanos) throws IOException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        key.interestOps(SelectionKey.OP_WRITE);
        try {
            int n = selector.select(IGNORE_KEY, Math.max(1, TimeUnit.NANOSECONDS.toMillis(left + 999_999)));
            return n > 0 || deadlineNanos - System.nanoTime() > 0;
        } finally {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    @Override
    public boolean shortReadTakesAll() {
        return true;
    }

    /** A no-op once the selector is closed. */
    @Override
    public void wakeUp() {
        selector.wakeup();
    }

    @Override
    public void close() {
        closeQuietly(channel, selector);
    }

    private static void closeQuietly(SocketChannel ch, Selector sel) {
        try {
            if (sel != null) {
                sel.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do
        }
        try {
            if (ch != null) {
                ch.close();
            }
        } catch (IOException ignored) {
            // closing: nothing left to do
        }
    }
}
