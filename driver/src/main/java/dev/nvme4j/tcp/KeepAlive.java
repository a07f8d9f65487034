package dev.nvme4j.tcp;

import dev.nvme4j.api.Status;
import dev.nvme4j.spec.NvmeRegs;
import dev.nvme4j.spec.Opcodes;
import dev.nvme4j.spec.Sqe;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Keep Alive timer of one {@link TcpController} (Base 5.24): a daemon thread sends Keep Alive
 * on the admin queue every KATO / 2, serialised with the other admin commands on the admin queue's
 * monitor, but only while the controller is enabled: from the CSTS read that shows RDY after CC.EN
 * was set, until CC.EN is cleared or a shutdown is asked for (CC.SHN). A fabrics target rejects
 * every admin command but the Fabrics ones while CC.EN is 0 (Command Sequence Error), and nvmet
 * clears CC at a shutdown; the association's Connect comes before the enable, and the driver over
 * {@link TcpFunction} enables it later, so the timer runs from the Connect and skips meanwhile.
 * A Keep Alive (or Property Get/Set) not answered within the KATO (or the I/O timeout, if
 * shorter) fails the admin connection ("keep-alive timeout"): the driver then resets, that is
 * reconnects. No timer when KATO is 0.
 */
final class KeepAlive {
    private static final Logger log = LoggerFactory.getLogger(TcpController.class);

    private final TcpQueue admin;
    /** The controller's admin SQE scratch; used under the admin queue's monitor. */
    private final MemorySegment sqe;
    private final TcpOptions options;
    private final String subNqn;
    private ScheduledExecutorService timer;
    /** CC was last written with EN set and SHN clear; under the admin queue's monitor. */
    private boolean ccEnabled;
    /** Enabled and seen ready: Keep Alive goes out; under the admin queue's monitor. */
    private boolean live;
    /** Under the admin queue's monitor. */
    private int sent;
    /** Timer runs so far, whether they sent a Keep Alive or not; written by the timer thread only. */
    private volatile int ticks;

    KeepAlive(TcpQueue admin, MemorySegment sqe, TcpOptions options, String subNqn) {
        this.admin = admin;
        this.sqe = sqe;
        this.options = options;
        this.subNqn = subNqn;
    }

    /** A Property Set of {@code offset} to {@code value} is about to go out; under the admin queue's monitor. */
    void propertyWritten(int offset, long value) {
        if (offset == NvmeRegs.CC) {
            ccEnabled = NvmeRegs.ccEn((int) value) && ((value >>> NvmeRegs.CC_SHN_SHIFT) & 3) == 0;
            live &= ccEnabled;
        }
    }

    /** A Property Get of {@code offset} returned {@code value} (its low 4 bytes); under the admin queue's monitor. */
    void propertyRead(int offset, long value) {
        if (offset == NvmeRegs.CSTS && ccEnabled) {
            live = (value & NvmeRegs.CSTS_RDY) != 0 && (value & NvmeRegs.CSTS_CFS) == 0;
        }
    }

    /** The controller was found enabled and ready; under the admin queue's monitor. */
    void enabled() {
        ccEnabled = true;
        live = true;
    }

    /** No more Keep Alive (closing); under the admin queue's monitor. */
    void disabled() {
        ccEnabled = false;
        live = false;
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

    int ticks() {
        return ticks;
    }

    /** Keep Alive (Base 5.24): resets the controller's KATO timer. */
    private void send() {
        ticks++;
        try {
            synchronized (admin) {
                if (!live || admin.failure() != null) {
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
