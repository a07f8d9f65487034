package dev.nvme4j.api;

/**
 * Helpers over a raw completion status: the 15-bit Status Field of a completion queue entry
 * (NVMe Base Specification 2.0, section 4.6.1, figure 93): SC bits 7:0, SCT bits 10:8,
 * CRD bits 12:11, More bit 13, DNR bit 14. Zero means success.
 *
 * <p>Callbacks receive this raw {@code int} so that completing a command allocates nothing;
 * {@link NvmeStatus#of(int)} turns it into a named value when needed. Stateless and thread-safe.
 */
public final class Status {
    private Status() {
    }

    public static final int SUCCESS = 0;
    public static final int DNR_BIT = 1 << 14;
    public static final int MORE_BIT = 1 << 13;

    public static boolean isSuccess(int status) {
        return status == SUCCESS;
    }

    /** Status Code. */
    public static int sc(int status) {
        return status & 0xFF;
    }

    /** Status Code Type. */
    public static int sct(int status) {
        return (status >>> 8) & 0x7;
    }

    /** The Command Retry Delay field, bits 12:11. */
    public static final int CRD_MASK = 0x3 << 11;

    /** Command Retry Delay index. */
    public static int crd(int status) {
        return (status >>> 11) & 0x3;
    }

    /** More: more status information is available in the Error Information log page. */
    public static boolean more(int status) {
        return (status & MORE_BIT) != 0;
    }

    /** Do Not Retry: the same command would fail again if resubmitted. */
    public static boolean dnr(int status) {
        return (status & DNR_BIT) != 0;
    }

    /** Composes a status field. */
    public static int of(int sct, int sc, boolean dnr) {
        return ((sct & 0x7) << 8) | (sc & 0xFF) | (dnr ? DNR_BIT : 0);
    }

    /**
     * What a status means for the caller, in a few words: the likely cause and whether a retry
     * can help (DNR says it cannot).
     */
    public static String meaning(int status) {
        String cause = switch (NvmeStatus.of(status)) {
            case SUCCESS -> "the command succeeded";
            case INVALID_COMMAND_OPCODE -> "the controller does not implement this command";
            case INVALID_FIELD_IN_COMMAND -> "the controller rejects a field of the command";
            case DATA_TRANSFER_ERROR -> "the data could not be moved (bad DMA address or PRP entry)";
            case INTERNAL_ERROR -> "the controller failed internally";
            case COMMAND_ABORT_REQUESTED -> "the host aborted the command after its timeout";
            case ABORTED_SQ_DELETION -> "its queue was deleted while it was outstanding";
            case INVALID_NAMESPACE_OR_FORMAT -> "the namespace does not exist or is not usable";
            case LBA_OUT_OF_RANGE -> "the blocks are beyond the end of the namespace";
            case CAPACITY_EXCEEDED -> "the namespace is full";
            case NAMESPACE_NOT_READY -> "the namespace is temporarily unavailable";
            case NAMESPACE_WRITE_PROTECTED, WRITE_TO_READ_ONLY_RANGE -> "the blocks are write protected";
            case WRITE_FAULT -> "the media could not store the data";
            case UNRECOVERED_READ_ERROR -> "the media could not return the data";
            case COMMAND_ABORTED_BY_HOST -> "the host gave up on it (timeout beyond recovery, controller reset, "
                    + "failed or closed)";
            case HOST_PATHING_ERROR -> "the device is gone: it was removed (hot-unplug or unbind) while the command"
                    + " was outstanding or after";
            default -> "see the NVMe specification for this status";
        };
        if (status == SUCCESS) {
            return cause;
        }
        return cause + (dnr(status) ? "; retrying will not help (DNR)" : "; a retry may succeed");
    }

    /** One-line description such as {@code "LBA Out of Range (SCT 0x0, SC 0x80, DNR)"}. */
    public static String describe(int status) {
        StringBuilder sb = new StringBuilder(NvmeStatus.of(status).description());
        sb.append(String.format(" (SCT 0x%x, SC 0x%02x", sct(status), sc(status)));
        if (dnr(status)) {
            sb.append(", DNR");
        }
        if (more(status)) {
            sb.append(", More");
        }
        return sb.append(')').toString();
    }
}
