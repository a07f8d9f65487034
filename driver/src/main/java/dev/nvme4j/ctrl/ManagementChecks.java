package dev.nvme4j.ctrl;

import dev.nvme4j.api.OptionalCommand;
import dev.nvme4j.spec.IdentifyLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;

/** The argument checks of {@link ManagementOps} (and the admin passthrough's timeout), done before anything is sent. */
final class ManagementChecks {
    private ManagementChecks() {
    }

    /** A command's own timeout: null (the controller's admin timeout) or positive. */
    static void timeout(String what, Duration timeout) {
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException(what + " timeout must be positive, got " + timeout);
        }
    }

    static void uuidIndex(int uuidIndex) {
        if (uuidIndex < 0 || uuidIndex > 0x7F) {
            throw new IllegalArgumentException("a UUID index is 0-127, got " + uuidIndex);
        }
    }

    static void feature(int featureId, int dataBytes) {
        if (featureId < 0 || featureId > 0xFF) {
            throw new IllegalArgumentException("feature identifier must be 0..255, got " + featureId);
        }
        if (dataBytes < 0 || dataBytes > Identification.ADMIN_MAX_TRANSFER) {
            throw new IllegalArgumentException("feature data is 0 to " + Identification.ADMIN_MAX_TRANSFER
                    + " bytes, got " + dataBytes);
        }
    }

    /** The value of an Identify Controller field that says which optional commands are supported. */
    static long supportField(byte[] id, OptionalCommand.Field field) {
        ByteBuffer b = ByteBuffer.wrap(id).order(ByteOrder.LITTLE_ENDIAN);
        return switch (field) {
            case OACS -> b.getShort(IdentifyLayout.CTRL_OACS) & 0xFFFF;
            case ONCS -> b.getShort(IdentifyLayout.CTRL_ONCS) & 0xFFFF;
            case CTRATT -> b.getInt(IdentifyLayout.CTRL_CTRATT) & 0xFFFF_FFFFL;
        };
    }

    static String nsidText(int nsid) {
        return nsid == AdminCommands.NSID_ALL ? "0xffffffff (all)" : Integer.toString(nsid);
    }
}
