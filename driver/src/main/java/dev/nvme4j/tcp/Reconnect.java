package dev.nvme4j.tcp;

import dev.nvme4j.api.NvmeException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new association after a reset over TCP (admin connection, Connect with CNTLID FFFFh, KATO),
 * retried with back-off (100 ms, doubling up to 2 s) until a bound; then a clear failure naming
 * the attempts, the time and the last attempt's reason.
 */
final class Reconnect {
    private static final Logger LOG = LoggerFactory.getLogger(TcpFunction.class);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

    private Reconnect() {
    }

    /**
     * Associates with {@code subNqn} at {@code address}, retrying until {@code boundNanos} have
     * passed or {@code closed} turns true.
     *
     * @throws NvmeException when no attempt succeeded within the bound
     */
    static TcpController associate(String name, InetSocketAddress address, String subNqn, TcpOptions options,
            int adminRingDepth, long boundNanos, BooleanSupplier closed) {
        long start = System.nanoTime();
        long backoff = FIRST_BACKOFF_NANOS;
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                TcpController a = TcpController.associate(address, subNqn, options, adminRingDepth);
                LOG.info("{}: reconnected (attempt {})", name, attempts);
                return a;
            } catch (TcpTransportException | RuntimeException e) {
                long elapsed = System.nanoTime() - start;
                if (closed.getAsBoolean() || elapsed + backoff > boundNanos) {
                    throw new NvmeException(name + ": reconnecting failed after " + attempts + " attempt(s) in "
                            + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms (bound "
                            + TimeUnit.NANOSECONDS.toMillis(boundNanos) + " ms): " + e.getMessage(), e);
                }
                LOG.warn("{}: reconnect attempt {} failed ({}); next in {} ms", name, attempts, e.getMessage(),
                        TimeUnit.NANOSECONDS.toMillis(backoff));
                sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
        }
    }

    private static void sleep(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeException("interrupted while reconnecting");
        }
    }
}
