package dev.nvme4j.spec;

/**
 * Byte offsets in log pages (NVMe Base Specification 2.0, section 5.16.1): Error Information
 * (5.16.1.2, figure 205, 64 bytes per entry), SMART / Health Information (5.16.1.3, figure 207,
 * 512 bytes) and Firmware Slot Information (5.16.1.4, figure 208, 512 bytes). Also the
 * Asynchronous Event Request completion DW0 fields (5.2.1, figure 146).
 */
public final class LogPageLayout {
    private LogPageLayout() {
    }

    // ---- Error Information entry ----
    public static final int ERROR_ENTRY_SIZE = 64;
    public static final int ERR_ERROR_COUNT = 0;
    public static final int ERR_SQID = 8;
    public static final int ERR_CID = 10;
    /** Status Field (bits 15:1) and Phase Tag (bit 0), 2 bytes. */
    public static final int ERR_STATUS = 12;
    public static final int ERR_PARAM_LOCATION = 14;
    public static final int ERR_LBA = 16;
    public static final int ERR_NSID = 24;

    // ---- SMART / Health Information ----
    public static final int SMART_SIZE = 512;
    public static final int SMART_CRITICAL_WARNING = 0;
    /** Composite Temperature, 2 bytes, kelvin. */
    public static final int SMART_COMPOSITE_TEMPERATURE = 1;
    public static final int SMART_AVAILABLE_SPARE = 3;
    public static final int SMART_AVAILABLE_SPARE_THRESHOLD = 4;
    public static final int SMART_PERCENTAGE_USED = 5;
    /** Data Units Read, 16 bytes, thousands of 512-byte units. */
    public static final int SMART_DATA_UNITS_READ = 32;
    public static final int SMART_DATA_UNITS_WRITTEN = 48;
    public static final int SMART_HOST_READ_COMMANDS = 64;
    public static final int SMART_HOST_WRITE_COMMANDS = 80;
    public static final int SMART_POWER_CYCLES = 112;
    public static final int SMART_POWER_ON_HOURS = 128;
    public static final int SMART_UNSAFE_SHUTDOWNS = 144;
    public static final int SMART_MEDIA_ERRORS = 160;
    public static final int SMART_ERROR_LOG_ENTRIES = 176;

    // ---- Firmware Slot Information ----
    public static final int FW_SIZE = 512;
    /** Active Firmware Info, 1 byte: bits 2:0 active slot. */
    public static final int FW_AFI = 0;
    /** Firmware Revision for Slot 1, 8 bytes; slot n at 8 * n. */
    public static final int FW_FRS1 = 8;
    /** Bytes of a firmware revision (FRSn; also Identify Controller FR). */
    public static final int FW_FRS_LEN = 8;
    /** Firmware slots the log describes (FRS1 to FRS7). */
    public static final int FW_SLOTS = 7;

    /** Where the revision of firmware slot {@code slot} (1-7) is. */
    public static int fwRevisionOffset(int slot) {
        return FW_FRS1 + FW_FRS_LEN * (slot - 1);
    }

    // ---- Changed Namespace List (Base 5.16.1.5) ----
    /** Entries of the Changed Namespace List: up to 1024 NSIDs of 4 bytes, zero-terminated. */
    public static final int CHANGED_NS_LIST_ENTRIES = 1024;
    /** The first entry when more than 1024 namespaces changed (then it is the only one). */
    public static final int CHANGED_NS_LIST_OVERFLOW = 0xFFFF_FFFF;

    // ---- Asynchronous Event Request completion DW0 ----
    public static final int AER_TYPE_ERROR = 0;
    public static final int AER_TYPE_SMART = 1;
    public static final int AER_TYPE_NOTICE = 2;
    /** Notice info 00h: Namespace Attribute Changed. */
    public static final int AER_INFO_NS_ATTRIBUTE_CHANGED = 0;
    /** SMART info 00h: NVM subsystem reliability. */
    public static final int AER_INFO_SMART_RELIABILITY = 0;
    /** SMART info 01h: temperature threshold. */
    public static final int AER_INFO_SMART_TEMPERATURE = 1;
    /** SMART info 02h: spare below threshold. */
    public static final int AER_INFO_SMART_SPARE = 2;
    /** SMART Critical Warning bit 0: available spare below threshold. */
    public static final int SMART_CW_SPARE = 0x01;
    /** SMART Critical Warning bit 1: temperature outside a threshold. */
    public static final int SMART_CW_TEMPERATURE = 0x02;

    /** AER completion DW0: type 2:0, info 15:8, log page identifier 23:16. */
    public static int aerDw0(int type, int info, int logPage) {
        return (type & 0x7) | ((info & 0xFF) << 8) | ((logPage & 0xFF) << 16);
    }

    /** Asynchronous Event Type of an AER completion DW0 (bits 2:0). */
    public static int aerType(int dw0) {
        return dw0 & 0x7;
    }

    /** Asynchronous Event Information of an AER completion DW0 (bits 15:8). */
    public static int aerInfo(int dw0) {
        return (dw0 >>> 8) & 0xFF;
    }

    /** Log Page Identifier of an AER completion DW0 (bits 23:16). */
    public static int aerLogPage(int dw0) {
        return (dw0 >>> 16) & 0xFF;
    }

    /** Async Event Configuration (feature 0Bh) bits 7:0: an event for each SMART / health critical warning bit. */
    public static final int AEC_SMART_CRITICAL_WARNINGS = 0xFF;
    /** Async Event Configuration (feature 0Bh) bit 8: namespace attribute notices enabled. */
    public static final int AEC_NS_ATTRIBUTE_NOTICES = 1 << 8;
}
