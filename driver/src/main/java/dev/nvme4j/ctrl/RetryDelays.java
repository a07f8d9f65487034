package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.AdminFields;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.Opcodes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Advanced Command Retry: a controller that reports Command Retry Delay Times (CRDT1..3 of
 * Identify Controller) may ask the host, through the CRD field of an error status, to wait
 * that long before retrying, but only once the host set ACRE in Host Behavior Support (Base
 * 5.27.1.18); otherwise CRD is always 0 and retries are immediate. Enabled at bring-up and again
 * after every controller reset (a reset clears it), when the controller reports a CRDT.
 *
 * @param crdt1Nanos CRDT1 in nanoseconds (CRD 1), likewise CRDT2 and CRDT3
 */
record RetryDelays(long crdt1Nanos, long crdt2Nanos, long crdt3Nanos) {
    private static final Logger LOG = LoggerFactory.getLogger(RetryDelays.class);

    /** CRDT1..3 of an Identify Controller data structure (100 ms units). */
    static RetryDelays of(MemorySegment identifyController) {
        return new RetryDelays(crdtNanos(identifyController, 0), crdtNanos(identifyController, 1),
                crdtNanos(identifyController, 2));
    }

    private static long crdtNanos(MemorySegment identifyController, int i) {
        return IdentifyParser.u16(identifyController, IdentifyLayout.CTRL_CRDT1 + 2 * i) * 100_000_000L;
    }

    /** How long to wait before retrying a status with Command Retry Delay {@code crd} (0..3). */
    long nanos(int crd) {
        return switch (crd) {
            case 1 -> crdt1Nanos;
            case 2 -> crdt2Nanos;
            case 3 -> crdt3Nanos;
            default -> 0;
        };
    }

    /** True when the controller reports a Command Retry Delay Time worth enabling. */
    boolean offered() {
        return crdt1Nanos != 0 || crdt2Nanos != 0 || crdt3Nanos != 0;
    }

    /**
     * Sets ACRE when {@link #offered}; {@code setFeatures} runs the command with PRP1 at the given
     * buffer. Returns whether the controller accepted it (refusal is logged, not fatal: retries
     * are then immediate).
     */
    boolean enable(String address, AdminOps ops, BiFunction<DmaBuffer, Integer, Completion> setFeatures) {
        if (!offered()) {
            return false;
        }
        try (DmaBuffer buf = ops.allocateInternal(4096)) {
            buf.segment().fill((byte) 0);
            buf.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) AdminFields.HOST_BEHAVIOR_ACRE);
            Completion c = setFeatures.apply(buf, Opcodes.FEAT_HOST_BEHAVIOR_SUPPORT);
            if (!c.isSuccess()) {
                LOG.warn("{}: the controller refused Host Behavior Support (ACRE): {}; its error statuses carry no"
                        + " Command Retry Delay, retries of non-DNR errors are immediate", address,
                        Status.describe(c.status()));
                return false;
            }
            return true;
        }
    }
}
