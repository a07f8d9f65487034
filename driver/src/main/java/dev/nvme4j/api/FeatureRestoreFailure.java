package dev.nvme4j.api;

/**
 * A feature the driver could not set again after a controller reset (see
 * {@link Controller#featureRestoreFailures()}): the controller runs with its default (or saved)
 * value of it instead. Immutable and thread-safe.
 *
 * @param featureId the Feature Identifier (Set Features CDW10 bits 7:0, Base 5.27.1)
 * @param name      the feature's name in the specification, for messages
 * @param value     the CDW11 value that had been set and could not be set again
 * @param saved     it had been set with Save (SV = 1)
 * @param reason    why, in the specification's words (for example the status the controller returned)
 */
public record FeatureRestoreFailure(int featureId, String name, int value, boolean saved, String reason) {
    @Override
    public String toString() {
        return String.format("%s (FID 0x%02x) = 0x%x%s: %s", name, featureId, value, saved ? " (saved)" : "", reason);
    }
}
