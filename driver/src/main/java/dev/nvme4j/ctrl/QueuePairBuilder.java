package dev.nvme4j.ctrl;

import dev.nvme4j.api.CompletionMode;
import dev.nvme4j.api.NvmeException;
import dev.nvme4j.device.InterruptVector;
import dev.nvme4j.queue.QueuePairControl;
import java.lang.foreign.Arena;

/**
 * Creates one I/O queue pair on the controller: memory first, then Create I/O Completion Queue,
 * then Create I/O Submission Queue (Base 3.5.1 step 9: a CQ must exist before an SQ names it),
 * undoing what was done if a step fails. Called under the controller's queue lock.
 */
final class QueuePairBuilder {
    private final NvmeController ctrl;

    QueuePairBuilder(NvmeController ctrl) {
        this.ctrl = ctrl;
    }

    QueuePairControl create(int qid, int depth, CompletionMode mode) {
        InterruptVector vector = mode == CompletionMode.POLL ? null : ctrl.vectorFor(qid);
        QueueFactory.Built built = ctrl.queues.build(qid, depth, Arena.ofAuto());
        try {
            built.queue().attachShadow(ctrl.shadowDoorbells, false);
            createOnDevice(built, qid, depth, vector);
        } catch (RuntimeException e) {
            ctrl.queues.free(built);
            throw e;
        }
        return QueuePairControl.create(ctrl, built.queue(), mode, vector, built.prpArea(),
                ctrl.options.hybridSpin().toNanos(), ctrl.recovery);
    }

    private void createOnDevice(QueueFactory.Built built, int qid, int depth, InterruptVector vector) {
        long cqIova = built.queue().cqRegion().iova();
        long sqIova = built.queue().sqRegion().iova();
        ctrl.adminSync(AdminCommands.createIoCq(qid, depth, vector != null, vector == null ? 0 : vector.index()),
                null, cqIova);
        try {
            ctrl.adminSync(AdminCommands.createIoSq(qid, depth, qid), null, sqIova);
        } catch (NvmeException e) {
            try {
                ctrl.adminSync(AdminCommands.deleteIoCq(qid), null);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
