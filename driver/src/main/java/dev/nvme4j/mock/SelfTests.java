package dev.nvme4j.mock;

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
    private static final int MAX_RESULTS = 20;

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
        if (stc == 0xF) {
            if (running != 0) {
                end(1); // aborted by a Device Self-test command
            }
            return 0;
        }
        if (stc != 1 && stc != 2) {
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
            end(2);
        }
    }

    private long duration() {
        return running == 1 ? SHORT_NANOS : EXTENDED_NANOS;
    }

    private void finishIfDone() {
        if (running != 0 && c.now() - started >= duration()) {
            end(0);
        }
    }

    private void end(int result) {
        results.addFirst(new int[] {running << 4 | result, runningNsid});
        while (results.size() > MAX_RESULTS) {
            results.removeLast();
        }
        running = 0;
    }

    /** The Device Self-test log; returns its size (564). */
    int log(MemorySegment out) {
        finishIfDone();
        out.set(ValueLayout.JAVA_BYTE, 0, (byte) running);
        if (running != 0) {
            out.set(ValueLayout.JAVA_BYTE, 1, (byte) Math.min(99, (c.now() - started) * 100 / duration()));
        }
        int i = 0;
        for (int[] r : results) {
            long o = 4 + 28L * i++;
            out.set(ValueLayout.JAVA_BYTE, o, (byte) r[0]);
            out.set(ValueLayout.JAVA_BYTE, o + 2, (byte) (r[1] != 0 ? 1 : 0)); // NSID valid
            out.set(Le.INT, o + 12, r[1]);
        }
        for (; i < MAX_RESULTS; i++) {
            out.set(ValueLayout.JAVA_BYTE, 4 + 28L * i, (byte) 0x0F); // entry not used
        }
        return 564;
    }
}
