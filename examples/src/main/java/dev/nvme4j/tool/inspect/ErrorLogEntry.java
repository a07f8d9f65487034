package dev.nvme4j.tool.inspect;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the Error Information log page (Log Identifier 01h; NVMe Base Specification
 * 2.0, section 5.16.1.2, figure 205), 64 bytes. Immutable.
 *
 * @param errorCount             bytes 7:0, unique error number (0: the entry is empty)
 * @param sqid                   bytes 9:8, submission queue
 * @param cmdid                  bytes 11:10, command identifier
 * @param statusField            bytes 13:12 bits 15:1, the completion's status field
 * @param phaseTag               byte 12 bit 0
 * @param parmErrorLocation      bytes 15:14
 * @param lba                    bytes 23:16, first LBA that had the error
 * @param nsid                   bytes 27:24
 * @param vs                     byte 28, vendor specific information available
 * @param trtype                 byte 29, transport type
 * @param cs                     bytes 39:32, command specific information
 * @param trtypeSpecInfo         bytes 41:40
 */
public record ErrorLogEntry(long errorCount, int sqid, int cmdid, int statusField, int phaseTag,
                            int parmErrorLocation, long lba, long nsid, int vs, int trtype, long cs,
                            int trtypeSpecInfo) {
    /** Bytes per entry. */
    public static final int SIZE = 64;

    /** Parses the entry at {@code off}. */
    public static ErrorLogEntry parse(byte[] b, int off) {
        int sf = Bytes.u16(b, off + 12);
        return new ErrorLogEntry(Bytes.u64(b, off), Bytes.u16(b, off + 8), Bytes.u16(b, off + 10), sf >>> 1,
                sf & 1, Bytes.u16(b, off + 14), Bytes.u64(b, off + 16), Bytes.u32(b, off + 24), Bytes.u8(b, off + 28),
                Bytes.u8(b, off + 29), Bytes.u64(b, off + 32), Bytes.u16(b, off + 40));
    }

    /** Parses every whole entry of a page. */
    public static List<ErrorLogEntry> parseAll(byte[] page) {
        List<ErrorLogEntry> list = new ArrayList<>();
        for (int off = 0; off + SIZE <= page.length; off += SIZE) {
            list.add(parse(page, off));
        }
        return list;
    }

    /** One entry's fields in nvme-cli's order, JSON names and normal-output labels. */
    static final Layout LAYOUT = Layout.builder(0)
            .dec("error_count", 0, 8).label("error_count\t")
            .dec("sqid", 8, 2).label("sqid\t\t")
            .hex("cmdid", 10, 2).label("cmdid\t\t")
            .hex("status_field", 12, 2).bits(1, 15).label("status_field\t")
            .text(v -> Layout.cHex((Long) v) + "(" + statusText((int) (long) (Long) v) + ")")
            .hex("phase_tag", 12, 2).bits(0, 1).label("phase_tag\t")
            .hex("parm_error_location", 14, 2).label("parm_err_loc\t")
            .hex("lba", 16, 8).label("lba\t\t")
            .hex("nsid", 24, 4).label("nsid\t\t")
            .dec("vs", 28, 1).label("vs\t\t")
            .dec("trtype", 29, 1).label("trtype\t\t").text(v -> switch ((int) (long) (Long) v) {
                case 0 -> "The transport type is not indicated or the error is not transport related.";
                case 1 -> "RDMA Transport error.";
                case 2 -> "Fibre Channel Transport error.";
                case 3 -> "TCP Transport error.";
                case 254 -> "Intra-host Transport error.";
                default -> "Reserved";
            })
            .hex("cs", 32, 8).label("cs\t\t")
            .hex("trtype_spec_info", 40, 2).label("trtype_spec_info")
            .build();

    /** A status field's meaning; nvme-cli's wording for success. */
    static String statusText(int statusField) {
        return statusField == 0 ? "Successful Completion: The command completed without error"
                : dev.nvme4j.api.Status.describe(statusField);
    }

    /** The fields of the entry at {@code off} of a raw page, with nvme-cli's names. */
    public static Fields fields(byte[] page, int off) {
        return LAYOUT.render(page, off);
    }
}
