package dev.nvme4j.api;

/**
 * How a read or write uses the end-to-end protection information (PI) of a namespace formatted
 * with it (NVM Command Set Specification 1.0, section 5.2): who produces the 8-byte PI tuple of
 * each block (guard CRC-16 T10-DIF, application tag, reference tag) and which fields the
 * controller checks (PRCHK). Immutable and allocation-free to use: make one per kind of I/O and
 * pass it to every call.
 *
 * <ul>
 *   <li>{@link Mode#HOST}: the driver computes the PI of every block before a write and checks it
 *       after a read (the reference tag is the low 32 bits of the block's LBA for types 1 and 2;
 *       for type 3 also, but the controller is never asked to check it). Writes ask the controller
 *       to check the fields in {@code checks}; reads are checked by the driver, which names the
 *       first failing block ({@link IoQueuePair#protectionErrorLba()}).
 *   <li>{@link Mode#CONTROLLER}: PRACT; the controller inserts the PI on writes and checks (and,
 *       with 8-byte metadata, strips) it on reads. With 8 bytes of metadata no metadata moves at all.
 *   <li>{@link Mode#APPLICATION}: the application has put the PI into the metadata itself; the
 *       driver only passes {@code checks} on to the controller.
 * </ul>
 *
 * @param mode       who produces and checks the PI
 * @param checks     fields to check: a combination of {@link #GUARD}, {@link #APP_TAG}, {@link #REF_TAG}
 * @param appTag     application tag written (HOST) and expected (checks with {@link #APP_TAG})
 * @param appTagMask bits of the application tag that are checked
 */
public record Protection(Mode mode, int checks, int appTag, int appTagMask) {
    /** Check the guard (CRC of the block). PRCHK bit 2 (CDW12 bit 28). */
    public static final int GUARD = 4;
    /** Check the application tag under the mask. PRCHK bit 1 (CDW12 bit 27). */
    public static final int APP_TAG = 2;
    /** Check the reference tag (types 1 and 2). PRCHK bit 0 (CDW12 bit 26). */
    public static final int REF_TAG = 1;
    /** Every check. */
    public static final int ALL = GUARD | APP_TAG | REF_TAG;

    /** The default: the driver generates and checks guard and reference tag. */
    public static final Protection HOST_DEFAULT = new Protection(Mode.HOST, GUARD | REF_TAG, 0, 0);
    /** The controller inserts and checks guard and reference tag (PRACT). */
    public static final Protection CONTROLLER_DEFAULT = new Protection(Mode.CONTROLLER, GUARD | REF_TAG, 0, 0);

    /** Who produces the PI. */
    public enum Mode { HOST, CONTROLLER, APPLICATION }

    public Protection {
        java.util.Objects.requireNonNull(mode, "mode");
        if ((checks & ~ALL) != 0) {
            throw new IllegalArgumentException("checks must combine Protection.GUARD, APP_TAG and REF_TAG: " + checks);
        }
        if (appTag < 0 || appTag > 0xFFFF || appTagMask < 0 || appTagMask > 0xFFFF) {
            throw new IllegalArgumentException("appTag and appTagMask are 16-bit values: " + appTag + ", " + appTagMask);
        }
        if (mode != Mode.APPLICATION && appTag == 0xFFFF) {
            throw new IllegalArgumentException("application tag 0xFFFF turns PI checking off for the block "
                    + "(NVM Command Set 5.2.1.3); choose another tag");
        }
    }

    /** Driver-generated PI with the given checks. */
    public static Protection host(int checks) {
        return new Protection(Mode.HOST, checks, 0, 0);
    }

    /** Controller-inserted PI (PRACT) with the given checks. */
    public static Protection controller(int checks) {
        return new Protection(Mode.CONTROLLER, checks, 0, 0);
    }

    /** This protection with an application tag, checked under {@code mask} when {@link #APP_TAG} is set. */
    public Protection withAppTag(int tag, int mask) {
        return new Protection(mode, checks, tag, mask);
    }
}
