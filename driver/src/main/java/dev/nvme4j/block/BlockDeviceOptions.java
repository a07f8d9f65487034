package dev.nvme4j.block;

import dev.nvme4j.api.CompletionMode;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * How a {@link BlockDevice} is set up. Immutable and thread-safe; build with {@link #builder()}.
 *
 * @param queuePairs      queue pairs, each with its own owner thread (default: one per core)
 * @param queueDepth      entries of each queue pair
 * @param requestSlots    requests each queue pair has submitted at once (power of two); more
 *                        callers than that wait in line, oldest first (bounded by waitTimeout)
 * @param completionMode  how the owners wait for completions
 * @param bounceBuffers   bounce buffers for heap and non-DMA buffers, shared by all callers
 * @param bounceSize      bytes of each bounce buffer; larger non-DMA transfers go in pieces
 * @param waitTimeout     the longest a caller waits for its I/O (or for a free bounce buffer),
 *                        to within a few milliseconds; the queue pair's own timeouts and
 *                        recovery act well before this
 * @param closeTimeout    how long {@link BlockDevice#close()} lets in-flight I/O finish
 * @param completionExecutor where the futures of the {@code ...Async} methods complete (and
 *                        so where their dependent stages without an executor run): never on a
 *                        thread that drives a queue pair, so a slow stage delays only this
 *                        executor. Default {@link ForkJoinPool#commonPool()}; a stage that blocks
 *                        for long should use its own executor (or pass one here). If it rejects a
 *                        task the future completes on the thread that saw the completion.
 */
public record BlockDeviceOptions(int queuePairs, int queueDepth, int requestSlots, CompletionMode completionMode,
                                 int bounceBuffers, int bounceSize, Duration waitTimeout, Duration closeTimeout,
                                 Executor completionExecutor) {
    public BlockDeviceOptions {
        if (queuePairs < 1) {
            throw new IllegalArgumentException("queuePairs must be at least 1, got " + queuePairs);
        }
        if (queueDepth < 2) {
            throw new IllegalArgumentException("queueDepth must be at least 2, got " + queueDepth);
        }
        if (requestSlots < 1 || Integer.bitCount(requestSlots) != 1) {
            throw new IllegalArgumentException("requestSlots must be a power of two, got " + requestSlots);
        }
        Objects.requireNonNull(completionMode, "completionMode");
        if (bounceBuffers < 1) {
            throw new IllegalArgumentException("bounceBuffers must be at least 1, got " + bounceBuffers);
        }
        if (bounceSize < 4096 || bounceSize % 4096 != 0) {
            throw new IllegalArgumentException("bounceSize must be a positive multiple of 4096, got " + bounceSize);
        }
        if (waitTimeout == null || waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new IllegalArgumentException("waitTimeout must be positive, got " + waitTimeout);
        }
        if (closeTimeout == null || closeTimeout.isNegative()) {
            throw new IllegalArgumentException("closeTimeout must not be negative, got " + closeTimeout);
        }
        Objects.requireNonNull(completionExecutor, "completionExecutor");
    }

    /** The defaults: see {@link Builder}. */
    public static BlockDeviceOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder; every setter checks nothing, {@link #build()} checks everything. */
    public static final class Builder {
        private int queuePairs = Runtime.getRuntime().availableProcessors();
        private int queueDepth = 256;
        private int requestSlots = 256;
        private CompletionMode completionMode = CompletionMode.HYBRID;
        private int bounceBuffers = 32;
        private int bounceSize = 128 * 1024;
        private Duration waitTimeout = Duration.ofSeconds(120);
        private Duration closeTimeout = Duration.ofSeconds(5);
        private Executor completionExecutor = ForkJoinPool.commonPool();

        private Builder() {
        }

        public Builder queuePairs(int v) { queuePairs = v; return this; }

        public Builder queueDepth(int v) { queueDepth = v; return this; }

        public Builder requestSlots(int v) { requestSlots = v; return this; }

        public Builder completionMode(CompletionMode v) { completionMode = v; return this; }

        public Builder bounceBuffers(int v) { bounceBuffers = v; return this; }

        public Builder bounceSize(int v) { bounceSize = v; return this; }

        public Builder waitTimeout(Duration v) { waitTimeout = v; return this; }

        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }

        public Builder completionExecutor(Executor v) { completionExecutor = v; return this; }

        public BlockDeviceOptions build() {
            return new BlockDeviceOptions(queuePairs, queueDepth, requestSlots, completionMode, bounceBuffers,
                    bounceSize, waitTimeout, closeTimeout, completionExecutor);
        }
    }
}
