package dev.nvme4j.ctrl;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.queue.DeadlineCheck;
import dev.nvme4j.queue.HybridSpin;
import dev.nvme4j.queue.QueueHost;
import dev.nvme4j.queue.QueuePairControl;

/**
 * Creates one I/O queue pair on the controller: memory first, then Create I/O Completion Queue,
 * then Create I/O Submission Queue (Base 3.5.1 step 9: a CQ must exist before an SQ names it),
 * undoing what was done if a step fails. Called under the queue pairs' lock.
 */
final class QueuePairBuilder {
    private final AdminOps ops;
    private final QueueFactory queues;
    private final ShadowDoorbellSetup shadow;
    private final long hybridSpinNanos;
    private final boolean hybridSpinAdaptive;
    private final QueueHost host;
    private final DeadlineCheck deadlines;

    QueuePairBuilder(ControllerParts p, QueueHost host, DeadlineCheck deadlines) {
        this.ops = p.adminOps();
        this.queues = p.ioQueues();
        this.shadow = p.shadow();
        this.hybridSpinNanos = p.options().hybridSpin().toNanos();
        this.hybridSpinAdaptive = p.options().hybridSpinAdaptive();
        this.host = host;
        this.deadlines = deadlines;
    }

    /** {@code vector}: null for a polled pair. */
    QueuePairControl create(int qid, int depth, CompletionMode mode, InterruptVector vector) {
        QueueFactory.Built built = queues.build(qid, depth);
        try {
            built.queue().attachShadow(shadow.pages(), false);
            createOnDevice(built, qid, depth, vector);
        } catch (RuntimeException e) {
            queues.free(built);
            throw e;
        }
        HybridSpin spin = hybridSpinAdaptive ? HybridSpin.adaptive(hybridSpinNanos) : HybridSpin.fixed(hybridSpinNanos);
        return QueuePairControl.create(host, built.queue(), mode, vector, built.prpArea(), spin, deadlines);
    }

    private void createOnDevice(QueueFactory.Built built, int qid, int depth, InterruptVector vector) {
        long cqIova = built.queue().cqRegion().iova();
        long sqIova = built.queue().sqRegion().iova();
        ops.sync(AdminCommands.createIoCq(qid, depth, vector != null, vector == null ? 0 : vector.index()),
                null, cqIova);
        try {
            ops.sync(AdminCommands.createIoSq(qid, depth, qid), null, sqIova);
        } catch (NvmeException e) {
            try {
                ops.sync(AdminCommands.deleteIoCq(qid), null);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
