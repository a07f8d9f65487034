package dev.nvme4j.api;

/**
 * The optional commands a controller says it supports in Identify Controller (NVMe Base
 * Specification 2.0, 5.17.2.1: OACS, ONCS, CTRATT): the one place the driver decides that a
 * command is "not supported by this controller", with the field and bit that say so.
 * {@link Management#requireSupported} checks one against the controller; the queue pair's Write
 * Zeroes and Dataset Management and {@link Management}'s operations check theirs the same way.
 */
public enum OptionalCommand {
    COMPARE("Compare", Field.ONCS, 0),
    DATASET_MANAGEMENT("Dataset Management", Field.ONCS, 2),
    WRITE_ZEROES("Write Zeroes", Field.ONCS, 3),
    RESERVATIONS("Reservations", Field.ONCS, 5),
    FORMAT_NVM("Format NVM", Field.OACS, 1),
    FIRMWARE_DOWNLOAD("Firmware Image Download", Field.OACS, 2),
    FIRMWARE_COMMIT("Firmware Commit", Field.OACS, 2),
    NAMESPACE_MANAGEMENT("Namespace Management", Field.OACS, 3),
    NAMESPACE_ATTACHMENT("Namespace Attachment", Field.OACS, 3),
    DEVICE_SELF_TEST("Device Self-test", Field.OACS, 4),
    NAMESPACE_GRANULARITY("Namespace Granularity", Field.CTRATT, 7);

    /** The Identify Controller field a command's support bit is in. */
    public enum Field {
        /** Optional Admin Command Support. */
        OACS,
        /** Optional NVM Command Support. */
        ONCS,
        /** Controller Attributes. */
        CTRATT
    }

    private final String title;
    private final Field field;
    private final int bit;

    OptionalCommand(String title, Field field, int bit) {
        this.title = title;
        this.field = field;
        this.bit = bit;
    }

    /** The command's name, as in the specification. */
    public String title() {
        return title;
    }

    public Field field() {
        return field;
    }

    public int bit() {
        return bit;
    }

    /** True when {@code fieldValue}, the value of {@link #field()}, has the command's bit set. */
    public boolean supportedBy(long fieldValue) {
        return (fieldValue >>> bit & 1) != 0;
    }

    /** Throws "not supported by this controller", naming the field, its value and the bit, unless it is set. */
    public void require(long fieldValue) {
        if (!supportedBy(fieldValue)) {
            throw new UnsupportedOperationException(title + " is not supported by this controller: Identify"
                    + " Controller " + field + " = 0x" + Long.toHexString(fieldValue) + ", bit " + bit + " is 0");
        }
    }
}
