package dev.nvme4j.tcp;

/**
 * One Discovery Log Page entry (NVMe Base 2.0, 5.16.1.23, figure 262): where a subsystem (or
 * another discovery controller) can be reached.
 */
public record DiscoveryEntry(int trtype, int adrfam, int subtype, int treq, int portId, int cntlid, int asqsz,
        int eflags, String trsvcid, String subnqn, String traddr, int tcpSecurityType) {

    public String trtypeName() {
        return switch (trtype) {
            case 1 -> "rdma";
            case 2 -> "fc";
            case 3 -> "tcp";
            case 254 -> "loop";
            default -> "unrecognized";
        };
    }

    public String adrfamName() {
        return switch (adrfam) {
            case 1 -> "ipv4";
            case 2 -> "ipv6";
            case 3 -> "infiniband";
            case 4 -> "fibre-channel";
            case 254 -> "intra-host";
            default -> "unrecognized";
        };
    }

    public String subtypeName() {
        return switch (subtype) {
            case 1 -> "discovery subsystem referral";
            case 2 -> "nvme subsystem";
            case 3 -> "current discovery subsystem";
            default -> "unrecognized";
        };
    }

    public String treqName() {
        String secure = switch (treq & 0x3) {
            case 1 -> "required";
            case 2 -> "not required";
            default -> "not specified";
        };
        return (treq & 0x4) != 0 ? secure + ", sq flow control disable supported" : secure;
    }

    public String sectypeName() {
        return switch (tcpSecurityType) {
            case 0 -> "none";
            case 1 -> "tls 1.2";
            case 2 -> "tls 1.3";
            default -> "unrecognized";
        };
    }
}
