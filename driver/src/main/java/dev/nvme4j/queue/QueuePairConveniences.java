package dev.nvme4j.queue;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.Opcodes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The blocking and future-based conveniences of {@link IoQueuePair}, built only on its
 * non-blocking primitives. They allocate (a waiter or a future per call) and are not for the
 * hot path. Same thread model as the primitives: the owner thread only.
 */
abstract class QueuePairConveniences implements IoQueuePair {
    /** Granularity of waiting inside the conveniences. */
    private static final Duration STEP = Duration.ofMillis(10);

    /** LBA of the end-to-end error of the command whose callback runs (-1 when none). */
    private long errorLba = -1;

    abstract long ioTimeoutNanos();

    final void errorLba(long lba) {
        errorLba = lba;
    }

    @Override
    public long protectionErrorLba() {
        return errorLba;
    }

    abstract int lastDw0();

    abstract int lastDw1();

    /** Why the controller failed, or null when it has not. */
    abstract String failureReason();

    @FunctionalInterface
    private interface Submit {
        boolean trySubmit(IoCallback callback, long tag);
    }

    /** Records the one completion of a synchronous call. */
    private final class Waiter implements IoCallback {
        boolean done;
        int status;
        long errorLba;
        int dw0;
        int dw1;

        @Override
        public void onComplete(long tag, int st) {
            done = true;
            status = st;
            errorLba = protectionErrorLba();
            dw0 = lastDw0();
            dw1 = lastDw1();
        }
    }

    private void submitBlocking(String what, Submit submit, IoCallback callback, long tag) {
        long deadline = System.nanoTime() + ioTimeoutNanos();
        while (!submit.trySubmit(callback, tag)) {
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException(what + ": no free queue slot within the I/O timeout ("
                        + Duration.ofNanos(ioTimeoutNanos()) + "); commands are not completing");
            }
            process(STEP);
        }
    }

    private Waiter runSync(String what, Submit submit) {
        Waiter w = new Waiter();
        submitBlocking(what, submit, w, 0);
        long deadline = System.nanoTime() + ioTimeoutNanos() + STEP.toNanos() * 100;
        while (!w.done) {
            if (System.nanoTime() - deadline > 0) {
                throw new NvmeException(what + ": no completion within the I/O timeout");
            }
            process(STEP);
        }
        return w;
    }

    private void runSyncOrThrow(String what, Submit submit) {
        Waiter w = runSync(what, submit);
        if (!Status.isSuccess(w.status)) {
            String failed = failureReason();
            if (failed != null) {
                throw new NvmeException(what + " failed: the controller has failed (" + failed + "); the command"
                        + " never reached the device. Close the controller and open it again", w.status);
            }
            throw NvmeException.forStatus(w.errorLba < 0 ? what : what + " (failing block: LBA " + w.errorLba + ")",
                    w.status);
        }
    }

    @Override
    public void submitReadBlocking(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback,
                                   long tag) {
        submitBlocking(describe("Read", ns, lba, blocks), (cb, t) -> read(ns, lba, blocks, buffer, cb, t),
                callback, tag);
    }

    @Override
    public void submitWriteBlocking(Namespace ns, long lba, int blocks, DmaBuffer buffer, IoCallback callback,
                                    long tag) {
        submitBlocking(describe("Write", ns, lba, blocks), (cb, t) -> write(ns, lba, blocks, buffer, cb, t),
                callback, tag);
    }

    @Override
    public CompletableFuture<Void> readAsync(Namespace ns, long lba, int blocks, DmaBuffer buffer) {
        String what = describe("Read", ns, lba, blocks);
        CompletableFuture<Void> f = new CompletableFuture<>();
        submitReadBlocking(ns, lba, blocks, buffer, futureCallback(what, f), 0);
        return f;
    }

    @Override
    public CompletableFuture<Void> writeAsync(Namespace ns, long lba, int blocks, DmaBuffer buffer) {
        String what = describe("Write", ns, lba, blocks);
        CompletableFuture<Void> f = new CompletableFuture<>();
        submitWriteBlocking(ns, lba, blocks, buffer, futureCallback(what, f), 0);
        return f;
    }

    private static IoCallback futureCallback(String what, CompletableFuture<Void> f) {
        return (tag, status) -> {
            if (Status.isSuccess(status)) {
                f.complete(null);
            } else {
                f.completeExceptionally(NvmeException.forStatus(what, status));
            }
        };
    }

    @Override
    public void readSync(Namespace ns, long lba, int blocks, DmaBuffer buffer) {
        runSyncOrThrow(describe("Read", ns, lba, blocks), (cb, t) -> read(ns, lba, blocks, buffer, cb, t));
    }

    @Override
    public void writeSync(Namespace ns, long lba, int blocks, DmaBuffer buffer) {
        runSyncOrThrow(describe("Write", ns, lba, blocks), (cb, t) -> write(ns, lba, blocks, buffer, cb, t));
    }

    @Override
    public void readSync(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata, Protection pi) {
        runSyncOrThrow(describe("Read", ns, lba, blocks), (cb, t) -> read(ns, lba, blocks, buffer, metadata, pi, cb, t));
    }

    @Override
    public void writeSync(Namespace ns, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata, Protection pi) {
        runSyncOrThrow(describe("Write", ns, lba, blocks),
                (cb, t) -> write(ns, lba, blocks, buffer, metadata, pi, cb, t));
    }

    @Override
    public void flushSync(Namespace ns) {
        runSyncOrThrow("Flush of namespace " + ns.nsid(), (cb, t) -> flush(ns, cb, t));
    }

    @Override
    public Completion passthroughSync(RawCommand command, DmaBuffer buffer, DmaBuffer metadata) {
        Waiter w = runSync(Opcodes.ioName(command.opcode()) + " (passthrough)",
                (cb, t) -> passthrough(command, buffer, metadata, cb, t));
        return new Completion(w.status, w.dw0, w.dw1);
    }

    @Override
    public boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (outstanding() > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            process(Duration.ofNanos(Math.min(left, STEP.toNanos())));
        }
        return true;
    }

    private static String describe(String op, Namespace ns, long lba, int blocks) {
        return op + " of " + blocks + " block(s) at LBA " + lba + " on namespace " + (ns == null ? "?" : ns.nsid());
    }
}
