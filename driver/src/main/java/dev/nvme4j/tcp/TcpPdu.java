package dev.nvme4j.tcp;

/**
 * The PDU formats of the NVMe/TCP Transport Specification 1.0 (section 3.6): types, flags, header
 * lengths and field offsets. All multi-byte fields are little-endian; offsets are from the start
 * of the PDU.
 *
 * <p>Every PDU starts with the 8-byte common header (3.6.1): PDU-Type (byte 0), FLAGS (1), HLEN
 * (2, header length without the header digest), PDO (3, offset of the data from the start of the
 * PDU, 0 when there is no data) and PLEN (4-7, the whole PDU: header, header digest, padding,
 * data and data digest).
 */
final class TcpPdu {
    private TcpPdu() {
    }

    // PDU types (figure 17)
    static final int ICREQ = 0x00;
    static final int ICRESP = 0x01;
    static final int H2C_TERM_REQ = 0x02;
    static final int C2H_TERM_REQ = 0x03;
    static final int CAPSULE_CMD = 0x04;
    static final int CAPSULE_RESP = 0x05;
    static final int H2C_DATA = 0x06;
    static final int C2H_DATA = 0x07;
    static final int R2T = 0x09;

    // Common header flags (figure 18 and the per-PDU definitions)
    static final int FLAG_HDGST = 0x01;
    static final int FLAG_DDGST = 0x02;
    /** H2CData/C2HData: the last data PDU of the transfer (C2H) or of the R2T (H2C). */
    static final int FLAG_DATA_LAST = 0x04;
    /** C2HData: the command completed successfully, no CapsuleResp follows (3.6.2.9). */
    static final int FLAG_DATA_SUCCESS = 0x08;

    static final int COMMON_HEADER_LENGTH = 8;
    static final int DIGEST_LENGTH = 4;

    // Fixed header lengths (HLEN) per type
    static final int ICREQ_HLEN = 128;
    static final int ICRESP_HLEN = 128;
    static final int TERM_REQ_HLEN = 24;
    static final int CAPSULE_CMD_HLEN = 8 + 64;
    static final int CAPSULE_RESP_HLEN = 8 + 16;
    static final int DATA_HLEN = 24;
    static final int R2T_HLEN = 24;
    static final int MAX_HLEN = 128;

    /** The longest C2HTermReq: its header and at most 128 bytes of the offending PDU header. */
    static final int MAX_TERM_REQ_PLEN = TERM_REQ_HLEN + 128;

    // Common header fields
    static final int OFF_TYPE = 0;
    static final int OFF_FLAGS = 1;
    static final int OFF_HLEN = 2;
    static final int OFF_PDO = 3;
    static final int OFF_PLEN = 4;

    // ICReq (3.6.2.2) / ICResp (3.6.2.3)
    static final int OFF_IC_PFV = 8;
    /** ICReq: HPDA; ICResp: CPDA. 0's based dwords: data starts at a multiple of (n + 1) * 4. */
    static final int OFF_IC_PDA = 10;
    /** Bit 0 header digest enable, bit 1 data digest enable. */
    static final int OFF_IC_DGST = 11;
    /** ICReq: MAXR2T (0's based); ICResp: MAXH2CDATA (bytes). */
    static final int OFF_IC_MAXR2T_OR_MAXH2CDATA = 12;
    static final int IC_DGST_HEADER = 0x01;
    static final int IC_DGST_DATA = 0x02;
    static final int PFV_1_0 = 0;
    /** The smallest MAXH2CDATA a controller may report (3.6.2.3). */
    static final int MIN_MAXH2CDATA = 4096;
    /** HPDA/CPDA are 0's based dword counts in 0..31 (3.6.2.2). */
    static final int MAX_PDA = 31;

    // TermReq (3.6.2.4/5)
    static final int OFF_TERM_FES = 8;
    static final int OFF_TERM_FEI = 10;

    // CapsuleCmd: the 64-byte SQE at byte 8; CapsuleResp: the 16-byte CQE at byte 8
    static final int OFF_CAPSULE = 8;

    // H2CData / C2HData (3.6.2.8/9) and R2T (3.6.2.7)
    static final int OFF_DATA_CCCID = 8;
    static final int OFF_DATA_TTAG = 10;
    static final int OFF_DATA_OFFSET = 12;
    static final int OFF_DATA_LENGTH = 16;

    // Fatal error status (FES) of H2CTermReq / C2HTermReq (figures 20 and 22)
    static final int FES_INVALID_HEADER_FIELD = 0x01;
    static final int FES_PDU_SEQUENCE_ERROR = 0x02;
    static final int FES_HEADER_DIGEST_ERROR = 0x03;
    static final int FES_DATA_OUT_OF_RANGE = 0x04;
    static final int FES_DATA_LIMIT_EXCEEDED = 0x05;
    static final int FES_UNSUPPORTED_PARAMETER = 0x06;

    /** The fixed HLEN of a PDU type the host may receive, or -1 for a type it must never get. */
    static int expectedC2hHeaderLength(int type) {
        return switch (type) {
            case ICRESP -> ICRESP_HLEN;
            case C2H_TERM_REQ -> TERM_REQ_HLEN;
            case CAPSULE_RESP -> CAPSULE_RESP_HLEN;
            case C2H_DATA -> DATA_HLEN;
            case R2T -> R2T_HLEN;
            default -> -1;
        };
    }

    /** The PDU type's name in the specification, for messages. */
    static String typeName(int type) {
        return switch (type) {
            case ICREQ -> "ICReq";
            case ICRESP -> "ICResp";
            case H2C_TERM_REQ -> "H2CTermReq";
            case C2H_TERM_REQ -> "C2HTermReq";
            case CAPSULE_CMD -> "CapsuleCmd";
            case CAPSULE_RESP -> "CapsuleResp";
            case H2C_DATA -> "H2CData";
            case C2H_DATA -> "C2HData";
            case R2T -> "R2T";
            default -> String.format("unknown type 0x%02x", type);
        };
    }

    /** What a fatal error status means, for messages. */
    static String fesName(int fes) {
        return switch (fes) {
            case FES_INVALID_HEADER_FIELD -> "invalid PDU header field";
            case FES_PDU_SEQUENCE_ERROR -> "PDU sequence error";
            case FES_HEADER_DIGEST_ERROR -> "header digest error";
            case FES_DATA_OUT_OF_RANGE -> "data transfer out of range";
            case FES_DATA_LIMIT_EXCEEDED -> "data transfer limit exceeded";
            case FES_UNSUPPORTED_PARAMETER -> "unsupported parameter";
            default -> String.format("fatal error status 0x%02x", fes);
        };
    }

    /** The data offset PDO for a header of {@code hlen} with or without a header digest, aligned to {@code pda}. */
    static int dataOffset(int hlen, boolean headerDigest, int pda) {
        int pdo = hlen + (headerDigest ? DIGEST_LENGTH : 0);
        int align = (pda + 1) * 4;
        return (pdo + align - 1) / align * align;
    }
}
