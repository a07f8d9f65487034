package dev.nvme4j.mock;

import dev.nvme4j.mock.config.SpecViolation;
import java.util.ArrayList;
import java.util.List;

/** The spec-violation detector's record: host mistakes, oldest first, capped. Thread-safe. */
final class Violations {
    private static final int MAX_KEPT = 1000;
    private final List<SpecViolation> list = new ArrayList<>();
    private long total;

    synchronized void record(SpecViolation.Kind kind, String detail) {
        total++;
        if (list.size() < MAX_KEPT) {
            list.add(new SpecViolation(kind, detail));
        }
    }

    synchronized List<SpecViolation> snapshot() {
        return List.copyOf(list);
    }

    synchronized long total() {
        return total;
    }

    synchronized void clear() {
        list.clear();
        total = 0;
    }

    synchronized void assertNone() {
        if (total == 0) {
            return;
        }
        StringBuilder sb = new StringBuilder(total + " NVMe specification violation(s) by the host:");
        for (SpecViolation v : list) {
            sb.append("\n  ").append(v);
        }
        if (total > list.size()) {
            sb.append("\n  ... and ").append(total - list.size()).append(" more");
        }
        throw new AssertionError(sb.toString());
    }
}
