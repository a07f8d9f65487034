package dev.nvme4j.tcp;

import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;

/**
 * {@link TcpQueue#execute}: one command run to completion on a CID of the queue's own pool, for
 * the admin connection's own commands (Connect, Property Get/Set, Keep Alive) and callers
 * without trackers. A command not completed within its bound fails the queue (there is no
 * Abort at this layer).
 */
final class SyncCommand {
    private SyncCommand() {
    }

    static int run(TcpQueue q, MemorySegment sqe, MemorySegment buffer, long offset, int length, int direction,
            long timeoutNanos) throws TcpTransportException {
        if (q.failure() != null) {
            throw q.failure();
        }
        CommandSlots slots = q.slots;
        int cid = q.acquireCid();
        if (cid < 0) {
            throw new IllegalStateException("no free command identifier on " + q.name);
        }
        try {
            q.submit(cid, sqe, 0, buffer, offset, length, direction);
            q.flush();
            long deadline = System.nanoTime() + timeoutNanos;
            while (!slots.done[cid]) {
                q.poll();
                if (slots.done[cid]) {
                    break;
                }
                if (q.failure() != null) {
                    throw q.failure();
                }
                if (!q.await(deadline) && !slots.done[cid]) {
                    q.poll();
                    if (!slots.done[cid]) {
                        q.fail(new TcpTransportException(TcpTransportException.Kind.TIMEOUT,
                                timeoutMessage(q, sqe, timeoutNanos)));
                        throw q.failure();
                    }
                }
            }
            if (q.failure() != null && (slots.doneStatus[cid] == TcpQueue.STATUS_HOST_PATH_ERROR
                    || slots.doneStatus[cid] == TcpQueue.STATUS_ABORTED_SQ_DELETION)) {
                throw q.failure();
            }
            q.lastDw0 = slots.doneDw0[cid];
            q.lastDw1 = slots.doneDw1[cid];
            return slots.doneStatus[cid];
        } finally {
            if (slots.state[cid] == CommandSlots.FREE) {
                q.releaseCid(cid);
            }
        }
    }

    private static String timeoutMessage(TcpQueue q, MemorySegment sqe, long timeoutNanos) {
        int opcode = sqe.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
        boolean kato = q.qid() == 0 && q.keepAliveBoundNanos > 0 && timeoutNanos <= q.keepAliveBoundNanos;
        String what = q.qid() == 0 && opcode == Opcodes.ADMIN_KEEP_ALIVE ? "Keep Alive"
                : opcode == Fabrics.OPC_FABRICS ? "Fabrics command (FCTYPE 0x" + Integer.toHexString(
                        sqe.get(ValueLayout.JAVA_BYTE, 4) & 0xFF) + ")" : "command (opcode 0x" + Integer.toHexString(opcode) + ")";
        return (kato ? "keep-alive timeout: " : "") + what + " on " + q.name + " not answered within "
                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms" + (kato ? " (the KATO)" : "")
                + ": the target stopped answering";
    }
}
