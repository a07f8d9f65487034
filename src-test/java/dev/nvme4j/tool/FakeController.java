package dev.nvme4j.tool;

import dev.nvme4j.queue.RegionBuffer;
import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FeatureRestoreFailure;
import dev.nvme4j.api.IoCallback;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.api.Protection;
import dev.nvme4j.api.QueueCounters;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.testutil.PlainDmaAllocator;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small in-memory stand-in for a controller behind the public API, for tool tests that must
 * not depend on the driver core: RAM namespace, completions delivered on the next poll, optional
 * byte flip on reads of chosen LBAs, canned log pages. Not a device model.
 */
public final class FakeController implements Controller {
    private final Namespace ns;
    private final MemorySegment media;
    private final Arena arena = Arena.ofShared();
    private final Set<Long> corruptLbas = ConcurrentHashMap.newKeySet();
    private final AtomicLong completed = new AtomicLong();
    private byte[] smartLog = new byte[512];
    private byte[] errorLog = new byte[64 * 64];
    private volatile boolean closed;
    private volatile String queuePairFailure;

    public FakeController(long blocks, int lbaSize) {
        this.ns = new Namespace(1, lbaSize, 0, blocks, blocks, 0, false, true);
        this.media = arena.allocate(blocks * lbaSize, 4096);
    }

    /** The media's bytes of {@code blocks} blocks at {@code lba} (what the writes left there). */
    public byte[] mediaAt(long lba, int blocks) {
        return media.asSlice(lba * ns.lbaSize(), (long) blocks * ns.lbaSize()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    /** Reads of this LBA return data with its first byte flipped. */
    public void corruptReadAt(long lba) {
        corruptLbas.add(lba);
    }

    private volatile byte[] identifyCtrl;
    private volatile byte[] identifyNs;

    /** Raw Identify Controller and Namespace (nsid 1) data to return; null: not available. */
    public void setIdentify(byte[] ctrl, byte[] ns) {
        this.identifyCtrl = ctrl;
        this.identifyNs = ns;
    }

    public void setLogPages(byte[] smart, byte[] errors) {
        this.smartLog = smart;
        this.errorLog = errors;
    }

    /** Every I/O submitted ({write 1/0, lba, blocks}) when recording; see {@link #recordIos()}. */
    private volatile java.util.List<long[]> ios;

    /** Starts recording the I/Os submitted; returns the (thread-safe) list they go to. */
    public java.util.List<long[]> recordIos() {
        ios = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        return ios;
    }

    /** Makes createQueuePair fail with this message. */
    public void failQueuePairs(String message) {
        this.queuePairFailure = message;
    }

    public boolean isClosed() {
        return closed;
    }

    private final PlainDmaAllocator allocator = new PlainDmaAllocator();

    @Override
    public String address() {
        return "fake";
    }

    @Override
    public ControllerInfo info() {
        return new ControllerInfo(0x1b36, 0x1af4, "FAKE0001", "nvme4j fake", "1.0", 0x20000, 128 * 1024, 1,
                0x0C, 0, false, 4, 4, 1024, 4096, 16, 4);
    }

    @Override
    public ControllerState state() {
        return closed ? ControllerState.CLOSED : ControllerState.READY;
    }

    @Override
    public String failureReason() {
        return null;
    }

    @Override
    public List<Namespace> namespaces() {
        return List.of(ns);
    }

    @Override
    public Namespace namespace(int nsid) {
        if (nsid != 1) {
            throw new IllegalArgumentException("namespace " + nsid + " is not active; active: [1]");
        }
        return ns;
    }

    @Override
    public DmaBuffer allocateBuffer(long bytes) {
        return new RegionBuffer(allocator.allocate(bytes));
    }

    @Override
    public IoQueuePair createQueuePair() {
        return createQueuePair(256, CompletionMode.POLL);
    }

    @Override
    public IoQueuePair createQueuePair(int depth, CompletionMode mode) {
        if (queuePairFailure != null) {
            throw new dev.nvme4j.api.NvmeException(queuePairFailure);
        }
        return new Qp(depth, mode);
    }

    @Override
    public CompletableFuture<Completion> adminPassthrough(RawCommand command, DmaBuffer buffer,
                                                          java.time.Duration timeout) {
        return CompletableFuture.completedFuture(new Completion(Status.of(0, 1, true), 0, 0));
    }

    @Override
    public byte[] getLogPage(int logPageId, int bytes) {
        return getLogPage(logPageId, 0xFFFF_FFFF, 0, bytes);
    }

    @Override
    public byte[] getLogPage(int logPageId, int nsid, long offset, int bytes) {
        byte[] src = logPageId == 2 ? smartLog : errorLog;
        byte[] out = new byte[bytes];
        if (offset < src.length) {
            System.arraycopy(src, (int) offset, out, 0, (int) Math.min(bytes, src.length - offset));
        }
        return out;
    }

    /** Like the admin passthrough: a fake has no raw Identify data (the tool falls back to info()). */
    @Override
    public byte[] identifyController() {
        if (identifyCtrl != null) {
            return identifyCtrl.clone();
        }
        throw NvmeException.forStatus("Identify", Status.of(0, 1, true));
    }

    @Override
    public byte[] identifyNamespace(int nsid) {
        if (identifyNs != null && nsid == 1) {
            return identifyNs.clone();
        }
        throw NvmeException.forStatus("Identify", Status.of(0, 1, true));
    }

    @Override
    public int getFeature(int featureId, int cdw11) {
        return 0;
    }

    @Override
    public dev.nvme4j.api.Management management() {
        throw new UnsupportedOperationException("the fake controller has no management operations");
    }

    @Override
    public int setFeature(int featureId, int cdw11) {
        return 0;
    }

    @Override
    public void setInterruptCoalescing(int aggregationTime100us, int aggregationThreshold) {
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("the tool tests' fake controller has no reset");
    }

    @Override
    public NamespaceChanges rescanNamespaces() {
        return NamespaceChanges.NONE;
    }

    @Override
    public List<FeatureRestoreFailure> featureRestoreFailures() {
        return List.of();
    }

    @Override
    public void setAsyncEventListener(AsyncEventListener listener) {
    }

    @Override
    public ControllerCounters counters() {
        return new ControllerCounters(QueueCounters.ZERO, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void close() {
        closed = true;
    }

    private final class Qp implements IoQueuePair {
        private final int depth;
        private final CompletionMode mode;
        private final ArrayDeque<long[]> pending = new ArrayDeque<>();
        private final ArrayDeque<IoCallback> callbacks = new ArrayDeque<>();
        private long submitted;

        Qp(int depth, CompletionMode mode) {
            this.depth = depth;
            this.mode = mode;
        }

        @Override
        public int queueId() {
            return 1;
        }

        @Override
        public int depth() {
            return depth;
        }

        @Override
        public CompletionMode mode() {
            return mode;
        }

        private boolean submit(boolean write, Namespace n, long lba, int blocks, DmaBuffer buf, IoCallback cb,
                               long tag) {
            if (lba + blocks > ns.sizeBlocks()) {
                throw new IllegalArgumentException("range beyond namespace");
            }
            if (pending.size() >= depth - 1) {
                return false;
            }
            long bytes = (long) blocks * ns.lbaSize();
            if (ios != null) {
                ios.add(new long[] {write ? 1 : 0, lba, blocks});
            }
            MemorySegment m = media.asSlice(lba * ns.lbaSize(), bytes);
            if (write) {
                m.copyFrom(buf.segment().asSlice(0, bytes));
            } else {
                buf.segment().asSlice(0, bytes).copyFrom(m);
                for (int i = 0; i < blocks; i++) {
                    if (corruptLbas.contains(lba + i)) {
                        long off = (long) i * ns.lbaSize();
                        buf.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, off,
                                (byte) ~buf.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, off));
                    }
                }
            }
            pending.add(new long[] {tag});
            callbacks.add(cb);
            submitted++;
            return true;
        }

        @Override
        public boolean read(Namespace n, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata,
                            Protection protection, IoCallback callback, long tag) {
            noMetadata(metadata, protection);
            return submit(false, n, lba, blocks, buffer, callback, tag);
        }

        @Override
        public boolean write(Namespace n, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata,
                             Protection protection, IoCallback callback, long tag) {
            noMetadata(metadata, protection);
            return submit(true, n, lba, blocks, buffer, callback, tag);
        }

        private static void noMetadata(DmaBuffer metadata, Protection protection) {
            if (metadata != null || protection != null) {
                throw new UnsupportedOperationException("the fake controller has no metadata formats");
            }
        }

        @Override
        public long protectionErrorLba() {
            return -1;
        }

        @Override
        public void readSync(Namespace n, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata,
                             Protection protection) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeSync(Namespace n, long lba, int blocks, DmaBuffer buffer, DmaBuffer metadata,
                              Protection protection) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean flush(Namespace n, IoCallback callback, long tag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean writeZeroes(Namespace n, long lba, int blocks, IoCallback callback, long tag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean deallocate(Namespace n, long lba, int blocks, IoCallback callback, long tag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean passthrough(RawCommand command, DmaBuffer buffer, DmaBuffer metadata, IoCallback callback,
                                   long tag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flushSubmissions() {
        }

        @Override
        public int poll(int maxCompletions) {
            int n = 0;
            while (n < maxCompletions && !pending.isEmpty()) {
                long tag = pending.poll()[0];
                callbacks.poll().onComplete(tag, Status.SUCCESS);
                completed.incrementAndGet();
                n++;
            }
            return n;
        }

        @Override
        public int poll() {
            return poll(64);
        }

        @Override
        public int process(Duration timeout) {
            return poll();
        }

        @Override
        public int outstanding() {
            return pending.size();
        }

        @Override
        public boolean drain(Duration timeout) {
            while (!pending.isEmpty()) {
                poll();
            }
            return true;
        }

        @Override
        public void submitReadBlocking(Namespace n, long lba, int blocks, DmaBuffer buffer, IoCallback cb, long tag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void submitWriteBlocking(Namespace n, long lba, int blocks, DmaBuffer buffer, IoCallback cb, long tag) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> readAsync(Namespace n, long lba, int blocks, DmaBuffer buffer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> writeAsync(Namespace n, long lba, int blocks, DmaBuffer buffer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void readSync(Namespace n, long lba, int blocks, DmaBuffer buffer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void writeSync(Namespace n, long lba, int blocks, DmaBuffer buffer) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flushSync(Namespace n) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Completion passthroughSync(RawCommand command, DmaBuffer buffer, DmaBuffer metadata) {
            throw new UnsupportedOperationException();
        }

        @Override
        public QueueCounters counters() {
            return new QueueCounters(submitted, submitted, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        }

        @Override
        public void close() {
        }
    }
}
