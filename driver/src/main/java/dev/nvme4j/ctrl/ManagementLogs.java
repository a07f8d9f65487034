package dev.nvme4j.ctrl;

import static dev.nvme4j.spec.ManagementFields.*;

import dev.nvme4j.api.Management.FirmwareSlots;
import dev.nvme4j.api.Management.SanitizeEstimates;
import dev.nvme4j.api.Management.SanitizeStatus;
import dev.nvme4j.api.Management.SelfTestLog;
import dev.nvme4j.api.Management.SelfTestResult;
import dev.nvme4j.spec.LogPageLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Decodes the management log pages into {@link dev.nvme4j.api.Management}'s records, by the layouts in spec. */
final class ManagementLogs {
    private ManagementLogs() {
    }

    /** The Firmware Slot Information log. */
    static FirmwareSlots firmwareSlots(byte[] log) {
        List<String> revs = new ArrayList<>();
        for (int s = 1; s <= LogPageLayout.FW_SLOTS; s++) {
            revs.add(new String(log, LogPageLayout.fwRevisionOffset(s), LogPageLayout.FW_FRS_LEN,
                    StandardCharsets.US_ASCII).replace("\0", "").strip());
        }
        int afi = log[LogPageLayout.FW_AFI];
        return new FirmwareSlots(afiActiveSlot(afi), afiNextResetSlot(afi), List.copyOf(revs));
    }

    /** The Device Self-test log: the results in use, newest first. */
    static SelfTestLog selfTestLog(byte[] log) {
        ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
        List<SelfTestResult> results = new ArrayList<>();
        for (int i = 0; i < SELF_TEST_RESULTS; i++) {
            int o = ST_RESULT0 + ST_RESULT_SIZE * i;
            int status = log[o + STR_STATUS] & 0xFF;
            if (selfTestStatusResult(status) == ST_RESULT_NOT_USED) {
                continue;
            }
            results.add(new SelfTestResult(selfTestStatusCode(status), selfTestStatusResult(status),
                    log[o + STR_SEGMENT] & 0xFF,
                    log[o + STR_VALID_INFO] & 0xFF, b.getLong(o + STR_POWER_ON_HOURS), b.getInt(o + STR_NSID),
                    b.getLong(o + STR_FAILING_LBA), log[o + STR_STATUS_CODE_TYPE] & 0xFF,
                    log[o + STR_STATUS_CODE] & 0xFF, b.getShort(o + STR_VENDOR_SPECIFIC) & 0xFFFF));
        }
        return new SelfTestLog(selfTestOperation(log[ST_CURRENT_OPERATION]), selfTestCompletion(log[ST_COMPLETION]),
                List.copyOf(results));
    }

    /** The Sanitize Status log. */
    static SanitizeStatus sanitizeStatus(byte[] log) {
        ByteBuffer b = ByteBuffer.wrap(log).order(ByteOrder.LITTLE_ENDIAN);
        int sstat = b.getShort(SAN_SSTAT) & 0xFFFF;
        SanitizeEstimates e = new SanitizeEstimates(u32(b, SAN_ETO), u32(b, SAN_ETBE), u32(b, SAN_ETCE),
                u32(b, SAN_ETOND), u32(b, SAN_ETBEND), u32(b, SAN_ETCEND));
        return new SanitizeStatus(b.getShort(SAN_SPROG) & 0xFFFF, sstat & 0x7, sstat, b.getInt(SAN_SCDW10), e);
    }

    private static long u32(ByteBuffer b, int at) {
        return b.getInt(at) & 0xFFFF_FFFFL;
    }
}
