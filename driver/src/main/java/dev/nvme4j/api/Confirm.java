package dev.nvme4j.api;

/**
 * The explicit confirmation a destructive {@link Management} operation needs (format, sanitize,
 * namespace deletion, firmware commit): passing anything else (null) is refused before a command
 * reaches the device, so a call cannot erase data or change firmware by accident.
 */
public enum Confirm {
    /** The caller accepts that the operation erases data or changes what the controller runs. */
    DESTRUCTIVE;

    /** Throws an {@link IllegalArgumentException} naming {@code what} unless {@code c} is {@link #DESTRUCTIVE}. */
    public static void require(Confirm c, String what) {
        if (c != DESTRUCTIVE) {
            throw new IllegalArgumentException(what + " needs Confirm.DESTRUCTIVE (nothing was sent to the device)");
        }
    }
}
