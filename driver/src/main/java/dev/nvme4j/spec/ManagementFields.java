package dev.nvme4j.spec;

/**
 * The command dwords and log pages of the management admin commands (NVMe Base Specification
 * 2.0): Firmware Commit (5.12) and Image Download (5.13), Device Self-test (5.11) and its log
 * (5.16.1.7), Sanitize (5.24) and the Sanitize Status log (5.16.1.25). The driver encodes and
 * decodes them through this class and the mock controller does the reverse. Stateless.
 */
public final class ManagementFields {
    private ManagementFields() {
    }

    // ---- Firmware Commit (5.12, figure 144) ----

    /** CDW10 of Firmware Commit: FS (slot) bits 2:0, CA (commit action) bits 5:3, BPID bit 31. */
    public static int commitCdw10(int slot, int action, int bootPartition) {
        return (slot & 0x7) | (action & 0x7) << 3 | (bootPartition & 1) << 31;
    }

    /** FS (firmware slot) of a Firmware Commit CDW10. */
    public static int commitSlot(int cdw10) {
        return cdw10 & 0x7;
    }

    /** CA (commit action) of a Firmware Commit CDW10. */
    public static int commitAction(int cdw10) {
        return (cdw10 >>> 3) & 0x7;
    }

    /** BPID (boot partition) of a Firmware Commit CDW10. */
    public static int commitBootPartition(int cdw10) {
        return cdw10 >>> 31;
    }

    /** Commit actions (CA). */
    public static final int CA_REPLACE = 0;
    public static final int CA_REPLACE_AND_ACTIVATE = 1;
    public static final int CA_ACTIVATE = 2;
    public static final int CA_REPLACE_AND_ACTIVATE_NOW = 3;
    public static final int CA_REPLACE_BOOT_PARTITION = 6;
    public static final int CA_ACTIVATE_BOOT_PARTITION = 7;
    /** Firmware Slot Information log, Active Firmware Info: active slot bits 2:0, next-reset slot bits 6:4. */
    public static int activeFirmwareInfo(int active, int nextReset) {
        return (active & 0x7) | (nextReset & 0x7) << 4;
    }

    /** The active slot (bits 2:0) of an Active Firmware Info byte. */
    public static int afiActiveSlot(int afi) {
        return afi & 0x7;
    }

    /** The slot activated at the next reset (bits 6:4, 0: none) of an Active Firmware Info byte. */
    public static int afiNextResetSlot(int afi) {
        return (afi >>> 4) & 0x7;
    }

    // ---- Namespace Management (5.20) and Attachment (5.19) ----

    /** SEL of a Namespace Management or Namespace Attachment CDW10, bits 3:0. */
    public static int select(int cdw10) {
        return cdw10 & 0xF;
    }

    public static final int NS_MGMT_CREATE = 0;
    public static final int NS_MGMT_DELETE = 1;

    /** CDW11 of Namespace Management create: the Command Set Identifier of the new namespace in bits 31:24. */
    public static int nsMgmtCdw11(int csi) {
        return (csi & 0xFF) << 24;
    }

    /** CSI from CDW11 of Namespace Management. */
    public static int nsMgmtCsi(int cdw11) {
        return cdw11 >>> 24;
    }
    public static final int NS_ATTACH = 0;
    public static final int NS_DETACH = 1;

    /** Namespace Granularity List (Identify CNS 16h, figure 316): NUMD (0-based descriptor count), 1 byte. */
    public static final int GRAN_NUMD = 31;
    /** The first Namespace Granularity Descriptor: size granularity (8 bytes), capacity granularity (8 bytes). */
    public static final int GRAN_DESCRIPTOR0 = 32;
    public static final int GRAN_DESCRIPTOR_SIZE = 16;
    public static final int GRAN_MAX_DESCRIPTORS = 16;

    // ---- Firmware Image Download (5.13, figures 147-148) ----

    /** CDW10 of Firmware Image Download: NUMD, the 0-based dword count of the piece. */
    public static int downloadCdw10(int bytes) {
        return bytes / 4 - 1;
    }

    /** CDW11 of Firmware Image Download: OFST, the piece's offset in dwords. */
    public static int downloadCdw11(long offsetBytes) {
        return (int) (offsetBytes / 4);
    }

    /** The piece's length in bytes from a Firmware Image Download CDW10. */
    public static long downloadBytes(int cdw10) {
        return ((cdw10 & 0xFFFF_FFFFL) + 1) * 4;
    }

    /** The piece's offset in bytes from a Firmware Image Download CDW11. */
    public static long downloadOffset(int cdw11) {
        return (cdw11 & 0xFFFF_FFFFL) * 4;
    }

    // ---- Device Self-test (5.11) and its log (5.16.1.7, figures 258-259) ----

    /** STC (self-test code) of a Device Self-test CDW10, bits 3:0. */
    public static int selfTestCode(int cdw10) {
        return cdw10 & 0xF;
    }

    public static final int STC_SHORT = 0x1;
    public static final int STC_EXTENDED = 0x2;
    public static final int STC_ABORT = 0xF;

    /** Size of the Device Self-test log: a 4-byte header and {@link #SELF_TEST_RESULTS} results. */
    public static final int SELF_TEST_LOG_SIZE = 564;
    public static final int SELF_TEST_RESULTS = 20;
    /** Current Device Self-Test Operation (bits 3:0), 1 byte. */
    public static final int ST_CURRENT_OPERATION = 0;
    /** Current Device Self-Test Completion (percent, bits 6:0), 1 byte. */
    public static final int ST_COMPLETION = 1;
    /** The first Self-test Result Data Structure; result n at {@code ST_RESULT0 + n * ST_RESULT_SIZE}. */
    public static final int ST_RESULT0 = 4;
    public static final int ST_RESULT_SIZE = 28;
    /** In a result: Device Self-test Status, code bits 7:4 and result bits 3:0. */
    public static final int STR_STATUS = 0;
    public static final int STR_SEGMENT = 1;
    /** In a result: Valid Diagnostic Information (bit 0 NSID, 1 FLBA, 2 SCT, 3 SC). */
    public static final int STR_VALID_INFO = 2;
    /** In a result: Power On Hours, 8 bytes. */
    public static final int STR_POWER_ON_HOURS = 4;
    public static final int STR_NSID = 12;
    /** In a result: Failing LBA, 8 bytes. */
    public static final int STR_FAILING_LBA = 16;
    public static final int STR_STATUS_CODE_TYPE = 24;
    public static final int STR_STATUS_CODE = 25;
    /** In a result: Vendor Specific, 2 bytes. */
    public static final int STR_VENDOR_SPECIFIC = 26;
    /** Valid Diagnostic Information bit 0: the NSID field is valid. */
    public static final int STR_VALID_NSID = 1;
    /** Valid Diagnostic Information bit 1: the Failing LBA field is valid. */
    public static final int STR_VALID_FLBA = 2;
    /** Valid Diagnostic Information bit 2: the Status Code Type field is valid. */
    public static final int STR_VALID_SCT = 4;
    /** Valid Diagnostic Information bit 3: the Status Code field is valid. */
    public static final int STR_VALID_SC = 8;
    /** The result code of a test that completed with failed segments: the first is in Segment Number. */
    public static final int ST_RESULT_SEGMENTS_FAILED = 7;
    /** The result code (status bits 3:0) of an entry that holds no result. */
    public static final int ST_RESULT_NOT_USED = 0xF;
    /** Result codes (status bits 3:0). */
    public static final int ST_RESULT_OK = 0;
    public static final int ST_RESULT_ABORTED_BY_COMMAND = 1;
    public static final int ST_RESULT_ABORTED_BY_RESET = 2;

    /** The Device Self-test Status byte of a result: the test's code and its result. */
    public static int selfTestStatus(int code, int result) {
        return (code & 0xF) << 4 | (result & 0xF);
    }

    /** The test's code (bits 7:4) of a Device Self-test Status byte. */
    public static int selfTestStatusCode(int status) {
        return (status >>> 4) & 0xF;
    }

    /** The result (bits 3:0) of a Device Self-test Status byte. */
    public static int selfTestStatusResult(int status) {
        return status & 0xF;
    }

    /** The Current Device Self-Test Operation (bits 3:0) of its byte. */
    public static int selfTestOperation(int b) {
        return b & 0xF;
    }

    /** The Current Device Self-Test Completion in percent (bits 6:0) of its byte. */
    public static int selfTestCompletion(int b) {
        return b & 0x7F;
    }

    // ---- Sanitize (5.24, figure 372) ----

    /** SANACT of a Sanitize CDW10, bits 2:0. */
    public static int sanitizeAction(int cdw10) {
        return cdw10 & 0x7;
    }

    public static final int SANACT_EXIT_FAILURE_MODE = 1;
    public static final int SANACT_BLOCK_ERASE = 2;
    public static final int SANACT_OVERWRITE = 3;
    public static final int SANACT_CRYPTO_ERASE = 4;
    /** Sanitize CDW10 bit 3: Allow Unrestricted Sanitize Exit. */
    public static final int SANITIZE_AUSE = 1 << 3;
    /** Sanitize CDW10 bits 7:4: Overwrite Pass Count. */
    public static final int SANITIZE_OWPASS_SHIFT = 4;
    /** Sanitize CDW10 bit 8: Overwrite Invert Pattern Between Passes. */
    public static final int SANITIZE_OIPBP = 1 << 8;
    /** Sanitize CDW10 bit 9: No-Deallocate After Sanitize. */
    public static final int SANITIZE_NO_DEALLOCATE = 1 << 9;

    /** CDW10 of Sanitize. */
    public static int sanitizeCdw10(int action, boolean ause, int passes, boolean invert, boolean noDeallocate) {
        return (action & 0x7) | (ause ? SANITIZE_AUSE : 0) | (passes & 0xF) << SANITIZE_OWPASS_SHIFT
                | (invert ? SANITIZE_OIPBP : 0) | (noDeallocate ? SANITIZE_NO_DEALLOCATE : 0);
    }

    // ---- Sanitize Status log (5.16.1.25, figure 293) ----

    public static final int SANITIZE_LOG_SIZE = 512;
    /** SPROG, 2 bytes: progress in 1/65536; FFFFh when no sanitize is in progress. */
    public static final int SAN_SPROG = 0;
    /** SSTAT, 2 bytes: status bits 2:0, completed overwrite passes 7:3, Global Data Erased bit 8. */
    public static final int SAN_SSTAT = 2;
    /** SCDW10, 4 bytes: CDW10 of the Sanitize command that started the last sanitize. */
    public static final int SAN_SCDW10 = 4;
    /** Estimated times, 4 bytes each, seconds (FFFFFFFFh: none reported): overwrite, block erase, crypto erase. */
    public static final int SAN_ETO = 8;
    public static final int SAN_ETBE = 12;
    public static final int SAN_ETCE = 16;
    /** The same with No-Deallocate After Sanitize. */
    public static final int SAN_ETOND = 20;
    public static final int SAN_ETBEND = 24;
    public static final int SAN_ETCEND = 28;
    /** SPROG when no sanitize is in progress. */
    public static final int SPROG_NOT_IN_PROGRESS = 0xFFFF;
    /** An estimated time the controller does not report. */
    public static final int NO_ESTIMATE = 0xFFFF_FFFF;
    /** SSTAT status values (bits 2:0). */
    public static final int SSTAT_NEVER = 0;
    public static final int SSTAT_COMPLETED = 1;
    public static final int SSTAT_IN_PROGRESS = 2;
    public static final int SSTAT_FAILED = 3;
    public static final int SSTAT_COMPLETED_NO_DEALLOCATE = 4;
}
