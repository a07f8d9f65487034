package dev.nvme4j.api;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * How nvme4j connects to a controller over NVMe/TCP ({@code Nvme.open("tcp://HOST:PORT/SUBNQN",
 * ...)}): the host's identity, digests, Keep Alive and the bounds of connecting and reconnecting.
 * Queue count and depth are the {@link ControllerOptions}' ({@code maxIoQueuePairs},
 * {@code ioQueueDepth}), as for PCIe. Immutable and thread-safe; {@link #builder()}.
 */
public final class FabricsOptions {
    private final String hostNqn;
    private final UUID hostId;
    private final boolean headerDigest;
    private final boolean dataDigest;
    private final Duration keepAlive;
    private final Duration connectTimeout;
    private final Duration reconnectTimeout;
    private final boolean disableSqFlowControl;

    private FabricsOptions(Builder b) {
        this.hostNqn = b.hostNqn;
        this.hostId = b.hostId;
        this.headerDigest = b.headerDigest;
        this.dataDigest = b.dataDigest;
        this.keepAlive = b.keepAlive;
        this.connectTimeout = b.connectTimeout;
        this.reconnectTimeout = b.reconnectTimeout;
        this.disableSqFlowControl = b.disableSqFlowControl;
    }

    public static FabricsOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The host NQN sent in every Connect; null: {@code nqn.2014-08.org.nvmexpress:uuid:<hostId>}. */
    public String hostNqn() {
        return hostNqn;
    }

    /** The host identifier sent in every Connect (default: a random UUID per options object). */
    public UUID hostId() {
        return hostId;
    }

    /** Ask for CRC32C header digests (default off). */
    public boolean headerDigest() {
        return headerDigest;
    }

    /** Ask for CRC32C data digests (default off). */
    public boolean dataDigest() {
        return dataDigest;
    }

    /** The Keep Alive Timeout sent in the admin Connect; Keep Alive goes out at half of it (default 10 s; 0: none). */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Bound on each TCP connect, ICReq/ICResp and Fabrics Connect (default 5 s). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * How long a reset keeps trying to reconnect (with back-off from 100 ms, doubling up to 2 s)
     * before the controller is failed (default 10 s).
     */
    public Duration reconnectTimeout() {
        return reconnectTimeout;
    }

    /**
     * Ask, in each I/O queue's Connect, for SQ flow control to be disabled (Fabrics CATTR bit 2,
     * as {@code nvme connect --disable-sqflow}; default off). The controller then reports no SQ
     * head the host needs (the driver never has more commands outstanding than the queue holds)
     * and may complete a read with its last C2HData PDU (SUCCESS flag) instead of a separate
     * CapsuleResp: one PDU less per read.
     */
    public boolean disableSqFlowControl() {
        return disableSqFlowControl;
    }

    /** Builder; every setter validates its argument. Not thread-safe. */
    public static final class Builder {
        private String hostNqn;
        private UUID hostId = UUID.randomUUID();
        private boolean headerDigest;
        private boolean dataDigest;
        private Duration keepAlive = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration reconnectTimeout = Duration.ofSeconds(10);
        private boolean disableSqFlowControl;

        private Builder() {
        }

        /** At most 223 bytes (Base 4.5); null for the UUID-based default. */
        public Builder hostNqn(String nqn) {
            if (nqn != null && (nqn.isEmpty() || nqn.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 223)) {
                throw new IllegalArgumentException("host NQN must be 1..223 bytes, got '" + nqn + "'");
            }
            this.hostNqn = nqn;
            return this;
        }

        public Builder hostId(UUID id) {
            this.hostId = Objects.requireNonNull(id, "hostId");
            return this;
        }

        public Builder headerDigest(boolean on) {
            this.headerDigest = on;
            return this;
        }

        public Builder dataDigest(boolean on) {
            this.dataDigest = on;
            return this;
        }

        /** 0 disables Keep Alive; otherwise at least 1 s (whole milliseconds, at most 1 h). */
        public Builder keepAlive(Duration kato) {
            Objects.requireNonNull(kato, "keepAlive");
            if (!kato.isZero() && (kato.toMillis() < 1000 || kato.toMillis() > 3_600_000)) {
                throw new IllegalArgumentException("keep-alive timeout must be 0 or 1 s..1 h, got " + kato);
            }
            this.keepAlive = kato;
            return this;
        }

        public Builder disableSqFlowControl(boolean on) {
            this.disableSqFlowControl = on;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        public Builder reconnectTimeout(Duration timeout) {
            this.reconnectTimeout = positive("reconnectTimeout", timeout);
            return this;
        }

        public FabricsOptions build() {
            return new FabricsOptions(this);
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
