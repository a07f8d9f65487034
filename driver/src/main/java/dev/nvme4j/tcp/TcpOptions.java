package dev.nvme4j.tcp;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * How the host connects to an NVMe/TCP controller. Immutable; {@link #defaults()} then the
 * {@code with...} methods.
 *
 * @param hostNqn        the host's NQN (Connect data); by default derived from {@code hostId}
 * @param hostId         the host identifier (Connect data)
 * @param headerDigest   ask for header digests (CRC32C over every PDU header)
 * @param dataDigest     ask for data digests (CRC32C over every PDU's data)
 * @param keepAliveMillis the Keep Alive Timeout sent in the admin Connect; Keep Alive commands go
 *                       out at half of it; 0 disables both
 * @param connectTimeoutNanos bound on the TCP connect, ICReq/ICResp and each Fabrics Connect
 * @param ioTimeoutNanos bound on a blocked send and on each synchronous command
 * @param bufferBytes    size of each queue's send and receive buffer
 * @param disableSqFlowControl ask, in each I/O queue's Connect, for SQ flow control to be disabled
 *                       (Fabrics 3.3 CATTR bit 2); controllers may then complete reads by C2HData
 *                       with the SUCCESS flag instead of a CapsuleResp
 */
public record TcpOptions(String hostNqn, UUID hostId, boolean headerDigest, boolean dataDigest, int keepAliveMillis,
        long connectTimeoutNanos, long ioTimeoutNanos, int bufferBytes, boolean disableSqFlowControl) {

    public TcpOptions {
        Objects.requireNonNull(hostId, "hostId");
        hostNqn = Fabrics.checkNqn("host NQN", hostNqn == null ? Fabrics.hostNqnFor(hostId) : hostNqn);
        if (keepAliveMillis < 0) {
            throw new IllegalArgumentException("keep-alive timeout " + keepAliveMillis + " ms is negative");
        }
        if (connectTimeoutNanos <= 0 || ioTimeoutNanos <= 0) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (bufferBytes < 4096 || bufferBytes > (64 << 20)) {
            throw new IllegalArgumentException("buffer of " + bufferBytes + " bytes outside 4 KiB..64 MiB");
        }
    }

    /** A random host ID, header and data digests off, a 30 s Keep Alive Timeout, 10 s bounds, 128 KiB buffers. */
    public static TcpOptions defaults() {
        return new TcpOptions(null, UUID.randomUUID(), false, false, 30_000,
                TimeUnit.SECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(10), 128 * 1024, false);
    }

    public TcpOptions withHost(String nqn, UUID id) {
        return new TcpOptions(nqn, id, headerDigest, dataDigest, keepAliveMillis, connectTimeoutNanos, ioTimeoutNanos,
                bufferBytes, disableSqFlowControl);
    }

    public TcpOptions withDigests(boolean header, boolean data) {
        return new TcpOptions(hostNqn, hostId, header, data, keepAliveMillis, connectTimeoutNanos, ioTimeoutNanos,
                bufferBytes, disableSqFlowControl);
    }

    public TcpOptions withKeepAliveMillis(int millis) {
        return new TcpOptions(hostNqn, hostId, headerDigest, dataDigest, millis, connectTimeoutNanos, ioTimeoutNanos,
                bufferBytes, disableSqFlowControl);
    }

    public TcpOptions withTimeouts(long connect, long io, TimeUnit unit) {
        return new TcpOptions(hostNqn, hostId, headerDigest, dataDigest, keepAliveMillis, unit.toNanos(connect),
                unit.toNanos(io), bufferBytes, disableSqFlowControl);
    }

    public TcpOptions withBufferBytes(int bytes) {
        return new TcpOptions(hostNqn, hostId, headerDigest, dataDigest, keepAliveMillis, connectTimeoutNanos,
                ioTimeoutNanos, bytes, disableSqFlowControl);
    }

    public TcpOptions withSqFlowControlDisabled(boolean disabled) {
        return new TcpOptions(hostNqn, hostId, headerDigest, dataDigest, keepAliveMillis, connectTimeoutNanos,
                ioTimeoutNanos, bufferBytes, disabled);
    }

    /**
     * The bound on a Property Get/Set and a Keep Alive: the KATO when there is one (unanswered that
     * long, the controller has ended the association too: a keep-alive timeout), at most the I/O
     * timeout.
     */
    public long keepAliveBoundNanos() {
        long kato = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
        return kato > 0 ? Math.min(ioTimeoutNanos, kato) : ioTimeoutNanos;
    }
}
