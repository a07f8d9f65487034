package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.spec.Opcodes;
import java.util.concurrent.CompletableFuture;

/**
 * One admin command from submission to completion: the command, its data buffer, the future
 * its issuer waits on and its deadline. Guarded by the admin queue's lock.
 */
final class AdminCommand {
    final RawCommand command;
    final DmaBuffer buffer;
    /** A queue ring's address for PRP1 (Create I/O SQ/CQ), or -1 to use {@link #buffer}. */
    final long ringIova;
    /** PRP2 with {@link #ringIova} as PRP1 (a second page, Doorbell Buffer Config), or 0. */
    long prp2;
    final CompletableFuture<Completion> future = new CompletableFuture<>();
    /** Relative timeout; the deadline starts when the command reaches the device. */
    final long timeoutNanos;
    long deadlineNanos = Long.MAX_VALUE;
    int cid = -1;
    /** Issued even while the queue is paused (the reset's own commands). */
    boolean urgent;
    /** Its doorbell was already rung again once after its deadline; the next expiry resets. */
    boolean reRung;

    AdminCommand(RawCommand command, DmaBuffer buffer, long ringIova, long timeoutNanos) {
        this.command = command;
        this.buffer = buffer;
        this.ringIova = ringIova;
        this.timeoutNanos = timeoutNanos;
    }

    String name() {
        return Opcodes.adminName(command.opcode());
    }

    boolean isAbort() {
        return command.opcode() == Opcodes.ADMIN_ABORT;
    }

    /** Asynchronous Event Requests stay outstanding until an event happens: no deadline. */
    boolean hasDeadline() {
        return command.opcode() != Opcodes.ADMIN_ASYNC_EVENT_REQUEST;
    }
}
