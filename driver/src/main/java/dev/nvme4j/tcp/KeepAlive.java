package dev.nvme4j.tcp;

import dev.nvme4j.api.Status;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Keep Alive timer of one {@link TcpController} (Base 5.24): a daemon thread sends Keep Alive
 * on the admin queue every KATO / 2, serialised with the other admin commands on the admin queue's
 * monitor. A Keep Alive (or Property Get/Set) not answered within the KATO (or the I/O timeout, if shorter) fails the
 * admin connection ("keep-alive timeout"): the driver then resets, that is reconnects. No timer
 * when KATO is 0.
 */
final class KeepAlive {
    private static final Logger log = LoggerFactory.getLogger(TcpController.class);

    private final TcpQueue admin;
    /** The controller's admin SQE scratch; used under the admin queue's monitor. */
    private final MemorySegment sqe;
    private final TcpOptions options;
    private final String subNqn;
    private final BooleanSupplier closed;
    private ScheduledExecutorService timer;
    /** Under the admin queue's monitor. */
    private int sent;

    KeepAlive(TcpQueue admin, MemorySegment sqe, TcpOptions options, String subNqn, BooleanSupplier closed) {
        this.admin = admin;
        this.sqe = sqe;
        this.options = options;
        this.subNqn = subNqn;
        this.closed = closed;
    }

    void start() {
        int kato = options.keepAliveMillis();
        if (kato == 0) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nvme4j-tcp-keepalive-" + subNqn);
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, kato / 2);
        timer.scheduleWithFixedDelay(this::send, period, period, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Keep Alives sent so far; under the admin queue's monitor. */
    int sent() {
        return sent;
    }

    /** Keep Alive (Base 5.24): resets the controller's KATO timer. */
    private void send() {
        try {
            synchronized (admin) {
                if (closed.getAsBoolean() || admin.failure() != null) {
                    return;
                }
                Sqe.clear(sqe, 0);
                Sqe.putInt(sqe, 0, Sqe.OFF_CDW0, Opcodes.ADMIN_KEEP_ALIVE);
                int status = admin.execute(sqe, null, 0, 0, TcpQueue.DIR_NONE, options.keepAliveBoundNanos());
                if (status != Status.SUCCESS) {
                    log.warn("Keep Alive to {} failed: {}", subNqn, Status.describe(status));
                }
                sent++;
            }
        } catch (TcpTransportException | RuntimeException e) {
            log.warn("Keep Alive to {} failed: {}", subNqn, e.getMessage());
        }
    }
}
