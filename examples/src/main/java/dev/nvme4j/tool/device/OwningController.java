package dev.nvme4j.tool.device;

import dev.nvme4j.api.AsyncEventListener;
import dev.nvme4j.api.Completion;
import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.Controller;
import dev.nvme4j.api.ControllerCounters;
import dev.nvme4j.api.ControllerInfo;
import dev.nvme4j.api.ControllerState;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.FeatureRestoreFailure;
import dev.nvme4j.api.IoQueuePair;
import dev.nvme4j.api.Namespace;
import dev.nvme4j.api.NamespaceChanges;
import dev.nvme4j.api.RawCommand;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A controller that also owns what lies under it (the embedded mock device): closing it closes
 * the controller first, then the owned resource. Every other call is passed through.
 */
final class OwningController implements Controller {
    private final Controller delegate;
    private final AutoCloseable owned;

    OwningController(Controller delegate, AutoCloseable owned) {
        this.delegate = delegate;
        this.owned = owned;
    }

    @Override
    public String address() {
        return delegate.address();
    }

    @Override
    public ControllerInfo info() {
        return delegate.info();
    }

    @Override
    public ControllerState state() {
        return delegate.state();
    }

    @Override
    public String failureReason() {
        return delegate.failureReason();
    }

    @Override
    public List<Namespace> namespaces() {
        return delegate.namespaces();
    }

    @Override
    public Namespace namespace(int nsid) {
        return delegate.namespace(nsid);
    }

    @Override
    public DmaBuffer allocateBuffer(long bytes) {
        return delegate.allocateBuffer(bytes);
    }

    @Override
    public IoQueuePair createQueuePair() {
        return delegate.createQueuePair();
    }

    @Override
    public IoQueuePair createQueuePair(int depth, CompletionMode mode) {
        return delegate.createQueuePair(depth, mode);
    }

    @Override
    public CompletableFuture<Completion> adminPassthrough(RawCommand command, DmaBuffer buffer,
                                                          java.time.Duration timeout) {
        return delegate.adminPassthrough(command, buffer, timeout);
    }

    @Override
    public byte[] getLogPage(int logPageId, int bytes) {
        return delegate.getLogPage(logPageId, bytes);
    }

    @Override
    public byte[] getLogPage(int logPageId, int nsid, long offset, int bytes) {
        return delegate.getLogPage(logPageId, nsid, offset, bytes);
    }

    @Override
    public byte[] identifyController() {
        return delegate.identifyController();
    }

    @Override
    public byte[] identifyNamespace(int nsid) {
        return delegate.identifyNamespace(nsid);
    }

    @Override
    public int getFeature(int featureId, int cdw11) {
        return delegate.getFeature(featureId, cdw11);
    }

    @Override
    public dev.nvme4j.api.Management management() {
        return delegate.management();
    }

    @Override
    public int setFeature(int featureId, int cdw11) {
        return delegate.setFeature(featureId, cdw11);
    }

    @Override
    public void setInterruptCoalescing(int aggregationTime100us, int aggregationThreshold) {
        delegate.setInterruptCoalescing(aggregationTime100us, aggregationThreshold);
    }

    @Override
    public void reset() {
        delegate.reset();
    }

    @Override
    public NamespaceChanges rescanNamespaces() {
        return delegate.rescanNamespaces();
    }

    @Override
    public List<FeatureRestoreFailure> featureRestoreFailures() {
        return delegate.featureRestoreFailures();
    }

    @Override
    public void setAsyncEventListener(AsyncEventListener listener) {
        delegate.setAsyncEventListener(listener);
    }

    @Override
    public ControllerCounters counters() {
        return delegate.counters();
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + delegate.address() + ": " + e.getMessage(), e);
            }
        }
    }
}
