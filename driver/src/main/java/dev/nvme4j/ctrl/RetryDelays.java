package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.DmaBuffer;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.Opcodes;
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
 */
final class RetryDelays {
    private static final Logger LOG = LoggerFactory.getLogger(RetryDelays.class);
    private static final int ACRE = 1;

    private RetryDelays() {
    }

    /** True when the controller reports a Command Retry Delay Time worth enabling. */
    static boolean offered(NvmeController ctrl) {
        for (long t : ctrl.crdtNanos) {
            if (t != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sets ACRE when {@link #offered}; {@code setFeatures} runs the command with PRP1 at the given
     * buffer. Returns whether the controller accepted it (refusal is logged, not fatal: retries
     * are then immediate).
     */
    static boolean enable(NvmeController ctrl, BiFunction<DmaBuffer, Integer, Completion> setFeatures) {
        if (!offered(ctrl)) {
            return false;
        }
        try (DmaBuffer buf = ctrl.allocateInternal(4096)) {
            buf.segment().fill((byte) 0);
            buf.segment().set(ValueLayout.JAVA_BYTE, 0, (byte) ACRE);
            Completion c = setFeatures.apply(buf, Opcodes.FEAT_HOST_BEHAVIOR_SUPPORT);
            if (!c.isSuccess()) {
                LOG.warn("{}: the controller refused Host Behavior Support (ACRE): {}; its error statuses carry no"
                        + " Command Retry Delay, retries of non-DNR errors are immediate", ctrl.address(),
                        Status.describe(c.status()));
                return false;
            }
            return true;
        }
    }
}
