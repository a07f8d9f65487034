package dev.nvme4j.device;

import dev.nvme4j.sys.EventFd;
import dev.nvme4j.sys.LibC;

/**
 * The interrupts of a PCI function itself, beside the MSI-X vectors of its queues, each carried
 * by an eventfd: the <em>device request</em> (VFIO's {@code VFIO_PCI_REQ_IRQ_INDEX}: the kernel
 * wants the device back because it is being hot-unplugged, unbound from vfio-pci or removed, and
 * waits until every file descriptor of the device is closed) and the <em>error</em> interrupt
 * ({@code VFIO_PCI_ERR_IRQ_INDEX}: PCIe Advanced Error Reporting saw an uncorrectable error).
 * Either may be absent when the function or the kernel does not offer it. The host waits for
 * both at once in {@link #await}; the device side (VFIO's kernel or the mock) signals them.
 *
 * <p>Thread-safe; {@link #close()} must not race with {@link #await} (the eventfd numbers could
 * be reused).
 */
public final class DeviceEvents implements AutoCloseable {
    /** Bit of {@link #await}'s result: the kernel requested the device. */
    public static final int REMOVAL_REQUEST = 1;
    /** Bit of {@link #await}'s result: the error interrupt fired. */
    public static final int ERROR = 2;
    /** A function with neither interrupt. */
    public static final DeviceEvents NONE = new DeviceEvents(null, null, null);

    private final EventFd request;
    private final EventFd error;
    /** Wakes a thread blocked in {@link #await} (for shutdown). */
    private final EventFd wake;
    /** What {@link #await} polls: the wake-up first, then the interrupts present. */
    private final EventFd[] polled;
    /** The result bit of each of {@link #polled}. */
    private final int[] bits;

    private DeviceEvents(EventFd request, EventFd error, EventFd wake) {
        this.request = request;
        this.error = error;
        this.wake = wake;
        if (wake == null) {
            polled = new EventFd[0];
            bits = new int[0];
        } else if (request != null && error != null) {
            polled = new EventFd[] {wake, request, error};
            bits = new int[] {0, REMOVAL_REQUEST, ERROR};
        } else {
            polled = new EventFd[] {wake, request != null ? request : error};
            bits = new int[] {0, request != null ? REMOVAL_REQUEST : ERROR};
        }
    }

    /**
     * Creates the events through {@code libc}: one eventfd for each interrupt offered.
     *
     * @return {@link #NONE} when neither is offered
     */
    public static DeviceEvents create(LibC libc, boolean withRequest, boolean withError) {
        EventFd request = withRequest ? EventFd.create(libc) : null;
        try {
            return of(libc, request, withError ? EventFd.create(libc) : null);
        } catch (RuntimeException e) {
            if (request != null) {
                request.close();
            }
            throw e;
        }
    }

    /**
     * The events over eventfds already wired to the device (created through {@code libc});
     * either may be null. Takes ownership of them.
     *
     * @return {@link #NONE} when both are null
     */
    public static DeviceEvents of(LibC libc, EventFd request, EventFd error) {
        if (request == null && error == null) {
            return NONE;
        }
        return new DeviceEvents(request, error, EventFd.create(libc));
    }

    /** {@return whether the function offers the device request interrupt} */
    public boolean hasRemovalRequest() {
        return request != null;
    }

    /** {@return whether the function offers the error interrupt} */
    public boolean hasError() {
        return error != null;
    }

    /** {@return the device request eventfd, for wiring it to the device; null when absent} */
    public EventFd removalRequestFd() {
        return request;
    }

    /** {@return the error eventfd, for wiring it to the device; null when absent} */
    public EventFd errorFd() {
        return error;
    }

    /**
     * Blocks until an interrupt fires, {@link #wakeUp} is called or the timeout passes.
     *
     * @return {@link #REMOVAL_REQUEST} and/or {@link #ERROR} for what fired (consumed), 0 on a
     *     wake-up or timeout
     * @throws IllegalStateException on {@link #NONE}, which has nothing to wait for
     */
    public int await(long timeoutNanos) {
        if (wake == null) {
            throw new IllegalStateException("this function has no device request or error interrupt to wait for");
        }
        int ready = EventFd.awaitAny(timeoutNanos, polled);
        int fired = 0;
        for (int i = 0; i < polled.length; i++) {
            if ((ready & (1 << i)) != 0) {
                fired |= bits[i];
            }
        }
        return fired;
    }

    /** Wakes a thread blocked in {@link #await} (it returns 0). */
    public void wakeUp() {
        if (wake != null) {
            wake.signal();
        }
    }

    /** Device side: the kernel requests the device back. */
    public void signalRemovalRequest() {
        if (request != null) {
            request.signal();
        }
    }

    /** Device side: an uncorrectable PCIe error was reported. */
    public void signalError() {
        if (error != null) {
            error.signal();
        }
    }

    /** Closes the eventfds; idempotent. */
    @Override
    public void close() {
        for (EventFd e : polled) {
            e.close();
        }
    }

    @Override
    public String toString() {
        return "DeviceEvents[request=" + (request != null) + ", error=" + (error != null) + "]";
    }
}
