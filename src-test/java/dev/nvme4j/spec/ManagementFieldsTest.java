package dev.nvme4j.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The firmware and self-test fields the mock encodes and the driver decodes: each encoder and its
 * decoder agree on every value of the field, and the layouts sit where Base 2.0 puts them.
 */
class ManagementFieldsTest {
    @Test
    void activeFirmwareInfoRoundTrips() {
        for (int active = 0; active < 8; active++) {
            for (int next = 0; next < 8; next++) {
                int afi = ManagementFields.activeFirmwareInfo(active, next);
                assertEquals(active, ManagementFields.afiActiveSlot(afi));
                assertEquals(next, ManagementFields.afiNextResetSlot(afi));
                assertEquals(0, afi & 0x88, "bits 3 and 7 are reserved");
            }
        }
    }

    @Test
    void selfTestStatusRoundTrips() {
        for (int code = 0; code < 16; code++) {
            for (int result = 0; result < 16; result++) {
                int status = ManagementFields.selfTestStatus(code, result);
                assertEquals(code, ManagementFields.selfTestStatusCode(status));
                assertEquals(result, ManagementFields.selfTestStatusResult(status));
                assertEquals(status, status & 0xFF, "one byte");
            }
        }
        assertEquals(5, ManagementFields.selfTestOperation(0xF5), "bits 3:0");
        assertEquals(99, ManagementFields.selfTestCompletion(0x80 | 99), "bits 6:0");
    }

    @Test
    void firmwareSlotRevisionsFollowEachOther() {
        assertEquals(LogPageLayout.FW_FRS1, LogPageLayout.fwRevisionOffset(1));
        assertEquals(LogPageLayout.FW_FRS1 + 6 * LogPageLayout.FW_FRS_LEN,
                LogPageLayout.fwRevisionOffset(LogPageLayout.FW_SLOTS));
        assertEquals(64, LogPageLayout.fwRevisionOffset(LogPageLayout.FW_SLOTS) + LogPageLayout.FW_FRS_LEN,
                "FRS7 ends at byte 63; bytes 64-511 are reserved");
    }
}
