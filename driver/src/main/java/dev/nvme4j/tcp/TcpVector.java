package dev.nvme4j.tcp;

import dev.nvme4j.device.InterruptVector;
import java.nio.channels.ClosedSelectorException;
import java.util.concurrent.locks.LockSupport;

/**
 * What stands in for I/O queue {@code index}'s MSI-X vector over TCP: the readability of the
 * queue's connection. {@link #await} blocks in the connection's selector until the target sends
 * something (a CapsuleResp, C2HData, an R2T), so {@code CompletionMode.INTERRUPT} and the blocking
 * half of {@code HYBRID} sleep instead of spinning, as the kernel's host does in its socket
 * callbacks. The queue's connection is looked up on every wait: a reset replaces it. Between a
 * reset's disconnect and reconnect there is no connection; the owner then parks until
 * {@link #wakeUp} (the reset wakes every pair when it is done) or the timeout.
 *
 * <p>Allocation-free; thread-safe.
 */
final class TcpVector implements InterruptVector {
    /** Where the vector finds its queue's current link. */
    interface Links {
        /** The link of queue {@code qid}, or null while it has none. */
        RingLink link(int qid);
    }

    private final Links links;
    private final int index;
    private volatile Thread parked;

    TcpVector(Links links, int index) {
        this.links = links;
        this.index = index;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean await(long timeoutNanos) {
        RingLink l = links.link(index);
        if (l != null && !l.failed()) {
            try {
                return l.conn.await(System.nanoTime() + timeoutNanos);
            } catch (ClosedSelectorException e) {
                // the link was closed under the wait (a reset): wait for the reset as below
            }
        }
        parked = Thread.currentThread();
        try {
            if (links.link(index) == l) {
                LockSupport.parkNanos(this, timeoutNanos);
            }
        } finally {
            parked = null;
        }
        return false;
    }

    /**
     * Readiness is level-triggered: no signal is ever pending or lost, and a completion found
     * after a timed-out wait arrived after it. Reports one so that the driver counts no missed
     * interrupt for it.
     */
    @Override
    public long drain() {
        return 1;
    }

    @Override
    public void wakeUp() {
        RingLink l = links.link(index);
        if (l != null) {
            l.conn.wakeUp();
        }
        Thread t = parked;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }
}
