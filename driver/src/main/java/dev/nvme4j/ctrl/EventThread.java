package dev.nvme4j.ctrl;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread that delivers asynchronous events (one per controller, daemon, started at the
 * first event): it reads each event's log page and calls the application's listener, so a slow
 * listener or a slow Get Log Page never holds up the watchdog (failure detection, recovery,
 * resets) or close. Events wait for it in {@link AsyncEvents}' bounded queue, other listener
 * calls (namespace changes) in its own, bounded the same way.
 *
 * <p>Thread-safe.
 */
final class EventThread implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventThread.class);
    /** Longest park between looks at the queue when no signal came (a lost unpark costs this). */
    private static final long IDLE_NANOS = 100_000_000L;
    /** How long close waits for a listener call in progress before it goes on without it. */
    private static final long STOP_WAIT_MILLIS = 100;

    private final String address;
    private final ControllerStats stats;
    private final Runnable deliverEvents;
    private final ArrayBlockingQueue<Runnable> calls = new ArrayBlockingQueue<>(AsyncEvents.EVENT_QUEUE_CAPACITY);
    private Thread thread;
    private volatile boolean running = true;

    /** {@code deliverEvents}: delivers the queued events, each round before the other calls. */
    EventThread(String address, ControllerStats stats, Runnable deliverEvents) {
        this.address = address;
        this.stats = stats;
        this.deliverEvents = deliverEvents;
    }

    /** An event was queued: starts the thread if needed and wakes it. Any thread. */
    synchronized void signal() {
        if (!running) {
            return;
        }
        if (thread == null) {
            thread = Thread.ofPlatform().daemon().name("nvme4j-events-" + address).unstarted(this);
            thread.start();
        }
        LockSupport.unpark(thread);
    }

    /**
     * Queues a listener call other than an event's; when {@value AsyncEvents#EVENT_QUEUE_CAPACITY}
     * are waiting for a slow listener, it is dropped (counted as a dropped event, logged).
     */
    void post(Runnable call) {
        if (!calls.offer(call)) {
            stats.asyncEventsDropped.increment();
            LOG.warn("{}: the async event listener is behind by {} calls; dropping a namespace change notice",
                    address, calls.size());
            return;
        }
        signal();
    }

    boolean running() {
        return running;
    }

    /**
     * Stops delivery: no listener is called after this returns, except one whose call is already
     * in progress and outlasts a short wait (it is not waited for; the thread ends after it).
     */
    void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        LockSupport.unpark(t);
        try {
            t.join(STOP_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("{}: the async event listener has not returned; closing without waiting for it", address);
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                deliverEvents.run();
                Runnable call;
                while (running && (call = calls.poll()) != null) {
                    call.run();
                }
            } catch (RuntimeException e) {
                LOG.error("{}: async event delivery failed", address, e);
            }
            LockSupport.parkNanos(IDLE_NANOS);
        }
    }
}
