package dev.nvme4j.ctrl;

import dev.nvme4j.api.Completion;
import dev.nvme4j.api.FeatureRestoreFailure;
import dev.nvme4j.api.RawCommand;
import dev.nvme4j.api.Status;
import dev.nvme4j.spec.Opcodes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every feature the driver and the application changed with Set Features (Base 5.27), so that a
 * controller reset, which returns each feature to its default or saved value (Base 3.7.2,
 * 5.27.1), can set it again: the latest value per feature (per vector for Interrupt Vector
 * Configuration, per sensor and threshold for Temperature Threshold), in the order features
 * were first set. A Set Features is recorded when it is sent and forgotten again if it fails.
 * Number of Queues is not recorded: the reset negotiates it itself, before any I/O queue exists
 * (the only time the controller accepts it, 5.27.1.7).
 *
 * <p>Saved and current values: a feature set with Save (SV = 1) is restored after a reset as
 * its current value (SV = 0), so a reset never rewrites the controller's non-volatile copy; the
 * record keeps that it was saved, for reporting.
 *
 * <p>Thread-safe.
 */
final class FeatureRecord {
    /** One recorded feature: CDW10 without SV, CDW11, and whether SV was set. */
    record Entry(int featureId, int value, boolean saved) {
        String name() {
            return Opcodes.featureName(featureId);
        }
    }

    /** What one restore did: the features set again, and those that could not be. */
    record Outcome(List<Entry> restored, List<FeatureRestoreFailure> failures) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(FeatureRecord.class);

    private final String address;
    private final ControllerStats stats;
    private final Map<Integer, Entry> entries = new LinkedHashMap<>();
    private volatile List<FeatureRestoreFailure> lastFailures = List.of();

    FeatureRecord(String address, ControllerStats stats) {
        this.address = address;
        this.stats = stats;
    }

    /**
     * Records a Set Features about to be sent ({@code cdw10}: FID in bits 7:0, SV in bit 31), so
     * that a reset running while it is on its way already restores it; returns what it replaced,
     * for {@link #undo} when the command fails.
     */
    synchronized Entry recordSet(int cdw10, int cdw11) {
        int fid = cdw10 & 0xFF;
        if (fid == Opcodes.FEAT_NUMBER_OF_QUEUES) {
            return null;
        }
        return entries.put(key(fid, cdw11), new Entry(fid, cdw11, cdw10 < 0));
    }

    /** The Set Features recorded by {@link #recordSet} failed: puts back {@code previous} unless it was set again since. */
    synchronized void undo(int cdw10, int cdw11, Entry previous) {
        int fid = cdw10 & 0xFF;
        int key = key(fid, cdw11);
        if (!new Entry(fid, cdw11, cdw10 < 0).equals(entries.get(key))) {
            return;
        }
        if (previous == null) {
            entries.remove(key);
        } else {
            entries.put(key, previous);
        }
    }

    /**
     * One value per FID, except where CDW11 selects what the value is for: the vector of
     * Interrupt Vector Configuration (bits 15:0, 5.27.1.10), the sensor and the over/under
     * threshold of Temperature Threshold (TMPSEL bits 19:16, THSEL bits 21:20, 5.27.1.4).
     */
    private static int key(int fid, int cdw11) {
        return switch (fid) {
            case Opcodes.FEAT_INTERRUPT_VECTOR_CONFIG -> fid | ((cdw11 & 0xFFFF) << 8);
            case Opcodes.FEAT_TEMPERATURE_THRESHOLD -> fid | (((cdw11 >>> 16) & 0x3F) << 8);
            default -> fid;
        };
    }

    /** The recorded CDW11 of a feature with one value per FID, or {@code absent} when none was set. */
    synchronized int value(int fid, int absent) {
        Entry e = entries.get(fid);
        return e == null ? absent : e.value();
    }

    synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    /**
     * Sets every recorded feature again through {@code setFeatures} (a Set Features with SV = 0,
     * returning its completion). A feature the controller refuses is reported, not fatal: the
     * reset goes on with the controller's value for it.
     */
    Outcome restore(Function<RawCommand, Completion> setFeatures) {
        List<Entry> restored = new ArrayList<>();
        List<FeatureRestoreFailure> failures = new ArrayList<>();
        for (Entry e : entries()) {
            Completion c = setFeatures.apply(AdminCommands.setFeatures(e.featureId(), e.value()));
            if (c.isSuccess()) {
                restored.add(e);
            } else {
                failures.add(new FeatureRestoreFailure(e.featureId(), e.name(), e.value(), e.saved(),
                        "Set Features failed: " + Status.describe(c.status()) + ": " + Status.meaning(c.status())));
            }
        }
        return new Outcome(List.copyOf(restored), List.copyOf(failures));
    }

    /** Counts, logs and keeps (for {@link #lastFailures()}) what a restore did; one JFR event per feature. */
    void reportRestore(Outcome o) {
        stats.featuresRestored.add(o.restored().size());
        stats.featureRestoreFailures.add(o.failures().size());
        lastFailures = o.failures();
        for (FeatureRestoreFailure f : o.failures()) {
            LOG.warn("{}: after the reset, {} could not be set again; the controller keeps its default for it",
                    address, f);
            Events.featureRestore(address, f.featureId(), f.value(), false, f.reason());
        }
        for (Entry e : o.restored()) {
            Events.featureRestore(address, e.featureId(), e.value(), true, "set again");
        }
        LOG.info("{}: {} feature(s) set again after the reset, {} could not be", address, o.restored().size(),
                o.failures().size());
    }

    /** The features the most recent reset could not set again; empty when all were (or no reset happened). */
    List<FeatureRestoreFailure> lastFailures() {
        return lastFailures;
    }
}
