package dev.nvme4j.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How nvme4j drives a controller: queue sizes, completion mode, timeouts and recovery limits.
 * Immutable and thread-safe; build with {@link #builder()}, defaults with {@link #defaults()}.
 */
public final class ControllerOptions {
    private final int adminQueueDepth;
    private final int ioQueueDepth;
    private final CompletionMode completionMode;
    private final Duration adminTimeout;
    private final Duration ioTimeout;
    private final int retryLimit;
    private final Duration hybridSpin;
    private final boolean hybridSpinAdaptive;
    private final Duration shutdownTimeout;
    private final Duration watchdogPeriod;
    private final int maxIoQueuePairs;
    private final boolean unsafeNoIommu;
    private final long sglThreshold;
    private final boolean shadowDoorbells;
    private final boolean cmbSubmissionQueues;

    private ControllerOptions(Builder b) {
        this.adminQueueDepth = b.adminQueueDepth;
        this.ioQueueDepth = b.ioQueueDepth;
        this.completionMode = b.completionMode;
        this.adminTimeout = b.adminTimeout;
        this.ioTimeout = b.ioTimeout;
        this.retryLimit = b.retryLimit;
        this.hybridSpin = b.hybridSpin;
        this.hybridSpinAdaptive = b.hybridSpinAdaptive;
        this.shutdownTimeout = b.shutdownTimeout;
        this.watchdogPeriod = b.watchdogPeriod;
        this.maxIoQueuePairs = b.maxIoQueuePairs;
        this.unsafeNoIommu = b.unsafeNoIommu;
        this.sglThreshold = b.sglThreshold;
        this.shadowDoorbells = b.shadowDoorbells;
        this.cmbSubmissionQueues = b.cmbSubmissionQueues;
    }

    public static ControllerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Admin queue entries (2 to 4096; default 32). */
    public int adminQueueDepth() {
        return adminQueueDepth;
    }

    /** Default I/O queue entries (default 256, capped by CAP.MQES + 1). */
    public int ioQueueDepth() {
        return ioQueueDepth;
    }

    public CompletionMode completionMode() {
        return completionMode;
    }

    public Duration adminTimeout() {
        return adminTimeout;
    }

    public Duration ioTimeout() {
        return ioTimeout;
    }

    /** How many times a retryable I/O is resubmitted after controller resets. */
    public int retryLimit() {
        return retryLimit;
    }

    /**
     * How long {@link CompletionMode#HYBRID} spins before blocking: the fixed spin, or with
     * {@link #hybridSpinAdaptive()} the longest spin it may learn (default 500 us, adaptive).
     */
    public Duration hybridSpin() {
        return hybridSpin;
    }

    /**
     * Whether {@link CompletionMode#HYBRID} learns its spin from the waits of each queue pair
     * (default true): about the time within which most of that pair's completions arrived (mean
     * plus two mean deviations of the recent waits), at most {@link #hybridSpin()}; when the
     * device's mean wait is longer than that the spin drops to a few microseconds and the owner
     * blocks on the interrupt almost at once, so a slow device does not cost a spinning core.
     * {@link Builder#hybridSpin} sets a fixed spin instead.
     */
    public boolean hybridSpinAdaptive() {
        return hybridSpinAdaptive;
    }

    /**
     * How long close() waits for shutdown to complete (CSTS.SHST = complete after CC.SHN), and
     * separately for the deletion of the I/O queues before it. Used as given whatever RTD3E the
     * controller reports (many report 0). Default 10 s: twice what Linux waits for a controller
     * without RTD3E, as consumer drives may flush a large write cache.
     */
    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** How often the watchdog checks deadlines of queues nobody polls. */
    public Duration watchdogPeriod() {
        return watchdogPeriod;
    }

    /** I/O queue pairs to request with Set Features Number of Queues (default 64). */
    public int maxIoQueuePairs() {
        return maxIoQueuePairs;
    }

    /** VFIO no-IOMMU mode: the device can DMA anywhere. Off unless explicitly enabled. */
    public boolean unsafeNoIommu() {
        return unsafeNoIommu;
    }

    /**
     * Reads and writes of at least this many bytes describe their data with an SGL when the
     * controller supports SGLs (Identify Controller SGLS), smaller ones with PRPs (default 32 KiB,
     * as Linux's sgl_threshold; {@code Long.MAX_VALUE}: PRPs only).
     */
    public long sglThreshold() {
        return sglThreshold;
    }

    /**
     * Use shadow doorbells (Doorbell Buffer Config, admin opcode 7Ch) when the controller offers
     * them (Identify Controller OACS bit 8): the I/O queues' SQ tail and CQ head go to a
     * host-memory buffer and the MMIO doorbell is written only when the controller's EventIdx
     * asks for it. Saves doorbell traps on emulated controllers. Default off: on QEMU 7.2's
     * controller a run with 64 queue pairs stopped making progress with it on (not yet
     * understood), and the gain has not been measured.
     */
    public boolean shadowDoorbells() {
        return shadowDoorbells;
    }

    /**
     * Place the I/O submission queues in the controller's Controller Memory Buffer where it
     * offers one that may hold them (CMBLOC/CMBSZ with CMBSZ.SQS; from NVMe 1.4 enabled through
     * CMBMSC): the CPU writes each command into device memory through the BAR's mapping and the
     * controller fetches it without a DMA read of host memory. Queues that do not fit, and every
     * queue where the CMB is absent, unusable or refused, stay in host memory (logged once).
     * Default off (see docs/PERFORMANCE.md for what it measured).
     */
    public boolean cmbSubmissionQueues() {
        return cmbSubmissionQueues;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.adminQueueDepth = adminQueueDepth;
        b.ioQueueDepth = ioQueueDepth;
        b.completionMode = completionMode;
        b.adminTimeout = adminTimeout;
        b.ioTimeout = ioTimeout;
        b.retryLimit = retryLimit;
        b.hybridSpin = hybridSpin;
        b.hybridSpinAdaptive = hybridSpinAdaptive;
        b.shutdownTimeout = shutdownTimeout;
        b.watchdogPeriod = watchdogPeriod;
        b.maxIoQueuePairs = maxIoQueuePairs;
        b.unsafeNoIommu = unsafeNoIommu;
        b.sglThreshold = sglThreshold;
        b.shadowDoorbells = shadowDoorbells;
        b.cmbSubmissionQueues = cmbSubmissionQueues;
        return b;
    }

    /** Builder; every setter validates its argument and says what is allowed. Not thread-safe. */
    public static final class Builder {
        private int adminQueueDepth = 32;
        private int ioQueueDepth = 256;
        private CompletionMode completionMode = CompletionMode.POLL;
        private Duration adminTimeout = Duration.ofSeconds(10);
        private Duration ioTimeout = Duration.ofSeconds(30);
        private int retryLimit = 3;
        private Duration hybridSpin = Duration.ofNanos(500_000);
        private boolean hybridSpinAdaptive = true;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Duration watchdogPeriod = Duration.ofMillis(100);
        private int maxIoQueuePairs = 64;
        private boolean unsafeNoIommu;
        private long sglThreshold = 32 * 1024;
        private boolean shadowDoorbells = false;
        private boolean cmbSubmissionQueues = false;

        private Builder() {
        }

        public Builder adminQueueDepth(int depth) {
            this.adminQueueDepth = checkRange("adminQueueDepth", depth, 2, 4096);
            return this;
        }

        public Builder ioQueueDepth(int depth) {
            this.ioQueueDepth = checkRange("ioQueueDepth", depth, 2, 65536);
            return this;
        }

        public Builder completionMode(CompletionMode mode) {
            this.completionMode = Objects.requireNonNull(mode, "completionMode");
            return this;
        }

        public Builder adminTimeout(Duration timeout) {
            this.adminTimeout = positive("adminTimeout", timeout);
            return this;
        }

        public Builder ioTimeout(Duration timeout) {
            this.ioTimeout = positive("ioTimeout", timeout);
            return this;
        }

        public Builder retryLimit(int retries) {
            this.retryLimit = checkRange("retryLimit", retries, 0, 100);
            return this;
        }

        /** A fixed {@link CompletionMode#HYBRID} spin (zero: block at once); turns adaptation off. */
        public Builder hybridSpin(Duration spin) {
            Objects.requireNonNull(spin, "hybridSpin");
            if (spin.isNegative()) {
                throw new IllegalArgumentException("hybridSpin must not be negative, got " + spin);
            }
            this.hybridSpin = spin;
            this.hybridSpinAdaptive = false;
            return this;
        }

        /**
         * An adaptive {@link CompletionMode#HYBRID} spin of at most {@code limit} (see
         * {@link ControllerOptions#hybridSpinAdaptive()}); positive, at most 1 s.
         */
        public Builder adaptiveHybridSpin(Duration limit) {
            Objects.requireNonNull(limit, "adaptiveHybridSpin");
            if (limit.isZero() || limit.isNegative() || limit.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("adaptiveHybridSpin limit must be positive and at most 1s, got "
                        + limit);
            }
            this.hybridSpin = limit;
            this.hybridSpinAdaptive = true;
            return this;
        }

        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = positive("shutdownTimeout", timeout);
            return this;
        }

        public Builder watchdogPeriod(Duration period) {
            this.watchdogPeriod = positive("watchdogPeriod", period);
            return this;
        }

        public Builder maxIoQueuePairs(int pairs) {
            this.maxIoQueuePairs = checkRange("maxIoQueuePairs", pairs, 1, 65535);
            return this;
        }

        /** See {@link ControllerOptions#shadowDoorbells()}. */
        public Builder shadowDoorbells(boolean use) {
            this.shadowDoorbells = use;
            return this;
        }

        /** See {@link ControllerOptions#cmbSubmissionQueues()}. */
        public Builder cmbSubmissionQueues(boolean use) {
            this.cmbSubmissionQueues = use;
            return this;
        }

        /** Allows VFIO's no-IOMMU mode, in which the device can reach all of memory. Unsafe. */
        public Builder unsafeNoIommu(boolean allow) {
            this.unsafeNoIommu = allow;
            return this;
        }

        /** See {@link ControllerOptions#sglThreshold()}; at least 1 byte ({@code Long.MAX_VALUE}: never SGLs). */
        public Builder sglThreshold(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("sglThreshold must be at least 1 byte (Long.MAX_VALUE for PRPs only), got "
                        + bytes);
            }
            this.sglThreshold = bytes;
            return this;
        }

        public ControllerOptions build() {
            return new ControllerOptions(this);
        }

        private static int checkRange(String name, int v, int min, int max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + v);
            }
            return v;
        }

        private static Duration positive(String name, Duration d) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }
    }
}
