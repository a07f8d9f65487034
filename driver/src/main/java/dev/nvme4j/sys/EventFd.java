package dev.nvme4j.sys;

import dev.nvme4j.sys.gen.NativeLib;
import dev.nvme4j.sys.gen.pollfd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Linux eventfd: a kernel counter that one side increments ({@link #signal()}) and another
 * side waits on and consumes ({@link #await}, {@link #drain()}).
 *
 * <p>It carries MSI-X interrupts: with VFIO the kernel signals it when the device raises the
 * vector ({@code VFIO_DEVICE_SET_IRQS} with {@code VFIO_IRQ_SET_DATA_EVENTFD}); the in-process
 * mock controller signals it itself. Either way the waiting side is the same.
 *
 * <p>The fd is created non-blocking, so reads never block and waiting is done with
 * {@code poll}, which is what makes timeouts possible. It is close-on-exec so it does not leak
 * into child processes.
 *
 * <p>Thread-safe: any thread may signal, await or drain; each wait or drain uses its own buffers
 * (a signal writes one shared, never-written increment).
 * {@link #close()} is idempotent, but must not race with the other methods (the fd number could
 * be reused by the kernel for another file).
 */
public final class EventFd implements AutoCloseable {

    private static final int FLAGS = NativeLib.EFD_NONBLOCK() | NativeLib.EFD_CLOEXEC();
    private static final short POLLIN = (short) NativeLib.POLLIN();
    private static final short POLL_BROKEN = (short) (NativeLib.POLLERR() | NativeLib.POLLNVAL());
    private static final long NANOS_PER_MILLI = 1_000_000L;
    /** The 8-byte increment every signal writes; only ever read (by write(2)), so one for all threads. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final LibC libc;
    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventFd(LibC libc, int fd) {
        this.libc = libc;
        this.fd = fd;
    }

    /** {@return a new non-blocking, close-on-exec eventfd with a zero counter} */
    public static EventFd create() {
        return create(LibC.system());
    }

    /** {@return a new non-blocking, close-on-exec eventfd created through {@code libc}} */
    public static EventFd create(LibC libc) {
        return new EventFd(libc, libc.eventfd(0, FLAGS));
    }

    /** {@return the file descriptor, e.g. to hand to {@code VFIO_DEVICE_SET_IRQS}} */
    public int fd() {
        return fd;
    }

    /** Adds one to the counter, waking a thread blocked in {@link #await}. Allocates nothing. */
    public void signal() {
        libc.write(fd, ONE);
    }

    /**
     * Waits until the counter is non-zero or the timeout passes, and consumes it.
     *
     * @param timeoutNanos how long to wait; 0 checks without waiting, negative waits forever
     * @return true if it had been signalled (the count is consumed), false on timeout or if
     *     another thread consumed the count first
     */
    public boolean await(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            int ready = pollOnce(remainingMillis(timeoutNanos, deadline));
            if (ready > 0) {
                return drain() > 0;
            }
            if (ready == 0 && (timeoutNanos >= 0 && System.nanoTime() - deadline >= 0)) {
                return false;
            }
            // ready < 0: interrupted by a signal; wait for the rest of the time.
        }
    }

    /**
     * Consumes the counter without blocking.
     *
     * @return the count consumed, 0 if none was pending
     */
    public long drain() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ValueLayout.JAVA_LONG);
            libc.read(fd, value);
            return value.get(ValueLayout.JAVA_LONG, 0);
        } catch (NativeException e) {
            if (e.errno() == NativeException.EAGAIN) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Waits until at least one of {@code events} is signalled or the timeout passes, and
     * consumes the counters of those that were. All of them must have been created through the
     * same {@link LibC}.
     *
     * @param timeoutNanos how long to wait; 0 checks without waiting, negative waits forever
     * @return a bit mask: bit {@code i} is set when {@code events[i]} had been signalled (its
     *     count is consumed); 0 on timeout
     * @throws IllegalArgumentException when no event or more than 31 are given
     */
    public static int awaitAny(long timeoutNanos, EventFd... events) {
        if (events.length == 0 || events.length > 31) {
            throw new IllegalArgumentException("awaitAny takes 1 to 31 events, got " + events.length);
        }
        long deadline = System.nanoTime() + timeoutNanos;
        LibC libc = events[0].libc;
        while (true) {
            int ready;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment fds = pollfd.allocateArray(events.length, arena);
                for (int i = 0; i < events.length; i++) {
                    MemorySegment entry = pollfd.asSlice(fds, i);
                    pollfd.fd(entry, events[i].fd);
                    pollfd.events(entry, POLLIN);
                }
                try {
                    ready = libc.poll(fds, events.length, remainingMillis(timeoutNanos, deadline));
                } catch (NativeException e) {
                    if (e.errno() != NativeException.EINTR) {
                        throw e;
                    }
                    ready = -1;
                }
                if (ready > 0) {
                    int mask = 0;
                    for (int i = 0; i < events.length; i++) {
                        short revents = pollfd.revents(pollfd.asSlice(fds, i));
                        if ((revents & POLL_BROKEN) != 0) {
                            throw new IllegalStateException(events[i] + " cannot be waited on (poll revents 0x"
                                    + Integer.toHexString(revents) + "): it was closed");
                        }
                        if ((revents & POLLIN) != 0 && events[i].drain() > 0) {
                            mask |= 1 << i;
                        }
                    }
                    if (mask != 0) {
                        return mask;
                    }
                }
            }
            if (timeoutNanos >= 0 && System.nanoTime() - deadline >= 0) {
                return 0;
            }
            // interrupted by a signal, or another thread consumed the counts: wait for the rest of the time
        }
    }

    /** Closes the fd; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            libc.close(fd);
        }
    }

    @Override
    public String toString() {
        return "EventFd[fd=" + fd + (closed.get() ? ", closed]" : "]");
    }

    /** {@return poll's result, or -1 if it was interrupted (EINTR)} */
    private int pollOnce(int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment entry = arena.allocate(pollfd.layout());
            pollfd.fd(entry, fd);
            pollfd.events(entry, POLLIN);
            return libc.poll(entry, 1, timeoutMillis);
        } catch (NativeException e) {
            if (e.errno() == NativeException.EINTR) {
                return -1;
            }
            throw e;
        }
    }

    /** Rounds up so a short non-zero timeout still waits rather than degrading to a busy check. */
    private static int remainingMillis(long timeoutNanos, long deadline) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long left = Math.max(0, deadline - System.nanoTime());
        long millis = left / NANOS_PER_MILLI + (left % NANOS_PER_MILLI == 0 ? 0 : 1);
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
