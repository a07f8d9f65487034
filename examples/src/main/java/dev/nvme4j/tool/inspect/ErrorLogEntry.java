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

    /** The fields with nvme-cli's names. */
    public Fields fields() {
        Fields f = new Fields();
        f.num("error_count", errorCount);
        f.num("sqid", sqid);
        f.hex("cmdid", cmdid);
        f.num("status_field", statusField, String.format("0x%x (%s)", statusField,
                dev.nvme4j.api.Status.describe(statusField)));
        f.num("phase_tag", phaseTag);
        f.hex("parm_error_location", parmErrorLocation);
        f.num("lba", lba);
        f.num("nsid", nsid);
        f.num("vs", vs);
        f.num("trtype", trtype);
        f.hex("cs", cs);
        f.hex("trtype_spec_info", trtypeSpecInfo);
        return f;
    }
}
