package dev.nvme4j.sys;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real eventfds through the C library. */
class EventFdTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void signalThenAwaitFiresAndConsumes() {
        try (EventFd event = EventFd.create()) {
            assertTrue(event.fd() >= 0);
            event.signal();
            assertTrue(event.await(SECOND));
            assertEquals(0, event.drain(), "await consumed the count");
        }
    }

    @Test
    void awaitTimesOutWhenNotSignalled() {
        try (EventFd event = EventFd.create()) {
            long start = System.nanoTime();
            assertFalse(event.await(TimeUnit.MILLISECONDS.toNanos(30)));
            long waited = System.nanoTime() - start;
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(30), "waited only " + waited + " ns");
            assertFalse(event.await(0), "a zero timeout only checks");
        }
    }

    @Test
    void drainReturnsAccumulatedCount() {
        try (EventFd event = EventFd.create()) {
            assertEquals(0, event.drain(), "non-blocking read of an empty counter");
            event.signal();
            event.signal();
            event.signal();
            assertEquals(3, event.drain());
            assertEquals(0, event.drain());
        }
    }

    @Test
    void signalFromAnotherThreadWakesAwait() {
        try (EventFd event = EventFd.create()) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> event.await(-1));
                Thread.sleep(20);
                event.signal();
                assertTrue(waiter.get(5, TimeUnit.SECONDS));
            });
        }
    }

    @Test
    void closeIsIdempotent() {
        EventFd event = EventFd.create();
        event.close();
        event.close();
        assertTrue(event.toString().endsWith("closed]"), event.toString());
    }

    @Test
    void awaitAnyReportsAndConsumesExactlyTheSignalledOnes() {
        try (EventFd a = EventFd.create(); EventFd b = EventFd.create(); EventFd c = EventFd.create()) {
            assertEquals(0, EventFd.awaitAny(0, a, b, c), "nothing signalled");
            b.signal();
            c.signal();
            c.signal();
            assertEquals(0b110, EventFd.awaitAny(1_000_000_000L, a, b, c));
            assertEquals(0, b.drain(), "consumed");
            assertEquals(0, c.drain(), "consumed");
            long start = System.nanoTime();
            assertEquals(0, EventFd.awaitAny(50_000_000L, a, b, c));
            assertTrue(System.nanoTime() - start >= 45_000_000L, "waited for the timeout");
        }
    }

    @Test
    void awaitAnyWakesWhenAnotherThreadSignals() {
        try (EventFd a = EventFd.create(); EventFd b = EventFd.create()) {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                Thread t = new Thread(() -> {
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    a.signal();
                });
                t.start();
                assertEquals(0b01, EventFd.awaitAny(-1, a, b));
                t.join();
            });
        }
    }
}
