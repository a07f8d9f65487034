package dev.nvme4j.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Named NVMe completion statuses with the specification's names: NVMe Base Specification 2.0,
 * section 4.6.1.2 (generic, figure 94 and NVM command set figure 95), 4.6.1.2.2 (command
 * specific, figure 96), 4.6.1.2.3 (media and data integrity, figure 97), 4.6.1.2.4 (path
 * related, figure 98). Statuses the host synthesises for commands it never got a completion
 * for (controller failed, closed or timed out) use the path-related code "Command Aborted By
 * Host" (SCT 3h, SC 71h) with DNR set, as the Linux driver does; commands of a device that was
 * removed (the kernel requested it back: hot-unplug, unbind) complete with "Host Pathing Error"
 * (SCT 3h, SC 70h) with DNR, as the path to the device is gone.
 *
 * <p>Immutable and thread-safe.
 */
public enum NvmeStatus {
    SUCCESS(0, 0x00, "Successful Completion"),
    INVALID_COMMAND_OPCODE(0, 0x01, "Invalid Command Opcode"),
    INVALID_FIELD_IN_COMMAND(0, 0x02, "Invalid Field in Command"),
    COMMAND_ID_CONFLICT(0, 0x03, "Command ID Conflict"),
    DATA_TRANSFER_ERROR(0, 0x04, "Data Transfer Error"),
    ABORTED_POWER_LOSS(0, 0x05, "Commands Aborted due to Power Loss Notification"),
    INTERNAL_ERROR(0, 0x06, "Internal Error"),
    COMMAND_ABORT_REQUESTED(0, 0x07, "Command Abort Requested"),
    ABORTED_SQ_DELETION(0, 0x08, "Command Aborted due to SQ Deletion"),
    ABORTED_FAILED_FUSED(0, 0x09, "Command Aborted due to Failed Fused Command"),
    ABORTED_MISSING_FUSED(0, 0x0A, "Command Aborted due to Missing Fused Command"),
    INVALID_NAMESPACE_OR_FORMAT(0, 0x0B, "Invalid Namespace or Format"),
    COMMAND_SEQUENCE_ERROR(0, 0x0C, "Command Sequence Error"),
    INVALID_SGL_SEGMENT_DESCRIPTOR(0, 0x0D, "Invalid SGL Segment Descriptor"),
    INVALID_NUMBER_OF_SGL_DESCRIPTORS(0, 0x0E, "Invalid Number of SGL Descriptors"),
    DATA_SGL_LENGTH_INVALID(0, 0x0F, "Data SGL Length Invalid"),
    METADATA_SGL_LENGTH_INVALID(0, 0x10, "Metadata SGL Length Invalid"),
    SGL_DESCRIPTOR_TYPE_INVALID(0, 0x11, "SGL Descriptor Type Invalid"),
    PRP_OFFSET_INVALID(0, 0x13, "PRP Offset Invalid"),
    OPERATION_DENIED(0, 0x15, "Operation Denied"),
    NAMESPACE_WRITE_PROTECTED(0, 0x20, "Namespace is Write Protected"),
    COMMAND_INTERRUPTED(0, 0x21, "Command Interrupted"),
    TRANSIENT_TRANSPORT_ERROR(0, 0x22, "Transient Transport Error"),
    IO_COMMAND_SET_NOT_SUPPORTED(0, 0x29, "I/O Command Set Not Supported"),
    LBA_OUT_OF_RANGE(0, 0x80, "LBA Out of Range"),
    CAPACITY_EXCEEDED(0, 0x81, "Capacity Exceeded"),
    NAMESPACE_NOT_READY(0, 0x82, "Namespace Not Ready"),
    RESERVATION_CONFLICT(0, 0x83, "Reservation Conflict"),
    FORMAT_IN_PROGRESS(0, 0x84, "Format In Progress"),
    SANITIZE_FAILED(0, 0x1C, "Sanitize Failed"),
    SANITIZE_IN_PROGRESS(0, 0x1D, "Sanitize In Progress"),

    COMPLETION_QUEUE_INVALID(1, 0x00, "Completion Queue Invalid"),
    INVALID_QUEUE_IDENTIFIER(1, 0x01, "Invalid Queue Identifier"),
    INVALID_QUEUE_SIZE(1, 0x02, "Invalid Queue Size"),
    ABORT_COMMAND_LIMIT_EXCEEDED(1, 0x03, "Abort Command Limit Exceeded"),
    ASYNC_EVENT_REQUEST_LIMIT_EXCEEDED(1, 0x05, "Asynchronous Event Request Limit Exceeded"),
    INVALID_FIRMWARE_SLOT(1, 0x06, "Invalid Firmware Slot"),
    INVALID_FIRMWARE_IMAGE(1, 0x07, "Invalid Firmware Image"),
    INVALID_INTERRUPT_VECTOR(1, 0x08, "Invalid Interrupt Vector"),
    INVALID_LOG_PAGE(1, 0x09, "Invalid Log Page"),
    INVALID_FORMAT(1, 0x0A, "Invalid Format"),
    INVALID_QUEUE_DELETION(1, 0x0C, "Invalid Queue Deletion"),
    FEATURE_NOT_SAVEABLE(1, 0x0D, "Feature Identifier Not Saveable"),
    FEATURE_NOT_CHANGEABLE(1, 0x0E, "Feature Not Changeable"),
    FEATURE_NOT_NAMESPACE_SPECIFIC(1, 0x0F, "Feature Not Namespace Specific"),
    FIRMWARE_NEEDS_CONVENTIONAL_RESET(1, 0x0B, "Firmware Activation Requires Conventional Reset"),
    FIRMWARE_NEEDS_SUBSYSTEM_RESET(1, 0x10, "Firmware Activation Requires NVM Subsystem Reset"),
    FIRMWARE_NEEDS_RESET(1, 0x11, "Firmware Activation Requires Controller Level Reset"),
    FIRMWARE_NEEDS_MAX_TIME_VIOLATION(1, 0x12, "Firmware Activation Requires Maximum Time Violation"),
    FIRMWARE_ACTIVATION_PROHIBITED(1, 0x13, "Firmware Activation Prohibited"),
    OVERLAPPING_RANGE(1, 0x14, "Overlapping Range"),
    NAMESPACE_INSUFFICIENT_CAPACITY(1, 0x15, "Namespace Insufficient Capacity"),
    NAMESPACE_ID_UNAVAILABLE(1, 0x16, "Namespace Identifier Unavailable"),
    NAMESPACE_ALREADY_ATTACHED(1, 0x18, "Namespace Already Attached"),
    NAMESPACE_IS_PRIVATE(1, 0x19, "Namespace Is Private"),
    NAMESPACE_NOT_ATTACHED(1, 0x1A, "Namespace Not Attached"),
    THIN_PROVISIONING_NOT_SUPPORTED(1, 0x1B, "Thin Provisioning Not Supported"),
    CONTROLLER_LIST_INVALID(1, 0x1C, "Controller List Invalid"),
    SELF_TEST_IN_PROGRESS(1, 0x1D, "Device Self-test In Progress"),
    ANA_GROUP_ID_INVALID(1, 0x24, "ANA Group Identifier Invalid"),
    CONFLICTING_ATTRIBUTES(1, 0x80, "Conflicting Attributes"),
    INVALID_PROTECTION_INFORMATION(1, 0x81, "Invalid Protection Information"),
    WRITE_TO_READ_ONLY_RANGE(1, 0x82, "Attempted Write to Read Only Range"),

    WRITE_FAULT(2, 0x80, "Write Fault"),
    UNRECOVERED_READ_ERROR(2, 0x81, "Unrecovered Read Error"),
    GUARD_CHECK_ERROR(2, 0x82, "End-to-end Guard Check Error"),
    APPLICATION_TAG_CHECK_ERROR(2, 0x83, "End-to-end Application Tag Check Error"),
    REFERENCE_TAG_CHECK_ERROR(2, 0x84, "End-to-end Reference Tag Check Error"),
    COMPARE_FAILURE(2, 0x85, "Compare Failure"),
    ACCESS_DENIED(2, 0x86, "Access Denied"),
    DEALLOCATED_OR_UNWRITTEN_BLOCK(2, 0x87, "Deallocated or Unwritten Logical Block"),

    INTERNAL_PATH_ERROR(3, 0x00, "Internal Path Error"),
    HOST_PATHING_ERROR(3, 0x70, "Host Pathing Error"),
    COMMAND_ABORTED_BY_HOST(3, 0x71, "Command Aborted By Host"),

    /** Any status not named above; see {@link Status#describe(int)} for its codes. */
    UNKNOWN(-1, -1, "Unknown Status");

    private static final Map<Integer, NvmeStatus> BY_CODE = new HashMap<>();

    static {
        for (NvmeStatus s : values()) {
            if (s.sct >= 0) {
                BY_CODE.put(key(s.sct, s.sc), s);
            }
        }
    }

    private final int sct;
    private final int sc;
    private final String description;

    NvmeStatus(int sct, int sc, String description) {
        this.sct = sct;
        this.sc = sc;
        this.description = description;
    }

    private static int key(int sct, int sc) {
        return (sct << 8) | sc;
    }

    /** Decodes the SCT and SC of a raw status field; DNR, More and CRD are ignored. */
    public static NvmeStatus of(int status) {
        return BY_CODE.getOrDefault(key(Status.sct(status), Status.sc(status)), UNKNOWN);
    }

    public int sct() {
        return sct;
    }

    public int sc() {
        return sc;
    }

    /** The specification's name of this status. */
    public String description() {
        return description;
    }

    /** The raw status field of this status, optionally with DNR. */
    public int code(boolean dnr) {
        if (this == UNKNOWN) {
            throw new IllegalStateException("UNKNOWN has no status code");
        }
        return Status.of(sct, sc, dnr);
    }
}
