package dev.nvme4j.ctrl;

import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.NvmeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Work an application thread asks for that must run on the watchdog thread, where resets,
 * deadline checks and async event delivery run, so it never races them: the caller queues it,
 * wakes the watchdog and waits, bounded, for the result. Called from the watchdog thread itself
 * (an async event listener), the work runs at once. Thread-safe.
 */
final class WatchdogWork {
    /** How often a waiting caller looks whether the controller was closed meanwhile. */
    private static final long POLL_NANOS = 20_000_000L;

    private record Task<T>(Supplier<T> work, CompletableFuture<T> done) {
        void run() {
            try {
                done.complete(work.get());
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }
    }

    private final String address;
    private final Health health;
    private final Runnable wakeWatchdog;
    private final ConcurrentLinkedQueue<Task<?>> pending = new ConcurrentLinkedQueue<>();

    WatchdogWork(String address, Health health, Runnable wakeWatchdog) {
        this.address = address;
        this.health = health;
        this.wakeWatchdog = wakeWatchdog;
    }

    /**
     * Runs {@code work} on the watchdog thread and returns its result, or throws what it threw.
     *
     * @param what       for messages, e.g. "the controller reset"
     * @param boundNanos how long to wait at most
     * @throws IllegalStateException when the controller is closed before the work ran or finished
     * @throws NvmeException         when it did not finish within {@code boundNanos}
     */
    <T> T call(String what, Supplier<T> work, long boundNanos, boolean onWatchdogThread) {
        if (onWatchdogThread) {
            return work.get();
        }
        Task<T> task = new Task<>(work, new CompletableFuture<>());
        pending.add(task);
        wakeWatchdog.run();
        long deadline = System.nanoTime() + boundNanos;
        while (true) {
            try {
                return task.done().get(POLL_NANOS, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (health.state() == ControllerState.CLOSED) {
                    pending.remove(task);
                    throw new IllegalStateException("controller " + address + " was closed during " + what);
                }
                if (System.nanoTime() - deadline > 0) {
                    pending.remove(task);
                    throw new NvmeException(what + " on " + address + " did not finish within "
                            + TimeUnit.NANOSECONDS.toMillis(boundNanos) + " ms (state " + health.state() + ")");
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof RuntimeException r ? r : new NvmeException(what + " failed", cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pending.remove(task);
                throw new NvmeException("interrupted while waiting for " + what + " on " + address, e);
            }
        }
    }

    /** Runs the queued work, oldest first; on the watchdog thread. */
    void runPending() {
        Task<?> t;
        while ((t = pending.poll()) != null) {
            t.run();
        }
    }
}
