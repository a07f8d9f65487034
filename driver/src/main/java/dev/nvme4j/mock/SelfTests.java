package dev.nvme4j.mock;

import static dev.nvme4j.spec.ManagementFields.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.Le;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Device self-test (Base 5.11) and its log (5.16.1.7): a short test takes {@link #SHORT_NANOS},
 * an extended one {@link #EXTENDED_NANOS} of the mock's clock and always passes; one at a time
 * (a second start is Device Self-test In Progress); STC Fh aborts it, a controller reset too.
 * Progress is worked out when the log is read. Under the device lock.
 */
final class SelfTests {
    static final long SHORT_NANOS = 200_000_000L;
    static final long EXTENDED_NANOS = 1_000_000_000L;

    private final MockNvmeController c;
    /** Newest first: {code << 4 | result, nsid}. */
    private final Deque<int[]> results = new ArrayDeque<>();
    private int running;
    private int runningNsid;
    private long started;

    SelfTests(MockNvmeController c) {
        this.c = c;
    }

    int start(int stc, int nsid) {
        finishIfDone();
        if (stc == STC_ABORT) {
            if (running != 0) {
                end(ST_RESULT_ABORTED_BY_COMMAND);
            }
            return 0;
        }
        if (stc != STC_SHORT && stc != STC_EXTENDED) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true);
        }
        if (nsid != 0 && nsid != 0xFFFF_FFFF && c.namespaces.get(nsid) == null) {
            return NvmeStatus.INVALID_NAMESPACE_OR_FORMAT.code(true);
        }
        if (running != 0) {
            return NvmeStatus.SELF_TEST_IN_PROGRESS.code(true);
        }
        running = stc;
        runningNsid = nsid;
        started = c.now();
        return 0;
    }

    /** A controller reset aborts the test under way. */
    void reset() {
        finishIfDone();
        if (running != 0) {
            end(ST_RESULT_ABORTED_BY_RESET);
        }
    }

    private long duration() {
        return running == STC_SHORT ? SHORT_NANOS : EXTENDED_NANOS;
    }

    private void finishIfDone() {
        if (running != 0 && c.now() - started >= duration()) {
            end(ST_RESULT_OK);
        }
    }

    private void end(int result) {
        results.addFirst(new int[] {selfTestStatus(running, result), runningNsid});
        while (results.size() > SELF_TEST_RESULTS) {
            results.removeLast();
        }
        running = 0;
    }

    /** The Device Self-test log; returns its size. */
    int log(MemorySegment out) {
        finishIfDone();
        out.set(ValueLayout.JAVA_BYTE, ST_CURRENT_OPERATION, (byte) running);
        if (running != 0) {
            out.set(ValueLayout.JAVA_BYTE, ST_COMPLETION, (byte) Math.min(99, (c.now() - started) * 100 / duration()));
        }
        int i = 0;
        for (int[] r : results) {
            long o = ST_RESULT0 + (long) ST_RESULT_SIZE * i++;
            out.set(ValueLayout.JAVA_BYTE, o + STR_STATUS, (byte) r[0]);
            out.set(ValueLayout.JAVA_BYTE, o + STR_VALID_INFO, (byte) (r[1] != 0 ? STR_VALID_NSID : 0));
            out.set(Le.INT, o + STR_NSID, r[1]);
        }
        for (; i < SELF_TEST_RESULTS; i++) {
            out.set(ValueLayout.JAVA_BYTE, ST_RESULT0 + (long) ST_RESULT_SIZE * i + STR_STATUS,
                    (byte) ST_RESULT_NOT_USED);
        }
        return SELF_TEST_LOG_SIZE;
    }
}
