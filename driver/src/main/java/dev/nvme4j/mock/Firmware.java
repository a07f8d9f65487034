package dev.nvme4j.mock;

import static dev.nvme4j.spec.ManagementFields.*;

import dev.nvme4j.api.NvmeStatus;
import dev.nvme4j.spec.IdentifyLayout;
import dev.nvme4j.spec.LogPageLayout;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Firmware slots (Base 5.12 Firmware Commit, 5.13 Firmware Image Download, 5.16.1.5 the Firmware
 * Slot Information log): {@link #SLOTS} slots, slot 1 read only with the configured revision.
 * The mock's image format: any multiple of 4 bytes of at least 8 whose first 8 bytes are the
 * revision (printable ASCII, {@link LogPageLayout#FW_FRS_LEN} bytes); anything else is an Invalid Firmware Image at commit. Downloads
 * must come in order (each piece starts where the previous one ended; offset 0 starts over).
 * Commit actions 0-3: replace; replace and activate at the next reset; activate at the next
 * reset; replace and activate now (FRMW bit 4). Under the device lock.
 */
final class Firmware {
    static final int SLOTS = 3;
    /** FRMW: {@link #SLOTS} slots, slot 1 read only, activation without reset. */
    static final int FRMW = SLOTS << IdentifyLayout.FRMW_SLOTS_SHIFT | IdentifyLayout.FRMW_SLOT1_READ_ONLY
            | IdentifyLayout.FRMW_ACTIVATE_WITHOUT_RESET;

    private final String[] revisions = new String[SLOTS];
    private final ByteArrayOutputStream staged = new ByteArrayOutputStream();
    private int active = 1;
    private int pending;

    Firmware(String revision) {
        revisions[0] = revision;
    }

    /** The revision of the running firmware (Identify Controller FR). */
    String activeRevision() {
        return revisions[active - 1];
    }

    /** Controller reset: a pending activation takes effect. */
    void reset() {
        if (pending != 0) {
            active = pending;
            pending = 0;
        }
    }

    /** Firmware Image Download of {@code data} at byte {@code offset}. */
    int download(long offset, byte[] data) {
        if (offset == 0) {
            staged.reset();
        }
        if (offset < staged.size()) {
            return NvmeStatus.OVERLAPPING_RANGE.code(true);
        }
        if (offset > staged.size()) {
            return NvmeStatus.INVALID_FIELD_IN_COMMAND.code(true); // a gap: pieces come in order
        }
        staged.writeBytes(data);
        return 0;
    }

    /** Firmware Commit of {@code slot} (0: the mock picks slot 2) with commit action {@code action}. */
    int commit(int slot, int action) {
        int s = slot == 0 ? 2 : slot;
        if (s > SLOTS || action > CA_REPLACE_AND_ACTIVATE_NOW) {
            // no boot partitions (CAP.BPS 0): commit actions 6 and 7 are invalid
            return (action > CA_REPLACE_AND_ACTIVATE_NOW ? NvmeStatus.INVALID_FIELD_IN_COMMAND
                    : NvmeStatus.INVALID_FIRMWARE_SLOT).code(true);
        }
        if (action == CA_ACTIVATE) {
            if (revisions[s - 1] == null) {
                return NvmeStatus.INVALID_FIRMWARE_IMAGE.code(true);
            }
            pending = s == active ? 0 : s;
            return 0;
        }
        if (s == 1) {
            return NvmeStatus.INVALID_FIRMWARE_SLOT.code(true); // read only
        }
        String revision = revisionOf(staged.toByteArray());
        if (revision == null) {
            return NvmeStatus.INVALID_FIRMWARE_IMAGE.code(true);
        }
        staged.reset();
        revisions[s - 1] = revision;
        switch (action) {
            case CA_REPLACE_AND_ACTIVATE -> pending = s;
            case CA_REPLACE_AND_ACTIVATE_NOW -> {
                active = s;
                pending = 0;
            }
            default -> { }
        }
        return 0;
    }

    private static String revisionOf(byte[] image) {
        if (image.length < LogPageLayout.FW_FRS_LEN) {
            return null;
        }
        for (int i = 0; i < LogPageLayout.FW_FRS_LEN; i++) {
            if (image[i] < 0x20 || image[i] > 0x7E) {
                return null;
            }
        }
        return new String(image, 0, LogPageLayout.FW_FRS_LEN, StandardCharsets.US_ASCII);
    }

    /** The Firmware Slot Information log; returns its size. */
    int log(MemorySegment out) {
        out.set(ValueLayout.JAVA_BYTE, LogPageLayout.FW_AFI, (byte) activeFirmwareInfo(active, pending));
        for (int s = 0; s < SLOTS; s++) {
            if (revisions[s] != null) {
                Identify.ascii(out, LogPageLayout.fwRevisionOffset(s + 1), LogPageLayout.FW_FRS_LEN, revisions[s]);
            }
        }
        return LogPageLayout.FW_SIZE;
    }
}
