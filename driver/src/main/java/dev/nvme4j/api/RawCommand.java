package dev.nvme4j.api;

/**
 * A command for passthrough ({@link Controller#adminPassthrough}, {@link IoQueuePair#passthrough}),
 * like nvme-cli's {@code passthru}: the opcode, NSID and command dwords 2, 3 and 10 to 15 are
 * sent as given; the driver fills in the command identifier and the data pointer (PRPs) from
 * the buffer. Immutable and thread-safe.
 *
 * @param opcode  command opcode
 * @param nsid    namespace identifier (0 when not used)
 * @param cdw2    command dword 2
 * @param cdw3    command dword 3
 * @param cdw10   command dword 10
 * @param cdw11   command dword 11
 * @param cdw12   command dword 12
 * @param cdw13   command dword 13
 * @param cdw14   command dword 14
 * @param cdw15   command dword 15
 */
public record RawCommand(int opcode, int nsid, int cdw2, int cdw3, int cdw10, int cdw11, int cdw12,
                         int cdw13, int cdw14, int cdw15) {
    /** A command with only an opcode and NSID; use the {@code with} methods for the dwords. */
    public static RawCommand of(int opcode, int nsid) {
        return new RawCommand(opcode, nsid, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    public RawCommand withCdw10(int v) {
        return new RawCommand(opcode, nsid, cdw2, cdw3, v, cdw11, cdw12, cdw13, cdw14, cdw15);
    }

    public RawCommand withCdw11(int v) {
        return new RawCommand(opcode, nsid, cdw2, cdw3, cdw10, v, cdw12, cdw13, cdw14, cdw15);
    }

    public RawCommand withCdw12(int v) {
        return new RawCommand(opcode, nsid, cdw2, cdw3, cdw10, cdw11, v, cdw13, cdw14, cdw15);
    }

    public RawCommand withCdw13(int v) {
        return new RawCommand(opcode, nsid, cdw2, cdw3, cdw10, cdw11, cdw12, v, cdw14, cdw15);
    }

    public RawCommand withCdw14(int v) {
        return new RawCommand(opcode, nsid, cdw2, cdw3, cdw10, cdw11, cdw12, cdw13, v, cdw15);
    }

    public RawCommand withCdw15(int v) {
        return new RawCommand(opcode, nsid, cdw2, cdw3, cdw10, cdw11, cdw12, cdw13, cdw14, v);
    }
}
