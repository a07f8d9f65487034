package dev.nvme4j.spec;

/**
 * Command opcodes: admin command set (NVMe Base Specification 2.0, section 5, figure 28)
 * and NVM command set I/O commands (NVM Command Set Specification 1.0, section 3, figure 17).
 */
public final class Opcodes {
    private Opcodes() {
    }

    // Admin commands (Base 5).
    public static final int ADMIN_DELETE_IO_SQ = 0x00;
    public static final int ADMIN_CREATE_IO_SQ = 0x01;
    public static final int ADMIN_GET_LOG_PAGE = 0x02;
    public static final int ADMIN_DELETE_IO_CQ = 0x04;
    public static final int ADMIN_CREATE_IO_CQ = 0x05;
    public static final int ADMIN_IDENTIFY = 0x06;
    public static final int ADMIN_ABORT = 0x08;
    public static final int ADMIN_SET_FEATURES = 0x09;
    public static final int ADMIN_GET_FEATURES = 0x0A;
    public static final int ADMIN_KEEP_ALIVE = 0x18;
    public static final int ADMIN_ASYNC_EVENT_REQUEST = 0x0C;
    /** Format NVM (Base 5.14): CDW10 LBAF 3:0 (and 13:12), MSET 4, PI 7:5, PIL 8, SES 11:9. */
    public static final int ADMIN_FORMAT_NVM = 0x80;
    public static final int ADMIN_DOORBELL_BUFFER_CONFIG = 0x7C;
    /** Firmware Commit (Base 5.12): CDW10 FS 2:0, CA 5:3, BPID 31. */
    public static final int ADMIN_FIRMWARE_COMMIT = 0x10;
    /** Firmware Image Download (Base 5.13): CDW10 NUMD (0-based dwords), CDW11 OFST (dwords). */
    public static final int ADMIN_FIRMWARE_DOWNLOAD = 0x11;
    /** Namespace Management (Base 5.20): CDW10 SEL 3:0 (0 create, 1 delete). */
    public static final int ADMIN_NAMESPACE_MANAGEMENT = 0x0D;
    /** Device Self-test (Base 5.11): CDW10 STC 3:0. */
    public static final int ADMIN_DEVICE_SELF_TEST = 0x14;
    /** Namespace Attachment (Base 5.19): CDW10 SEL 3:0 (0 attach, 1 detach), a Controller List. */
    public static final int ADMIN_NAMESPACE_ATTACHMENT = 0x15;
    /** Sanitize (Base 5.24): CDW10 SANACT 2:0, AUSE 3, OWPASS 7:4, OIPBP 8, NDAS 9; CDW11 OVRPAT. */
    public static final int ADMIN_SANITIZE = 0x84;

    // NVM I/O commands (NVM Command Set 3).
    public static final int NVM_FLUSH = 0x00;
    public static final int NVM_WRITE = 0x01;
    public static final int NVM_READ = 0x02;
    public static final int NVM_WRITE_ZEROES = 0x08;
    public static final int NVM_DATASET_MANAGEMENT = 0x09;

    /** NSID FFFFFFFFh: every namespace (broadcast), or "not namespace specific" where a command allows it (Base 3.2.1). */
    public static final int NSID_BROADCAST = 0xFFFF_FFFF;

    // Identify CNS values (Base 5.17, figure 273).
    public static final int CNS_NAMESPACE = 0x00;
    public static final int CNS_CONTROLLER = 0x01;
    public static final int CNS_ACTIVE_NAMESPACE_LIST = 0x02;
    /** Active Namespace ID list of the I/O Command Set in CDW11 CSI. */
    public static final int CNS_ACTIVE_NAMESPACE_LIST_CSI = 0x07;
    /** Allocated Namespace ID list (attached or not). */
    public static final int CNS_ALLOCATED_NAMESPACE_LIST = 0x10;
    /** Allocated Namespace ID list of the I/O Command Set in CDW11 CSI. */
    public static final int CNS_ALLOCATED_NAMESPACE_LIST_CSI = 0x1A;
    /** Identify Namespace of an allocated NSID, attached or not. */
    public static final int CNS_ALLOCATED_NAMESPACE = 0x11;
    /** Controller list: the controllers NSID is attached to (CDW10 CNTID: from this ID up). */
    public static final int CNS_NAMESPACE_CONTROLLER_LIST = 0x12;
    /** Controller list: every controller of the NVM subsystem. */
    public static final int CNS_CONTROLLER_LIST = 0x13;
    /** Namespace Granularity List (CTRATT bit 7). */
    public static final int CNS_NAMESPACE_GRANULARITY = 0x16;

    // Feature identifiers (Base 5.27.1, figure 317).
    public static final int FEAT_ARBITRATION = 0x01;
    /** Temperature Threshold: sensor (TMPSEL) and over/under (THSEL) selected in CDW11 bits 21:16. */
    public static final int FEAT_TEMPERATURE_THRESHOLD = 0x04;
    public static final int FEAT_VOLATILE_WRITE_CACHE = 0x06;
    public static final int FEAT_NUMBER_OF_QUEUES = 0x07;
    public static final int FEAT_INTERRUPT_COALESCING = 0x08;
    /** Interrupt Vector Configuration: one value per vector, the vector in CDW11 bits 15:0. */
    public static final int FEAT_INTERRUPT_VECTOR_CONFIG = 0x09;
    public static final int FEAT_ASYNC_EVENT_CONFIG = 0x0B;
    /**
     * Host Behavior Support (Base 5.27.1.18): a 512-byte data structure; byte 0 bit 0 is ACRE,
     * Advanced Command Retry Enable: only with it set may a controller put a Command Retry
     * Delay (CRD) into an error status.
     */
    public static final int FEAT_HOST_BEHAVIOR_SUPPORT = 0x16;
    /** Size of the Host Behavior Support data structure. */
    public static final int HOST_BEHAVIOR_SUPPORT_SIZE = 512;

    // Log page identifiers (Base 5.16.1, figure 202).
    public static final int LOG_ERROR_INFORMATION = 0x01;
    public static final int LOG_SMART_HEALTH = 0x02;
    public static final int LOG_FIRMWARE_SLOT = 0x03;
    public static final int LOG_CHANGED_NAMESPACE_LIST = 0x04;
    /** Device Self-test log (Base 5.16.1.7): 564 bytes. */
    public static final int LOG_DEVICE_SELF_TEST = 0x06;
    /** Sanitize Status log (Base 5.16.1.25): 512 bytes. */
    public static final int LOG_SANITIZE_STATUS = 0x81;

    /** Dataset Management attribute: deallocate (NVM Command Set 3.2.1, CDW11.AD). */
    public static final int DSM_ATTR_DEALLOCATE = 1 << 2;

    /** Human-readable admin opcode name for messages. */
    public static String adminName(int opcode) {
        return switch (opcode) {
            case ADMIN_DELETE_IO_SQ -> "Delete I/O Submission Queue";
            case ADMIN_CREATE_IO_SQ -> "Create I/O Submission Queue";
            case ADMIN_GET_LOG_PAGE -> "Get Log Page";
            case ADMIN_DELETE_IO_CQ -> "Delete I/O Completion Queue";
            case ADMIN_CREATE_IO_CQ -> "Create I/O Completion Queue";
            case ADMIN_IDENTIFY -> "Identify";
            case ADMIN_ABORT -> "Abort";
            case ADMIN_SET_FEATURES -> "Set Features";
            case ADMIN_GET_FEATURES -> "Get Features";
            case ADMIN_ASYNC_EVENT_REQUEST -> "Asynchronous Event Request";
            case ADMIN_FORMAT_NVM -> "Format NVM";
            case ADMIN_DOORBELL_BUFFER_CONFIG -> "Doorbell Buffer Config";
            case ADMIN_FIRMWARE_COMMIT -> "Firmware Commit";
            case ADMIN_FIRMWARE_DOWNLOAD -> "Firmware Image Download";
            case ADMIN_NAMESPACE_MANAGEMENT -> "Namespace Management";
            case ADMIN_DEVICE_SELF_TEST -> "Device Self-test";
            case ADMIN_NAMESPACE_ATTACHMENT -> "Namespace Attachment";
            case ADMIN_SANITIZE -> "Sanitize";
            default -> String.format("admin opcode 0x%02x", opcode);
        };
    }

    /** Human-readable feature name for messages (Base 5.27.1, figure 317). */
    public static String featureName(int fid) {
        return switch (fid) {
            case FEAT_ARBITRATION -> "Arbitration";
            case 0x02 -> "Power Management";
            case FEAT_TEMPERATURE_THRESHOLD -> "Temperature Threshold";
            case 0x05 -> "Error Recovery";
            case FEAT_VOLATILE_WRITE_CACHE -> "Volatile Write Cache";
            case FEAT_NUMBER_OF_QUEUES -> "Number of Queues";
            case FEAT_INTERRUPT_COALESCING -> "Interrupt Coalescing";
            case FEAT_INTERRUPT_VECTOR_CONFIG -> "Interrupt Vector Configuration";
            case 0x0A -> "Write Atomicity Normal";
            case FEAT_ASYNC_EVENT_CONFIG -> "Asynchronous Event Configuration";
            case FEAT_HOST_BEHAVIOR_SUPPORT -> "Host Behavior Support";
            default -> String.format("feature 0x%02x", fid);
        };
    }

    /** Human-readable NVM I/O opcode name for messages. */
    public static String ioName(int opcode) {
        return switch (opcode) {
            case NVM_FLUSH -> "Flush";
            case NVM_WRITE -> "Write";
            case NVM_READ -> "Read";
            case NVM_WRITE_ZEROES -> "Write Zeroes";
            case NVM_DATASET_MANAGEMENT -> "Dataset Management";
            default -> String.format("I/O opcode 0x%02x", opcode);
        };
    }
}
